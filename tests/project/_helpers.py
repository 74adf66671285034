"""Helpers for project tests: seeded synthetic images and masks."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np


def write_image(path: Path, size: tuple[int, int] = (24, 32), *, seed: int = 0) -> Path:
    """Write a seeded random RGB PNG of ``size`` = (H, W); distinct seeds give distinct bytes."""
    rng = np.random.default_rng(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    image = rng.integers(0, 256, (*size, 3), dtype=np.uint8)
    assert cv2.imwrite(str(path), image)
    return path


def random_mask(shape: tuple[int, int], *, seed: int) -> np.ndarray:
    """A seeded random non-empty blob-and-noise mask of ``shape``."""
    rng = np.random.default_rng(seed)
    h, w = shape
    mask = np.zeros(shape, bool)
    y0, x0 = rng.integers(0, h - 1), rng.integers(0, w - 1)
    mask[y0 : rng.integers(y0 + 1, h + 1), x0 : rng.integers(x0 + 1, w + 1)] = True
    mask ^= rng.random(shape) < 0.05
    mask[y0, x0] = True
    return mask
