"""The only numpy <-> Qt pixel bridge: image and mask layers as QImages.

Layers are built from numpy once per change (never per paint): a mask becomes a
premultiplied ARGB QImage cropped to the mask's bounding box plus a vector
contour (a QPainterPath, sharp at any zoom and device pixel ratio). QImages wrap
numpy buffers without copying; :class:`Layer` keeps the buffer alive.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPolygonF

#: Scribble colours (RGB): foreground green, background red.
SCRIBBLE_COLORS = {1: (40, 220, 60), 2: (235, 50, 50)}


@dataclass
class Layer:
    """A cropped overlay image placed at image pixel ``(x0, y0)``, with an optional contour."""

    x0: int
    y0: int
    image: QImage
    contour: QPainterPath | None = None
    color: QColor = field(default_factory=lambda: QColor(255, 255, 255))
    buffer: np.ndarray | None = field(default=None, repr=False)

    def draw(self, painter: QPainter, visible: tuple[int, int, int, int] | None = None) -> None:
        """Draw the image at its offset (``visible`` is accepted for :class:`TiledLayer` parity)."""
        painter.drawImage(QPointF(self.x0, self.y0), self.image)


def rgb_to_bgra(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """The ``(H, W, 4)`` BGRA buffer a ``Format_RGB32`` QImage of ``rgb`` wraps.

    Pure OpenCV (no Qt), so the image loader runs it on its thread for large images.
    """
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"expected an (H, W, 3) uint8 image, got {rgb.shape} {rgb.dtype}")
    return cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGRA)


def rgb_to_qimage(rgb: npt.NDArray[np.uint8], bgra: npt.NDArray[np.uint8] | None = None
                  ) -> tuple[QImage, np.ndarray]:
    """Wrap an ``(H, W, 3)`` uint8 RGB image as a fast-to-paint ``Format_RGB32`` QImage.

    ``bgra`` is ``rgb_to_bgra(rgb)`` when already made (off the GUI thread).
    Returns the QImage and the BGRA buffer it points into (keep both alive).
    """
    if bgra is None:
        bgra = rgb_to_bgra(rgb)
    elif bgra.shape != (*rgb.shape[:2], 4) or bgra.dtype != np.uint8:
        raise ValueError(f"bgra must be uint8 {(*rgb.shape[:2], 4)}, got {bgra.shape} "
                         f"{bgra.dtype}")
    h, w = bgra.shape[:2]
    return QImage(bgra.data, w, h, int(bgra.strides[0]), QImage.Format.Format_RGB32), bgra


def bbox(mask: npt.NDArray[np.bool_]) -> tuple[int, int, int, int] | None:
    """``(x0, y0, x1, y1)`` of the True pixels (exclusive ends), or None if empty."""
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(mask[rows[0] : rows[-1] + 1].any(axis=0))
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def premultiplied(rgba_color: tuple[int, int, int, int]) -> np.uint32:
    """A colour as one ``Format_ARGB32_Premultiplied`` pixel value (``0xAARRGGBB``)."""
    r, g, b, a = (int(v) for v in rgba_color)
    return np.uint32((a << 24) | (r * a // 255) << 16 | (g * a // 255) << 8 | (b * a // 255))


def _argb_layer(codes: np.ndarray, lut: np.ndarray, x0: int, y0: int,
                contour: QPainterPath | None, color: QColor) -> Layer:
    """Map uint8 ``codes`` through a uint32 colour table into a QImage-backed layer."""
    buf = lut[codes]  # a table lookup: ~50x faster than boolean-mask assignment
    h, w = buf.shape
    image = QImage(buf.data, w, h, int(buf.strides[0]), QImage.Format.Format_ARGB32_Premultiplied)
    return Layer(x0, y0, image, contour, color, buf)


def _contour_path(crop: np.ndarray, x0: int, y0: int) -> QPainterPath:
    contours, _ = cv2.findContours(crop.view(np.uint8), cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    path = QPainterPath()
    for c in contours:
        if len(c) > 64:  # drop collinear-ish points: sub-pixel change, far fewer vertices
            c = cv2.approxPolyDP(c, 0.5, True)
        pts = (c.reshape(-1, 2).astype(np.float64) + (x0 + 0.5, y0 + 0.5)).tolist()
        path.addPolygon(QPolygonF([QPointF(x, y) for x, y in pts]))
        path.closeSubpath()
    return path


def mask_layer(mask: npt.NDArray[np.bool_], color: tuple[int, int, int], *,
               opacity: float, contour: bool = True) -> Layer | None:
    """A layer filling ``mask`` with ``color`` at ``opacity``; None for an empty mask."""
    box = bbox(mask)
    if box is None:
        return None
    x0, y0, x1, y1 = box
    crop = np.ascontiguousarray(mask[y0:y1, x0:x1]).view(np.uint8)
    lut = np.array([0, premultiplied((*color, round(255 * opacity)))], np.uint32)
    path = _contour_path(crop, x0, y0) if contour else None
    return _argb_layer(crop, lut, x0, y0, path, QColor(*color))


def scribble_layer(scribbles: npt.NDArray[np.uint8], *, opacity: float = 0.85) -> Layer | None:
    """Foreground (1) scribbles in green and background (2) in red, outlined so they show
    on a mask of the same colour; None if there are none."""
    box = bbox(scribbles != 0)
    if box is None:
        return None
    x0, y0, x1, y1 = box
    alpha = round(255 * opacity)
    lut = np.zeros(256, np.uint32)
    for value, color in SCRIBBLE_COLORS.items():
        lut[value] = premultiplied((*color, alpha))
    crop = np.ascontiguousarray(scribbles[y0:y1, x0:x1])
    path = _contour_path((crop != 0).view(np.uint8), x0, y0)
    return _argb_layer(crop, lut, x0, y0, path, QColor(255, 255, 255))
