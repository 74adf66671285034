"""Helpers shared by the session tests (imported by conftest and the test modules)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from grabseg.jobs import InlineRunner
from grabseg.project import Project
from grabseg.session.annotation import AnnotationSession

#: A box around the disk of ``make_disk_image()`` (80x100, centre (50, 40), radius 22).
DISK_BOX = (22, 12, 79, 69)


def write_rgb_png(path: Path, image: np.ndarray) -> Path:
    assert cv2.imwrite(str(path), np.ascontiguousarray(image[:, :, ::-1]))
    return path


def run(session: AnnotationSession, runner: InlineRunner, request) -> bool:
    """Submit ``request`` and apply its result; returns what ``apply`` returned."""
    assert request is not None
    return session.apply(runner.submit(request).result())


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.logical_and(a, b).sum() / max(1, np.logical_or(a, b).sum()))


def add_lure_image(project: Project, folder: Path) -> tuple[int, np.ndarray, np.ndarray]:
    """Add a 160x120 image: a red disk (centre (80, 60), radius 25) with a red bump
    (x 100..121, y 52..67) stuck to its right side, which a box-only cut with the box
    ``(40, 15, 128, 105)`` takes as foreground. Returns ``(image_id, disk truth, bump)``."""
    rng = np.random.default_rng(5)
    h, w = 120, 160
    yy, xx = np.mgrid[:h, :w]
    truth = (yy - 60) ** 2 + (xx - 80) ** 2 <= 25**2
    bump = np.zeros_like(truth)
    bump[52:68, 100:122] = True
    bump &= ~truth
    image = np.empty((h, w, 3), np.float64)
    image[...] = (40, 60, 170)
    image[truth | bump] = (200, 70, 50)
    image += rng.normal(0, 12, image.shape)
    write_rgb_png(folder / "lure.png", np.clip(image, 0, 255).astype(np.uint8))
    return project.add_image(folder / "lure.png"), truth, bump
