"""Overlay layers as a grid of small QImage tiles, updated only where the array changed.

A 12-megapixel mask mapped through a colour table in one piece costs ~12 ms per
change (a 30 MB ARGB buffer); a stroke usually changes a few hundred pixels. A
:class:`TiledLayer` keeps the array it shows, finds the changed region
(``cv2.compare`` + ``cv2.boundingRect``, ~2 ms at 12 MP) and rebuilds only the tiles
it touches (where the two arrays differ). Each tile is cropped to its own non-zero pixels, so empty tiles cost
nothing to paint or keep. The contour is rebuilt from the crop of the layer's
bounding box (``cv2.findContours``, ~1 ms) when first painted, simplified for the
zoom (half a screen pixel), so a zoomed-out view strokes a few hundred points.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPolygonF

from grabseg.gui.overlay import Layer

#: Tile side in image pixels (a 512 x 512 tile maps through the colour table in ~0.4 ms).
TILE = 512

Rect = tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive)


class TiledLayer:
    """Codes (uint8 ``(H, W)``, 0 = transparent) drawn through ``lut`` (uint32 ARGB
    premultiplied, indexed by code) as tiles; ``contour`` outlines the non-zero pixels."""

    def __init__(self, lut: npt.NDArray[np.uint32], color: QColor, *,
                 contour: bool = True, tile: int | None = None) -> None:
        tile = TILE if tile is None else tile
        if lut.dtype != np.uint32 or lut.ndim != 1:
            raise ValueError(f"lut must be a 1-D uint32 table, got {lut.dtype} {lut.shape}")
        if tile < 1:
            raise ValueError(f"tile must be >= 1, got {tile}")
        self.lut, self.color, self.tile = lut, color, int(tile)
        self.codes: np.ndarray | None = None
        self.tiles: dict[tuple[int, int], Layer] = {}
        self._with_contour = contour
        self._paths: dict[int, QPainterPath] = {}

    @property
    def is_empty(self) -> bool:
        return not self.tiles

    @property
    def bbox(self) -> Rect | None:
        """``(x0, y0, x1, y1)`` of the non-zero pixels, or None if there are none."""
        if not self.tiles:
            return None
        rects = [_rect(t) for t in self.tiles.values()]
        return (min(r[0] for r in rects), min(r[1] for r in rects),
                max(r[2] for r in rects), max(r[3] for r in rects))

    def update(self, codes: npt.NDArray) -> Rect | None:
        """Show ``codes`` (bool or uint8 ``(H, W)``); returns the region rebuilt, or None.

        Only the tiles meeting the pixels that differ from the previous array are
        rebuilt. The array is kept to compare with the next one: a writeable array is
        copied first, so later in-place edits of the caller's array cannot desync it.
        """
        codes = _as_codes(codes)
        old, self.codes = self.codes, codes
        diff = None
        if old is None or old.shape != codes.shape:
            self.tiles.clear()
            region = _nonzero_rect(codes, 0, 0)
        else:
            diff = cv2.compare(old, codes, cv2.CMP_NE)
            region = _nonzero_rect(diff, 0, 0)
        if region is None:
            return None
        self._rebuild(codes, region, diff)
        self._paths = {}
        return region

    def _rebuild(self, codes: np.ndarray, region: Rect, diff: np.ndarray | None) -> None:
        """Rebuild the tiles of ``region`` (those where ``diff`` is non-zero, if given)."""
        t, (h, w) = self.tile, codes.shape
        x0, y0, x1, y1 = region
        for ty in range(y0 // t, (y1 - 1) // t + 1):
            for tx in range(x0 // t, (x1 - 1) // t + 1):
                rows, cols = slice(ty * t, min(ty * t + t, h)), slice(tx * t, min(tx * t + t, w))
                if diff is not None and not diff[rows, cols].any():
                    continue
                layer = _tile_layer(codes[rows, cols], self.lut, tx * t, ty * t, self.color)
                if layer is None:
                    self.tiles.pop((ty, tx), None)
                else:
                    self.tiles[(ty, tx)] = layer

    @property
    def contour(self) -> QPainterPath | None:
        """Outline of the non-zero pixels through pixel centres (within half a pixel)."""
        return self.contour_at(1.0)

    def contour_at(self, scale: float) -> QPainterPath | None:
        """The outline simplified for drawing at ``scale`` screen pixels per image pixel:
        within about half a screen pixel, at octave steps (cached until the next change).

        Zoomed out by 4x or more, the outline is traced on every n-th row and column
        (n = half the octave's factor, at most half a screen pixel apart), so a 12 MP mask
        at fit-to-window costs a trace of a few hundred thousand pixels, not twelve million.
        """
        if not self._with_contour or self.codes is None or not self.tiles:
            return None
        octave = max(0, math.floor(math.log2(1.0 / scale))) if scale > 0 else 0
        path = self._paths.get(octave)
        if path is None:
            step = 2 ** (octave - 1) if octave >= 2 else 1
            x0, y0, x1, y1 = self.bbox
            crop = np.ascontiguousarray(self.codes[y0:y1:step, x0:x1:step])
            found, _ = cv2.findContours(crop, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
            path = self._paths[octave] = _path(list(found), x0, y0, 0.5 * 2**octave / step, step)
        return path

    def draw(self, painter: QPainter, visible: Rect | None = None) -> None:
        """Draw the tiles that meet ``visible`` (image pixels; None draws all)."""
        for layer in self.tiles.values():
            if visible is None or _meets(_rect(layer), visible):
                painter.drawImage(QPointF(layer.x0, layer.y0), layer.image)


def contour_path(crop: np.ndarray, x0: int, y0: int) -> QPainterPath:
    """Outline of the non-zero pixels of a contiguous uint8 ``crop`` placed at ``(x0, y0)``,
    through pixel centres, simplified to within half a pixel."""
    contours, _ = cv2.findContours(crop, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    return _path(list(contours), x0, y0, 0.5)


def _path(contours: list[np.ndarray], x0: int, y0: int, epsilon: float, step: int = 1) -> QPainterPath:
    """Contours of a crop at ``(x0, y0)`` whose pixels stand for ``step`` x ``step`` image pixels."""
    path = QPainterPath()
    for c in contours:
        if len(c) > 8:
            c = cv2.approxPolyDP(c, epsilon, True)
        pts = (c.reshape(-1, 2).astype(np.float64) * step + (x0 + 0.5 * step, y0 + 0.5 * step)).tolist()
        path.addPolygon(QPolygonF([QPointF(x, y) for x, y in pts]))
        path.closeSubpath()
    return path


def _as_codes(codes: npt.NDArray) -> np.ndarray:
    arr = np.asarray(codes)
    if arr.ndim != 2 or arr.dtype not in (np.bool_, np.uint8):
        raise ValueError(f"expected a bool or uint8 (H, W) array, got {arr.dtype} {arr.shape}")
    if arr.flags.writeable or not arr.flags.c_contiguous:
        arr = np.array(arr, order="C")
    return arr.view(np.uint8)


def _nonzero_rect(codes: np.ndarray, ox: int, oy: int) -> Rect | None:
    x, y, w, h = cv2.boundingRect(codes)
    return None if w == 0 or h == 0 else (ox + x, oy + y, ox + x + w, oy + y + h)


def _tile_layer(sub: np.ndarray, lut: np.ndarray, ox: int, oy: int,
                color: QColor) -> Layer | None:
    box = _nonzero_rect(np.ascontiguousarray(sub), 0, 0)
    if box is None:
        return None
    x0, y0, x1, y1 = box
    buf = lut[sub[y0:y1, x0:x1]]
    image = QImage(buf.data, x1 - x0, y1 - y0, int(buf.strides[0]),
                   QImage.Format.Format_ARGB32_Premultiplied)
    return Layer(ox + x0, oy + y0, image, None, color, buf)


def _rect(layer: Layer) -> Rect:
    return (layer.x0, layer.y0, layer.x0 + layer.image.width(), layer.y0 + layer.image.height())


def _meets(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
