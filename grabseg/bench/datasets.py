"""Benchmark datasets: a folder of images, ground-truth masks and boxes.

Layout of a dataset folder ``ROOT``::

    ROOT/images/<name>.<ext>   any image grabseg reads (jpg, png, bmp, ...)
    ROOT/masks/<name>.png      single-channel uint8: 0 background, 255 foreground,
                               128 ignored band (pixels not scored)
    ROOT/boxes.json            {"<name>": [x0, y0, x1, y1], ...}; x1, y1 exclusive

Every image needs a mask with the same stem and a box; every box needs an
image. Problems are reported with a ``DatasetError`` naming the file and what
is wrong, before any engine runs (``load_dataset`` reads every mask and image
once to check sizes and values unless ``check_pixels=False``).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from grabseg.io.images import is_image_path, read_image
from grabseg.types import Box

#: Values a ground-truth mask may hold: background, ignored band, foreground.
MASK_BG, MASK_IGNORE, MASK_FG = 0, 128, 255


class DatasetError(ValueError):
    """A benchmark dataset folder is malformed; the message names the file and the problem."""


@dataclass(frozen=True)
class BenchItem:
    """One image of a benchmark dataset (paths only; pixels are read by ``load_item``)."""

    name: str
    image_path: Path
    mask_path: Path
    box: Box


@dataclass(frozen=True)
class Dataset:
    """A benchmark dataset: its name (the folder name), root folder and items sorted by name."""

    name: str
    root: Path
    items: tuple[BenchItem, ...]


def load_dataset(
    root: str | os.PathLike[str], *, limit: int | None = None, check_pixels: bool = True
) -> Dataset:
    """Index a dataset folder and check that images, masks and boxes correspond.

    Parameters
    ----------
    root : path
        The dataset folder (see the module docstring for its layout).
    limit : int, optional
        Keep only the first ``limit`` items in name order.
    check_pixels : bool
        Also read every kept image and mask once and check them with ``load_item``.

    Raises
    ------
    DatasetError
        If the folder, ``images/``, ``masks/`` or ``boxes.json`` is missing, an
        image has no mask or no box, a box has no image, two images share a stem,
        or a box is not four integers with ``x0 < x1`` and ``y0 < y1``; with
        ``check_pixels``, also for the problems ``load_item`` reports.
    """
    root_path = Path(root)
    if not root_path.is_dir():
        raise DatasetError(f"dataset folder not found: {root_path}")
    if limit is not None and limit < 1:
        raise DatasetError(f"limit must be at least 1, got {limit}")
    images = _index_images(root_path / "images")
    boxes = _read_boxes(root_path / "boxes.json")
    masks_dir = root_path / "masks"
    if not masks_dir.is_dir():
        raise DatasetError(f"{root_path}: missing masks/ folder")
    no_box = sorted(set(images) - set(boxes))
    if no_box:
        raise DatasetError(f"{root_path / 'boxes.json'}: no box for image(s) {_names(no_box)}")
    no_image = sorted(set(boxes) - set(images))
    if no_image:
        raise DatasetError(
            f"{root_path / 'boxes.json'}: box(es) for {_names(no_image)} but no such image in images/"
        )
    items = []
    for name in sorted(images):
        mask_path = masks_dir / f"{name}.png"
        if not mask_path.is_file():
            raise DatasetError(f"{root_path}: image {name!r} has no mask (expected {mask_path})")
        items.append(BenchItem(name, images[name], mask_path, boxes[name]))
    if not items:
        raise DatasetError(f"{root_path / 'images'}: no images found")
    if limit is not None:
        items = items[:limit]
    if check_pixels:
        for item in items:
            load_item(item)
    return Dataset(root_path.resolve().name, root_path, tuple(items))


def load_item(
    item: BenchItem,
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]:
    """Read an item's image and mask and check they fit together.

    Returns
    -------
    image : (H, W, 3) uint8 ndarray
        RGB, as ``grabseg.io.images.read_image`` reads it.
    truth : (H, W) uint8 ndarray
        The mask, with values in {0, 128, 255}.

    Raises
    ------
    DatasetError
        If the mask is not single-channel 8-bit, has other values than 0, 128 and
        255, has a different size from the image, or the box leaves the image.
    """
    image = read_image(item.image_path)
    truth = cv2.imread(str(item.mask_path), cv2.IMREAD_UNCHANGED)
    if truth is None:
        raise DatasetError(f"{item.mask_path}: cannot decode as a PNG mask")
    if truth.ndim != 2 or truth.dtype != np.uint8:
        raise DatasetError(
            f"{item.mask_path}: mask must be single-channel 8-bit, got shape {truth.shape} "
            f"dtype {truth.dtype}"
        )
    h, w = image.shape[:2]
    if truth.shape != (h, w):
        raise DatasetError(
            f"{item.mask_path}: mask size {truth.shape[1]}x{truth.shape[0]} does not match "
            f"image size {w}x{h} ({item.image_path.name})"
        )
    bad = np.setdiff1d(np.unique(truth), [MASK_BG, MASK_IGNORE, MASK_FG])
    if bad.size:
        raise DatasetError(
            f"{item.mask_path}: mask values must be 0, 128 or 255, found {bad[:5].tolist()}"
        )
    b = item.box
    if not (0 <= b.x0 < b.x1 <= w and 0 <= b.y0 < b.y1 <= h):
        raise DatasetError(
            f"box of {item.name!r} {list(b.as_tuple())} leaves the image ({w}x{h}); "
            "need 0 <= x0 < x1 <= W and 0 <= y0 < y1 <= H"
        )
    return image, truth


def _index_images(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        raise DatasetError(f"{folder.parent}: missing images/ folder")
    found: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith(".") or not is_image_path(path):
            continue
        if path.stem in found:
            raise DatasetError(
                f"{folder}: two images share the name {path.stem!r}: "
                f"{found[path.stem].name} and {path.name}"
            )
        found[path.stem] = path
    return found


def _read_boxes(path: Path) -> dict[str, Box]:
    if not path.is_file():
        raise DatasetError(f"{path.parent}: missing boxes.json (name -> [x0, y0, x1, y1])")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DatasetError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(raw, dict):
        raise DatasetError(f"{path}: must be an object name -> [x0, y0, x1, y1], got {type(raw).__name__}")
    boxes = {}
    for name, value in raw.items():
        ok = (
            isinstance(value, list)
            and len(value) == 4
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        )
        if not ok or not (value[0] < value[2] and value[1] < value[3]):
            raise DatasetError(
                f"{path}: box of {name!r} must be 4 integers [x0, y0, x1, y1] with x0 < x1 "
                f"and y0 < y1, got {value!r}"
            )
        boxes[name] = Box(*value)
    return boxes


def _names(names: list[str], shown: int = 5) -> str:
    text = ", ".join(repr(n) for n in names[:shown])
    return text + (f" and {len(names) - shown} more" if len(names) > shown else "")
