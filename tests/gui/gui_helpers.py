"""Helpers for GUI tests: ground truth, IoU, raw QMouseEvent drags in image coordinates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

WINDOW_SIZE = (1180, 760)


def copy_images(grabcut_dev: Path, folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        src = next((grabcut_dev / "images").glob(f"{name}.*"))
        shutil.copyfile(src, folder / src.name)
    return folder


def ground_truth(grabcut_dev: Path, name: str) -> tuple[np.ndarray, np.ndarray]:
    """``(foreground bool, ignore bool)``: 255 is foreground, 128 is the ignored band."""
    gt = cv2.imread(str(grabcut_dev / "masks" / f"{name}.png"), cv2.IMREAD_GRAYSCALE)
    return gt == 255, gt == 128


def official_box(grabcut_dev: Path, name: str) -> tuple[int, int, int, int]:
    return tuple(json.loads((grabcut_dev / "boxes.json").read_text())[name])


def iou(mask: np.ndarray, fg: np.ndarray, ignore: np.ndarray) -> float:
    keep = ~ignore
    inter = np.logical_and(mask, fg)[keep].sum()
    union = np.logical_or(mask, fg)[keep].sum()
    return float(inter / union)


def _mouse(canvas, kind, pos: QPointF, button, buttons, modifiers=Qt.KeyboardModifier.NoModifier):
    global_pos = QPointF(canvas.mapToGlobal(QPoint(0, 0))) + pos
    event = QMouseEvent(kind, pos, global_pos, button, buttons, modifiers)
    QApplication.sendEvent(canvas, event)


def drag(canvas, points_image, *, button=Qt.MouseButton.LeftButton, steps: int = 4) -> None:
    """Press at the first image point, move through the others (interpolated), release."""
    widget = [QPointF(*canvas.viewport.to_widget(x, y)) for x, y in points_image]
    _mouse(canvas, QEvent.Type.MouseButtonPress, widget[0], button, button)
    for a, b in zip(widget, widget[1:]):
        for k in range(1, steps + 1):
            p = a + (b - a) * (k / steps)
            _mouse(canvas, QEvent.Type.MouseMove, p, Qt.MouseButton.NoButton, button)
    _mouse(canvas, QEvent.Type.MouseButtonRelease, widget[-1], button, Qt.MouseButton.NoButton)


def click(canvas, x: float, y: float) -> None:
    drag(canvas, [(x, y), (x, y)], steps=1)


def pixel_at(widget, x: float, y: float) -> tuple[int, int, int]:
    """RGB that ``widget`` shows at widget point ``(x, y)`` (device pixels on HiDPI screens)."""
    from PySide6.QtGui import QColor

    ratio = widget.devicePixelRatioF()
    image = widget.grab().toImage()
    return QColor(image.pixel(int(x * ratio), int(y * ratio))).getRgb()[:3]
