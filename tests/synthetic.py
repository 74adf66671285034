"""Seeded synthetic test images (import as ``from synthetic import make_disk_image``)."""

from __future__ import annotations

import numpy as np


def make_disk_image(
    size: tuple[int, int] = (80, 100), *, radius: int = 22, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A seeded synthetic image: a reddish textured disk on a bluish textured background.

    Returns ``(image (H, W, 3) uint8, truth (H, W) bool)``.
    """
    rng = np.random.default_rng(seed)
    h, w = size
    yy, xx = np.mgrid[:h, :w]
    truth = (yy - h / 2) ** 2 + (xx - w / 2) ** 2 <= radius**2
    image = np.empty((h, w, 3), np.float64)
    image[...] = (40, 60, 170)
    image[truth] = (200, 70, 50)
    image += rng.normal(0, 12, image.shape)
    return np.clip(image, 0, 255).astype(np.uint8), truth
