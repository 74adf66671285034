"""Tiled overlay layers: a change rebuilds only the tiles it touches, and the canvas
still shows exactly the mask's pixels afterwards."""

from __future__ import annotations

from types import SimpleNamespace

import cv2
import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage, QPainter

import grabseg.gui.tiles as tiles
from grabseg.gui.canvas import Canvas
from grabseg.gui.tiles import TiledLayer
from grabseg.session.tools import ToolSettings

pytestmark = pytest.mark.gui

GREEN = np.array([0, 0xFF00FF00], np.uint32)  # opaque green, premultiplied ARGB


def render(layer: TiledLayer, shape: tuple[int, int]) -> np.ndarray:
    """The layer painted at 1:1 on transparent black: (H, W) uint32 ARGB."""
    image = QImage(shape[1], shape[0], QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    layer.draw(painter)
    painter.end()
    return np.frombuffer(image.constBits(), np.uint32).reshape(shape).copy()


def blob_mask() -> np.ndarray:
    mask = np.zeros((70, 90), bool)
    cv2.circle(mask.view(np.uint8), (40, 30), 22, 1, -1)
    mask[60:66, 5:12] = True
    return mask


def test_a_sub_region_change_rebuilds_only_its_tiles_and_pixels_match(qapp):
    layer = TiledLayer(GREEN, QColor(0, 255, 0), tile=16)
    before = blob_mask()
    assert layer.update(before) == (5, 8, 63, 66)
    assert np.array_equal(render(layer, before.shape) != 0, before)
    kept = dict(layer.tiles)
    after = before.copy()
    after[20:26, 30:50] = False  # a background stroke through the blob
    after[60:66, 5:12] = False  # a whole small part removed: its tile goes away
    after[2:5, 80:88] = True  # a new part in a tile that was empty
    after.setflags(write=False)
    assert layer.update(after) == (5, 2, 88, 66)
    assert np.array_equal(render(layer, after.shape) != 0, after)
    assert (3, 0) not in layer.tiles and (4, 0) not in layer.tiles and (0, 5) in layer.tiles
    changed = {(int(y) // 16, int(x) // 16) for y, x in zip(*np.nonzero(before != after))}
    rebuilt = {k for k, tile in layer.tiles.items() if kept.get(k) is not tile}
    assert rebuilt == changed - {(3, 0), (4, 0)}
    assert len(kept) - len(changed & set(kept)) >= 8  # the other tiles are kept as they were
    rect = layer.contour.boundingRect()
    assert (rect.left(), rect.top(), rect.right(), rect.bottom()) == (18.5, 2.5, 87.5, 52.5)


def test_the_shown_array_is_a_copy_when_the_caller_may_edit_it(qapp):
    layer = TiledLayer(GREEN, QColor(0, 255, 0), tile=16)
    mask = blob_mask()
    layer.update(mask)
    mask[0:3, 0:3] = True  # edited in place: the next update must still see the change
    assert layer.update(mask) == (0, 0, 3, 3)
    assert np.array_equal(render(layer, mask.shape) != 0, mask)
    assert layer.update(mask) is None  # nothing changed


def test_tiled_layer_rejects_bad_inputs():
    with pytest.raises(ValueError, match=r"lut must be a 1-D uint32 table, got int64 \(2,\)"):
        TiledLayer(np.array([0, 1]), QColor())
    layer = TiledLayer(GREEN, QColor())
    with pytest.raises(ValueError, match=r"expected a bool or uint8 \(H, W\) array, got float64"):
        layer.update(np.zeros((4, 4)))


def test_canvas_shows_the_mask_pixels_after_a_sub_region_update(qtbot, monkeypatch):
    monkeypatch.setattr(tiles, "TILE", 16)
    canvas = Canvas(ToolSettings())
    qtbot.addWidget(canvas)
    canvas.resize(400, 320)
    canvas.show()
    qtbot.waitExposed(canvas)
    image = np.zeros((70, 90, 3), np.uint8)
    image[:, :, 2] = 200
    canvas.set_image(image)
    colors = {1: (0, 255, 0)}
    before = blob_mask()
    after = before.copy()
    after[20:26, 30:50] = False
    after[2:9, 70:88] = True
    for mask in (before, after):
        mask.setflags(write=False)
        draft = SimpleNamespace(class_id=1, mask=mask, box=None)
        canvas.scene.update_draft(draft, None, colors, opacity=0.85)  # draft: +0.15 = opaque
        canvas.update()
        shown = _canvas_pixels(canvas, mask.shape)
        inside = cv2.erode(mask.view(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
        outside = ~cv2.dilate(mask.view(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
        assert inside.sum() > 500 and outside.sum() > 2000
        assert (shown[inside] == (0, 255, 0)).all()  # away from the contour's pen
        assert (shown[outside] == (0, 0, 200)).all()
    assert canvas.scene.draft_layer.bbox == (5, 2, 88, 66)


def _canvas_pixels(canvas: Canvas, shape: tuple[int, int]) -> np.ndarray:
    """RGB the canvas shows at the centre of every image pixel: (H, W, 3)."""
    grabbed = canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    ratio = canvas.devicePixelRatioF()
    argb = np.frombuffer(grabbed.constBits(), np.uint32).reshape(
        grabbed.height(), grabbed.bytesPerLine() // 4)
    ys, xs = np.mgrid[0 : shape[0], 0 : shape[1]]
    wx, wy = canvas.viewport.to_widget(xs + 0.5, ys + 0.5)
    px = argb[(np.asarray(wy) * ratio).astype(int), (np.asarray(wx) * ratio).astype(int)]
    return np.stack([(px >> 16) & 255, (px >> 8) & 255, px & 255], axis=-1)


def test_canvas_paints_no_seams_between_tiles(qtbot, monkeypatch):
    monkeypatch.setattr(tiles, "TILE", 16)
    canvas = Canvas(ToolSettings())
    qtbot.addWidget(canvas)
    canvas.resize(150, 120)  # fit scale < 1: smooth scaling of the tiles
    canvas.show()
    qtbot.waitExposed(canvas)
    canvas.set_image(np.zeros((200, 250, 3), np.uint8))
    mask = np.zeros((200, 250), bool)
    mask[20:180, 30:220] = True
    mask.setflags(write=False)
    canvas.scene.update_draft(SimpleNamespace(class_id=1, mask=mask, box=None), None,
                              {1: (0, 255, 0)}, opacity=0.85)
    assert canvas.viewport.scale < 1 and len(canvas.scene.draft_layer.tiles) > 20
    shown = _canvas_pixels(canvas, mask.shape)
    inside = cv2.erode(mask.view(np.uint8), np.ones((15, 15), np.uint8)).astype(bool)
    assert (shown[inside] == (0, 255, 0)).all()


@pytest.mark.parametrize("scale", [1.0, 0.5, 0.2, 0.05])
def test_zoomed_out_outlines_stay_within_a_screen_pixel_of_the_mask(qapp, scale):
    mask = np.zeros((1200, 1600), bool)
    cv2.ellipse(mask.view(np.uint8), (700, 600), (500, 380), 20, 0, 360, 1, -1)
    mask[100:104, 1300:1500] = True  # a thin bar: kept while it is a pixel wide on screen
    layer = TiledLayer(GREEN, QColor(0, 255, 0))
    layer.update(mask)
    path = layer.contour_at(scale)
    drawn = np.zeros(mask.shape, np.uint8)
    for poly in path.toSubpathPolygons():
        pts = np.array([[p.x(), p.y()] for p in poly]) - 0.5
        cv2.fillPoly(drawn, [np.round(pts).astype(np.int32)], 1)
    # every pixel where outline and mask disagree is within one screen pixel of the edge
    edge = cv2.morphologyEx(mask.view(np.uint8), cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    near = cv2.dilate(edge, np.ones((2 * int(np.ceil(1 / scale)) + 1,) * 2, np.uint8))
    wrong = (drawn != mask.view(np.uint8))
    assert wrong.any() or scale == 1.0
    assert not (wrong & (near == 0)).any()
    assert layer.contour_at(scale) is path  # cached until the next change
