"""A tiny synthetic benchmark dataset written to tmp_path."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest


def _disk_item(h: int, w: int, seed: int) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """A reddish disk on a bluish textured background; the mask has a 128 band of 1 px."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:h, :w]
    r2 = (yy - h / 2) ** 2 + (xx - w / 2) ** 2
    radius = min(h, w) / 4
    fg = r2 <= radius**2
    image = np.empty((h, w, 3), np.float64)
    image[...] = (40, 60, 170)
    image[fg] = (200, 70, 50)
    image = np.clip(image + rng.normal(0, 12, image.shape), 0, 255).astype(np.uint8)
    mask = np.where(fg, 255, 0).astype(np.uint8)
    mask[(r2 > (radius - 1) ** 2) & (r2 <= (radius + 1) ** 2)] = 128
    m = int(radius) + 6
    box = [int(w / 2) - m, int(h / 2) - m, int(w / 2) + m, int(h / 2) + m]
    return image, mask, box


def write_dataset(root: Path, sizes: tuple[tuple[int, int], ...] = ((48, 64), (56, 44))) -> Path:
    """Write images/, masks/ and boxes.json for disks of the given (H, W) sizes."""
    (root / "images").mkdir(parents=True)
    (root / "masks").mkdir()
    boxes = {}
    for i, (h, w) in enumerate(sizes):
        image, mask, box = _disk_item(h, w, seed=i)
        name = f"disk{i}"
        assert cv2.imwrite(str(root / "images" / f"{name}.png"), image[:, :, ::-1])
        assert cv2.imwrite(str(root / "masks" / f"{name}.png"), mask)
        boxes[name] = box
    (root / "boxes.json").write_text(json.dumps(boxes))
    return root


@pytest.fixture
def tiny_dataset(tmp_path: Path) -> Path:
    """Two disk images (48x64 and 56x44) in ``tmp_path/tiny``."""
    return write_dataset(tmp_path / "tiny")


@pytest.fixture
def dataset_writer() -> Callable[..., Path]:
    """``write_dataset(root, sizes)`` for tests that need more datasets."""
    return write_dataset
