"""COCO "instances" JSON (polygons, compressed or uncompressed RLE, iscrowd).

``source`` is a JSON file, or a folder holding ``annotations/*.json`` (all
``instances*.json`` there, e.g. train and val) or ``*.json``. Image files are
looked up as ``file_name`` under ``images_dir`` (option), the JSON's folder and
its parent. Polygons are rasterised like pycocotools (pixel-centre inside;
several polygons of one annotation are united). Annotations keep file order
as z (later = on top). ``iscrowd=1`` regions are imported as instances
unless ``crowd="skip"``. A category named ``_background_`` is not imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from grabseg.io.importers.base import (
    ImportedClass, ImportedDataset, ImportFormatError, check_size, load_json, make_record,
)
from grabseg.masks import polygons_to_mask, rle_decode
from grabseg.types import Instance

BACKGROUND_NAMES = frozenset({"_background_", "__background__", "background"})


def find_coco_files(source: Path) -> list[Path]:
    """The JSON files to read for ``source`` (file or folder)."""
    if source.is_file():
        return [source]
    for folder in (source / "annotations", source):
        files = sorted(folder.glob("instances*.json")) or sorted(
            p for p in folder.glob("*.json") if "panoptic" not in p.name
        )
        if files:
            return files
    raise FileNotFoundError(
        f"no COCO JSON found in {source} (looked in annotations/ and the folder)"
    )


def read_coco(
    source: str | Path, *, images_dir: str | Path | None = None, crowd: str = "include"
) -> ImportedDataset:
    """Read COCO instances JSON into classes and records."""
    if crowd not in ("include", "skip"):
        raise ValueError(f"crowd must be 'include' or 'skip', got {crowd!r}")
    source = Path(source)
    files = find_coco_files(source)
    root = files[0].parent.parent if files[0].parent.name == "annotations" else files[0].parent
    out = ImportedDataset(classes=[], records=[], root=root)
    classes: dict[int, ImportedClass] = {}
    for file in files:
        data = load_json(file)
        if not isinstance(data, dict) or not isinstance(data.get("images"), list):
            raise ImportFormatError(f"{file}: not a COCO instances file (no 'images' list)")
        _read_categories(file, data.get("categories", []), classes, out.warnings)
        search = [Path(images_dir)] if images_dir else []
        search += [file.parent, file.parent.parent]
        _read_images(file, data, classes, search, crowd, root, out)
    out.classes = sorted(classes.values(), key=lambda c: c.id)
    return out


def _read_categories(
    file: Path, cats: Any, classes: dict[int, ImportedClass], warnings: list[str]
) -> None:
    if not isinstance(cats, list):
        raise ImportFormatError(f"{file}: 'categories' must be a list")
    for cat in cats:
        try:
            cid, name = int(cat["id"]), str(cat["name"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ImportFormatError(f"{file}: bad category {cat!r} ({exc})") from exc
        if name in BACKGROUND_NAMES:
            continue
        color = cat.get("color")
        rgb = tuple(int(v) for v in color) if isinstance(color, list) and len(color) == 3 else None
        new = ImportedClass(cid, name, rgb, bool(cat.get("isthing", 1)))
        if cid in classes and classes[cid].name != name:
            raise ImportFormatError(f"{file}: category id {cid} is {name!r} here but "
                                    f"{classes[cid].name!r} in another file")
        classes.setdefault(cid, new)


def _read_images(
    file: Path, data: dict, classes: dict[int, ImportedClass], search: list[Path],
    crowd: str, root: Path, out: ImportedDataset,
) -> None:
    by_image: dict[Any, list[dict]] = {}
    for ann in data.get("annotations", []):
        by_image.setdefault(ann.get("image_id"), []).append(ann)
    for img in data["images"]:
        where = f"{file}: image {img.get('id')!r}"
        name = str(img.get("file_name", ""))
        h = check_size(img.get("height"), "height", where)
        w = check_size(img.get("width"), "width", where)
        instances = []
        for ann in by_image.get(img.get("id"), []):
            inst = _instance(ann, h, w, classes, crowd, f"{file}: annotation {ann.get('id')!r}",
                             out.warnings)
            if inst is not None:
                instances.append(inst)
        image = next((d / name for d in search if (d / name).is_file()), None)
        if image is None:
            out.warnings.append(f"{where}: image file {name!r} not found")
        out.records.append(make_record(root, image, name, w, h, instances))


def _instance(
    ann: dict, h: int, w: int, classes: dict[int, ImportedClass], crowd: str, where: str,
    warnings: list[str],
) -> Instance | None:
    if ann.get("category_id") not in classes:
        warnings.append(f"{where}: category {ann.get('category_id')!r} not declared; skipped")
        return None
    if ann.get("iscrowd") and crowd == "skip":
        return None
    mask = decode_segmentation(ann.get("segmentation"), h, w, where)
    if mask is None or not mask.any():
        warnings.append(f"{where}: empty or missing segmentation; skipped")
        return None
    return Instance(class_id=int(ann["category_id"]), mask=mask)


def decode_segmentation(seg: Any, h: int, w: int, where: str) -> np.ndarray | None:
    """COCO ``segmentation`` (polygon list or RLE dict) as an ``(h, w)`` bool mask."""
    if seg is None or seg == []:
        return None
    if isinstance(seg, list):
        rings = []
        for poly in seg:
            if not isinstance(poly, list) or len(poly) < 6 or len(poly) % 2:
                raise ImportFormatError(
                    f"{where}: a polygon needs >= 3 (x, y) pairs, got {poly!r:.80}"
                )
            rings.append(np.asarray(poly, np.float64).reshape(-1, 2))
        return polygons_to_mask(rings, (h, w), convention="edge")
    if isinstance(seg, dict) and "counts" in seg and "size" in seg:
        if [int(v) for v in seg["size"]] != [h, w]:
            raise ImportFormatError(
                f"{where}: RLE size {seg['size']} does not match image {h}x{w} (HxW)"
            )
        try:
            return rle_decode(seg)
        except ValueError as exc:
            raise ImportFormatError(f"{where}: bad RLE ({exc})") from exc
    raise ImportFormatError(f"{where}: segmentation must be a polygon list or an RLE dict")
