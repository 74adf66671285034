"""Folders of binary instance masks (format name "masks").

With an ``index.json`` (what grabseg's "masks" export writes) it is followed:
classes with ids and colours, and per image its instances bottom to top.

Without one, the folder convention is::

    images/<stem>.<ext>
    masks/<stem>/<NNN>_<class name>.png      any non-zero pixel is foreground

``NNN`` orders the instances (lowest at the bottom); the class name is
everything after the first ``_``. Classes get ids 1, 2, ... in sorted name
order. Masks must be the size of their image.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2

from grabseg.export.png import read_label_png
from grabseg.io.images import is_image_path
from grabseg.io.importers.base import (
    ImportedClass, ImportedDataset, ImportFormatError, load_json, make_record,
)
from grabseg.types import Instance


def read_masks(source: str | Path) -> ImportedDataset:
    """Read a masks folder (index.json or the folder convention)."""
    root = Path(source)
    if not root.is_dir():
        raise FileNotFoundError(f"masks source is not a folder: {root}")
    if (root / "index.json").is_file():
        return _read_index(root)
    if not (root / "masks").is_dir():
        raise FileNotFoundError(f"{root}: neither index.json nor a masks/ folder")
    return _read_folders(root)


def _mask(path: Path, hw: tuple[int, int] | None, where: str) -> Any:
    mask = read_label_png(path) > 0
    if hw is not None and mask.shape != hw:
        raise ImportFormatError(
            f"{where}: mask {path.name} is {mask.shape[::-1]} (WxH), image is {hw[::-1]}"
        )
    return mask


def _read_index(root: Path) -> ImportedDataset:
    index = load_json(root / "index.json")
    if not isinstance(index, dict) or not isinstance(index.get("images"), list):
        raise ImportFormatError(f"{root / 'index.json'}: no 'images' list")
    try:
        classes = [ImportedClass(int(c["id"]), str(c["name"]),
                                 tuple(int(v) for v in c["color"]) if c.get("color") else None,
                                 bool(c.get("isthing", True))) for c in index.get("classes", [])]
    except (KeyError, TypeError, ValueError) as exc:
        raise ImportFormatError(f"{root / 'index.json'}: bad class entry ({exc})") from exc
    known = {c.id for c in classes}
    out = ImportedDataset(classes=classes, records=[], root=root)
    for k, img in enumerate(index["images"]):
        where = f"{root / 'index.json'}: image {k}"
        try:
            hw = (int(img["height"]), int(img["width"]))
            entries = sorted(img.get("instances", []), key=lambda e: e.get("z", 0))
            instances = []
            for e in entries:
                if int(e["class_id"]) not in known:
                    raise ImportFormatError(f"{where}: class id {e['class_id']} not in 'classes'")
                mask = _mask(root / e["mask"], hw, where)
                instances.append(Instance(class_id=int(e["class_id"]), mask=mask))
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, ImportFormatError):
                raise
            raise ImportFormatError(f"{where}: bad entry ({exc!r})") from exc
        file = str(img.get("file", ""))
        image = (root / file) if file and (root / file).is_file() else None
        if image is None:
            out.warnings.append(f"{where}: image file {file!r} not found")
        rel = img.get("path") or file
        out.records.append(make_record(root, image, rel, hw[1], hw[0], instances))
    return out


def _read_folders(root: Path) -> ImportedDataset:
    out = ImportedDataset(classes=[], records=[], root=root)
    folders = sorted(p for p in (root / "masks").iterdir() if p.is_dir())
    names = sorted({_class_name(f) for d in folders for f in d.glob("*.png")})
    ids = {n: i + 1 for i, n in enumerate(names)}
    out.classes = [ImportedClass(i, n) for n, i in ids.items()]
    images = {p.stem: p for p in sorted((root / "images").glob("*")) if is_image_path(p)} \
        if (root / "images").is_dir() else {}
    for folder in folders:
        image = images.get(folder.name)
        hw = None
        if image is not None:
            arr = cv2.imread(str(image), cv2.IMREAD_UNCHANGED)
            hw = None if arr is None else arr.shape[:2]
        else:
            out.warnings.append(f"{folder}: no image images/{folder.name}.* found")
        files = sorted(folder.glob("*.png"), key=lambda f: (_order(f), f.name))
        instances = [
            Instance(class_id=ids[_class_name(f)], mask=_mask(f, hw, str(folder))) for f in files
        ]
        if hw is None and instances:
            hw = instances[0].mask.shape
        if hw is None:
            continue
        rel = f"images/{folder.name}.png"
        out.records.append(make_record(root, image, rel, hw[1], hw[0], instances))
    return out


def _class_name(f: Path) -> str:
    head, sep, tail = f.stem.partition("_")
    if not sep or not tail:
        raise ImportFormatError(f"{f}: mask names must be <NNN>_<class>.png")
    return tail


def _order(f: Path) -> int:
    head = f.stem.partition("_")[0]
    if not head.isdigit():
        raise ImportFormatError(f"{f}: mask names must start with a number (<NNN>_<class>.png)")
    return int(head)
