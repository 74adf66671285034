"""PASCAL VOC segmentation: SegmentationClass + SegmentationObject PNG pairs.

``source`` is the folder holding ``SegmentationClass/`` (required) and
``SegmentationObject/`` (optional), images in ``JPEGImages/<stem>.*`` or
where grabseg's ``images.json`` (stem -> path relative to the folder) says.
Palette PNGs are read as indices. Class names come from, in this order:
``classes.json`` (grabseg's, with colours), ``class_names.txt`` (line i = id
i), ``labels.txt`` (labelme's, counted from ``_background_``); otherwise a
value v is named ``class_<v>``.

Instances: each SegmentationObject value 1..254 is one instance, of the class
most of its pixels have in SegmentationClass; the value order is the z-order
(1 = bottom). Class pixels outside every object (all of them when there is no
SegmentationObject) become one instance per class, below the objects. 255 is
VOC's void/boundary and is dropped, unless the class list has a class named
``__ignore__`` (what grabseg's VOC export writes as 255): then 255 pixels
inside objects, and outside them, are instances of that class.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from grabseg.export.png import read_label_png, voc_palette
from grabseg.export.voc import VOID, VOID_NAMES
from grabseg.io.images import is_image_path
from grabseg.io.importers.base import (
    ImportedClass, ImportedDataset, ImportFormatError, load_json, make_record,
)
from grabseg.io.importers.labelme import read_label_names
from grabseg.types import Instance

_SKIP_NAMES = ("_background_", "background", "__background__")


def read_voc_classes(root: Path) -> list[ImportedClass] | None:
    """Class list from classes.json / class_names.txt / labels.txt, or None if none exist."""
    palette = voc_palette()
    if (root / "classes.json").is_file():
        data = load_json(root / "classes.json")
        try:
            return [ImportedClass(int(c["id"]), str(c["name"]), tuple(int(v) for v in c["color"]),
                                  bool(c.get("isthing", True))) for c in data]
        except (KeyError, TypeError, ValueError) as exc:
            raise ImportFormatError(f"{root / 'classes.json'}: bad class entry ({exc})") from exc
    if (root / "class_names.txt").is_file():
        lines = (root / "class_names.txt").read_text(encoding="utf-8").splitlines()
        pairs = [(i, n.strip()) for i, n in enumerate(lines) if n.strip()]
    elif (root / "labels.txt").is_file():
        pairs = [(i, n) for n, i in read_label_names(root / "labels.txt").items()]
    else:
        return None
    return [
        ImportedClass(i, n, tuple(int(v) for v in palette[i % 256]), True)
        for i, n in pairs
        if n not in _SKIP_NAMES and not (n.startswith("__unused_") and n.endswith("__"))
        and 1 <= i < VOID
    ]


def read_voc(source: str | Path) -> ImportedDataset:
    """Read a VOC segmentation folder into classes and records."""
    root = Path(source)
    class_dir, object_dir = root / "SegmentationClass", root / "SegmentationObject"
    if not class_dir.is_dir():
        raise FileNotFoundError(f"no SegmentationClass/ folder in {root}")
    declared = read_voc_classes(root)
    classes = {c.id: c for c in declared or []}
    out = ImportedDataset(classes=[], records=[], root=root)
    listed = load_json(root / "images.json") if (root / "images.json").is_file() else {}
    if not isinstance(listed, dict):
        raise ImportFormatError(f"{root / 'images.json'}: expected an object stem -> path")
    for png in sorted(class_dir.glob("*.png")):
        cls = read_label_png(png)
        obj_png = object_dir / png.name
        obj = read_label_png(obj_png) if obj_png.is_file() else None
        if obj is not None and obj.shape != cls.shape:
            raise ImportFormatError(f"{obj_png}: size {obj.shape} differs from {png} {cls.shape}")
        instances = _instances(cls, obj, classes, declared is None, f"{png}", out.warnings)
        image = _find_image(root / "JPEGImages", png.stem)
        if image is None and isinstance(listed.get(png.stem), str):
            candidate = root / listed[png.stem]
            image = candidate if candidate.is_file() else None
        if image is None:
            out.warnings.append(f"{png}: no image JPEGImages/{png.stem}.* found")
        h, w = cls.shape
        out.records.append(make_record(root, image, f"JPEGImages/{png.stem}.jpg", w, h, instances))
    out.classes = sorted(classes.values(), key=lambda c: c.id)
    return out


def _class_of(value: int, classes: dict[int, ImportedClass], invent: bool, where: str,
              warnings: list[str]) -> int | None:
    """The class id for PNG value ``value``; None for background and unclaimed void."""
    if value == VOID:
        return next((c.id for c in classes.values() if c.name in VOID_NAMES), None)
    if value == 0:
        return None
    if value not in classes:
        if not invent:
            warnings.append(f"{where}: class value {value} has no name; named class_{value}")
        color = tuple(int(v) for v in voc_palette()[value])
        classes[value] = ImportedClass(value, f"class_{value}", color, True)
    return value


def _instances(cls: np.ndarray, obj: np.ndarray | None, classes: dict[int, ImportedClass],
               invent: bool, where: str, warnings: list[str]) -> list[Instance]:
    objects = [] if obj is None else [v for v in np.unique(obj) if 0 < v < VOID]
    covered = np.zeros(cls.shape, np.bool_) if obj is None else (obj != 0)
    below: list[Instance] = []
    for value in np.unique(cls[~covered]):
        class_id = _class_of(int(value), classes, invent, where, warnings)
        if class_id is not None:
            below.append(Instance(class_id=class_id, mask=(cls == value) & ~covered))
    above: list[Instance] = []
    for v in objects:
        mask = obj == v
        values, counts = np.unique(cls[mask], return_counts=True)
        value = int(values[np.argmax(counts)])
        class_id = _class_of(value, classes, invent, where, warnings)
        if class_id is None:
            warnings.append(
                f"{where}: object {int(v)} has class value {value} (background/void); skipped"
            )
            continue
        above.append(Instance(class_id=class_id, mask=mask))
    return below + above


def _find_image(folder: Path, stem: str) -> Path | None:
    if not folder.is_dir():
        return None
    return next((p for p in sorted(folder.glob(f"{stem}.*")) if is_image_path(p)), None)
