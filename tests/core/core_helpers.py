"""Shared helpers of the core tests: synthetic images, IoU, grabcut-dev loading."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np


def iou(pred: np.ndarray, truth: np.ndarray, valid: np.ndarray | None = None) -> float:
    """Intersection over union of two bool masks, over ``valid`` pixels (all if None)."""
    v = np.ones(pred.shape, bool) if valid is None else valid
    return float((pred & truth & v).sum() / max(((pred | truth) & v).sum(), 1))


def centred_square(size: int = 60, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A red square in the middle of a textured blue image: ``(image, truth)``."""
    rng = np.random.default_rng(seed)
    img = np.empty((size, size, 3))
    img[...] = (40, 60, 170)
    truth = np.zeros((size, size), bool)
    q = size // 4
    truth[q:size - q, q:size - q] = True
    img[truth] = (210, 60, 40)
    img += rng.normal(0, 10, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8), truth


def load_dev(root: Path, name: str) -> tuple[np.ndarray, np.ndarray, tuple[int, int, int, int]]:
    """A grabcut-dev item: ``(RGB image, mask 0/128/255, box)``."""
    boxes = json.loads((root / "boxes.json").read_text())
    path = next((root / "images").glob(name + ".*"))
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)[:, :, ::-1].copy()
    truth = cv2.imread(str(root / "masks" / f"{name}.png"), cv2.IMREAD_UNCHANGED)
    return image, truth, tuple(boxes[name])
