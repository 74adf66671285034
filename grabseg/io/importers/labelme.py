"""labelme JSON files (one per image), as labelme writes them.

``source`` is one JSON file or a folder searched recursively for ``*.json``.
Shapes with the same ``(label, group_id)`` form one instance (their union), a
shape without ``group_id`` is an instance of its own; instances keep the order
in which they first appear (later = on top). ``polygon``, ``rectangle``,
``circle`` and ``mask`` shapes give masks; ``line``, ``linestrip``, ``point``
and ``points`` have no area and are skipped with a warning. Shapes are drawn
with PIL exactly as labelme draws them (filled, outline included), so
fractional vertices give labelme's own pixels.

Class ids: with a ``labels.txt`` (option ``labels``, or ``labels.txt`` in the
source folder) names get ids by line, counted from ``_background_`` = 0 as
labelme2voc does; otherwise ids 1, 2, ... by first appearance. Labels that
are not listed (and ``__ignore__``, which labelme treats as void) get the
next free ids. The VOC exporter writes a class named ``__ignore__`` as 255.

Images: ``imagePath`` relative to the JSON. When it is missing or not an
image (labelme sometimes stores the JSON's own name) the base64 ``imageData``
is decoded and written to ``image_dir`` (the caller decides where; required
only then) as ``<json path with / as __>.<ext>``.
"""

from __future__ import annotations

import base64
import binascii
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from grabseg.export.png import decode_label_png, draw_shape
from grabseg.io.images import is_image_path, read_image_size
from grabseg.io.importers.base import (
    ImportedClass, ImportedDataset, ImportFormatError, check_size, load_json, make_record,
    rel_posix,
)
from grabseg.types import Instance

IGNORE, BACKGROUND = "__ignore__", "_background_"
NO_AREA = frozenset({"line", "linestrip", "point", "points"})
_MAGIC = ((b"\x89PNG", ".png"), (b"\xff\xd8", ".jpg"), (b"BM", ".bmp"), (b"RIFF", ".webp"),
          (b"II*\x00", ".tif"), (b"MM\x00*", ".tif"))


def read_label_names(path: str | Path) -> dict[str, int]:
    """Class ids from a labelme ``labels.txt`` (one name per line)."""
    names = [ln.strip() for ln in Path(path).read_text(encoding="utf-8").splitlines() if ln.strip()]
    zero = names.index(BACKGROUND) if BACKGROUND in names else -1
    ids: dict[str, int] = {}
    for line, name in enumerate(names):
        if name in (BACKGROUND, IGNORE):
            continue
        if line < zero:
            raise ImportFormatError(
                f"{path}: {name!r} comes before {BACKGROUND!r}, so it has no id"
            )
        ids[name] = line - zero
    return ids


def read_labelme(
    source: str | Path, *, labels: str | Path | None = None, image_dir: str | Path | None = None,
) -> ImportedDataset:
    """Read labelme JSON into classes and records (see module docstring)."""
    source = Path(source)
    if not source.exists():
        raise FileNotFoundError(f"labelme source not found: {source}")
    root = source if source.is_dir() else source.parent
    files = sorted(root.rglob("*.json")) if source.is_dir() else [source]
    if not files:
        raise FileNotFoundError(f"no labelme .json files under {source}")
    if labels is None and (root / "labels.txt").is_file():
        labels = root / "labels.txt"
    ids = read_label_names(labels) if labels is not None else {}
    listed = set(ids)
    out = ImportedDataset(classes=[], records=[], root=root)
    for file in files:
        data = load_json(file)
        if not isinstance(data, dict) or not isinstance(data.get("shapes"), list):
            if source.is_dir():  # another JSON in the folder (e.g. a class list): skip it
                out.warnings.append(f"{file}: not a labelme file (no 'shapes' list); skipped")
                continue
            raise ImportFormatError(f"{file}: not a labelme file (no 'shapes' list)")
        out.records.append(_record(file, data, root, ids, image_dir, out.warnings))
    if labels is not None and set(ids) - listed - {IGNORE}:
        out.warnings.append(
            f"labels not in {labels}: {sorted(set(ids) - listed - {IGNORE})}; given new ids"
        )
    by_id = sorted(ids.items(), key=lambda t: t[1])
    out.classes = [ImportedClass(i, n, None, True) for n, i in by_id]
    return out


def _class_id(label: str, ids: dict[str, int]) -> int:
    if label not in ids:
        ids[label] = max(ids.values(), default=0) + 1
    return ids[label]


def _record(file: Path, data: dict, root: Path, ids: dict[str, int],
            image_dir: str | Path | None, warnings: list[str]) -> Any:
    image = _image_file(file, data, root, image_dir)
    h = data.get("imageHeight")
    w = data.get("imageWidth")
    if h is None or w is None:
        if image is None:
            raise ImportFormatError(f"{file}: no imageHeight/imageWidth and no image to measure")
        w, h = read_image_size(image)
    h, w = check_size(h, "imageHeight", str(file)), check_size(w, "imageWidth", str(file))
    groups: dict[tuple, np.ndarray] = {}
    labels_of: dict[tuple, str] = {}
    for k, shape in enumerate(data["shapes"]):
        label = shape.get("label") if isinstance(shape, dict) else None
        where = f"{file}: shape {k} ({label!r})"
        mask = shape_to_mask(shape, (h, w), where, warnings)
        if mask is None:
            continue
        gid = shape.get("group_id")
        key = (shape["label"], gid if gid is not None else ("single", k))
        groups[key] = groups[key] | mask if key in groups else mask
        labels_of[key] = shape["label"]
    instances = [Instance(class_id=_class_id(labels_of[key], ids), mask=m)
                 for key, m in groups.items() if m.any()]
    beside = file.with_suffix(image.suffix if image is not None else ".jpg")
    embedded = image is not None and not image.is_relative_to(root)
    return make_record(root, image, rel_posix(beside, root), w, h, instances,
                       path=rel_posix(beside, root) if embedded else None)


def shape_to_mask(
    shape: Any, hw: tuple[int, int], where: str, warnings: list[str]
) -> np.ndarray | None:
    """One labelme shape as an ``(H, W)`` bool mask, None for area-less shapes."""
    if not isinstance(shape, dict) or not isinstance(shape.get("label"), str):
        raise ImportFormatError(f"{where}: a shape needs a 'label' string")
    kind = shape.get("shape_type") or "polygon"
    try:
        pts = np.asarray(shape.get("points", []), np.float64).reshape(-1, 2)
    except ValueError as exc:
        raise ImportFormatError(f"{where}: points must be [[x, y], ...]") from exc
    if kind in NO_AREA:
        warnings.append(f"{where}: {kind} shape has no area; skipped")
        return None
    if kind == "polygon" and len(pts) >= 3:
        return draw_shape("polygon", pts, hw)
    if kind == "rectangle" and len(pts) == 2:
        return draw_shape("rectangle", pts, hw)
    if kind == "circle" and len(pts) == 2:
        r = float(np.hypot(*(pts[1] - pts[0])))
        return draw_shape("ellipse", [pts[0] - r, pts[0] + r], hw)
    if kind == "mask" and len(pts) >= 1 and isinstance(shape.get("mask"), str):
        return _mask_shape(shape["mask"], pts, hw, where)
    raise ImportFormatError(f"{where}: cannot read a {kind!r} shape with {len(pts)} point(s)")


def _mask_shape(b64: str, pts: np.ndarray, hw: tuple[int, int], where: str) -> np.ndarray:
    try:
        crop = decode_label_png(base64.b64decode(b64), name=where) > 0
    except (binascii.Error, ValueError) as exc:
        raise ImportFormatError(f"{where}: bad mask data ({exc})") from exc
    x0, y0 = (int(v) for v in pts[0])
    out = np.zeros(hw, np.bool_)
    ch, cw = crop.shape
    y1, x1 = min(y0 + ch, hw[0]), min(x0 + cw, hw[1])
    out[y0:y1, x0:x1] = crop[: y1 - y0, : x1 - x0]
    return out


def _image_file(file: Path, data: dict, root: Path, image_dir: str | Path | None) -> Path | None:
    ref = data.get("imagePath")
    if isinstance(ref, str) and ref:
        candidate = (file.parent / ref.replace("\\", "/"))
        if candidate.is_file() and is_image_path(candidate):
            return candidate
    blob = data.get("imageData")
    if not blob:
        return None
    if image_dir is None:
        raise ValueError(
            f"{file}: the image is embedded (imageData) and imagePath {ref!r} is not an image "
            "file; pass image_dir=... to say where to write the decoded image"
        )
    try:
        raw = base64.b64decode(blob, validate=False)
    except binascii.Error as exc:
        raise ImportFormatError(f"{file}: imageData is not base64 ({exc})") from exc
    ext = next((e for magic, e in _MAGIC if raw.startswith(magic)), None)
    if ext is None:
        raise ImportFormatError(f"{file}: imageData is not a PNG/JPEG/BMP/WebP/TIFF image")
    name = rel_posix(file, root).removesuffix(".json").replace("/", "__") + ext
    return _write_once(Path(image_dir) / name, raw)


def _write_once(target: Path, raw: bytes) -> Path:
    """Write ``raw`` to ``target`` atomically unless identical bytes are already there."""
    if target.is_file() and target.read_bytes() == raw:
        return target
    if target.exists():
        raise FileExistsError(f"{target} exists with other content; not overwriting it")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    with os.fdopen(fd, "wb") as fh:
        fh.write(raw)
    os.replace(tmp, target)
    return target
