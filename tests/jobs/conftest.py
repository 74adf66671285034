"""Fixtures for the runner tests: the synthetic disk image written to a PNG file."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest


def write_rgb_png(path: Path, image: np.ndarray) -> Path:
    """Write an RGB uint8 image as PNG (OpenCV wants BGR)."""
    assert cv2.imwrite(str(path), np.ascontiguousarray(image[:, :, ::-1]))
    return path


@pytest.fixture
def disk_png(tmp_path: Path, disk_image: tuple[np.ndarray, np.ndarray]) -> tuple[str, np.ndarray]:
    """``(path, truth)`` of the seeded disk image (80x100) saved losslessly."""
    image, truth = disk_image
    return str(write_rgb_png(tmp_path / "disk.png", image)), truth


@pytest.fixture
def big_png(tmp_path: Path) -> str:
    """A 1200x1200 disk image: slow enough to cut (seconds) to kill the worker mid-request."""
    rng = np.random.default_rng(3)
    yy, xx = np.mgrid[:1200, :1200]
    disk = (yy - 600) ** 2 + (xx - 600) ** 2 <= 400**2
    image = np.where(disk[..., None], (200, 70, 50), (40, 60, 170))
    image = image + rng.normal(0, 12, (1200, 1200, 3))
    image = np.clip(image, 0, 255).astype(np.uint8)
    return str(write_rgb_png(tmp_path / "big.png", image))
