"""numpy -> QImage layers: pixels, crops, contours, no copies of the image buffer."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage

from grabseg.gui.overlay import bbox, mask_layer, premultiplied, rgb_to_qimage, scribble_layer

pytestmark = pytest.mark.gui


def test_rgb_image_pixels_survive_the_conversion(qapp):
    rgb = np.zeros((3, 4, 3), np.uint8)
    rgb[1, 2] = (10, 200, 30)
    image, buffer = rgb_to_qimage(rgb)
    assert (image.width(), image.height()) == (4, 3)
    assert image.format() == QImage.Format.Format_RGB32
    assert QColor(image.pixel(2, 1)).getRgb()[:3] == (10, 200, 30)
    buffer[0, 0, :3] = (255, 0, 0)  # the QImage wraps the buffer (BGRA), no copy
    assert QColor(image.pixel(0, 0)).getRgb()[:3] == (0, 0, 255)


def test_rgb_to_qimage_rejects_other_layouts():
    message = r"expected an \(H, W, 3\) uint8 image, got \(3, 4\) uint8"
    with pytest.raises(ValueError, match=message):
        rgb_to_qimage(np.zeros((3, 4), np.uint8))


def test_mask_layer_is_cropped_coloured_and_outlined(qapp):
    mask = np.zeros((20, 30), bool)
    mask[5:9, 10:16] = True
    layer = mask_layer(mask, (200, 100, 50), opacity=0.5)
    assert (layer.x0, layer.y0, layer.image.width(), layer.image.height()) == (10, 5, 6, 4)
    inside = layer.image.pixelColor(2, 2)
    got = np.array([inside.red(), inside.green(), inside.blue(), inside.alpha()])
    assert np.abs(got - (200, 100, 50, 128)).max() <= 1  # premultiplied 8-bit rounding
    rect = layer.contour.boundingRect()
    assert (rect.left(), rect.top(), rect.right(), rect.bottom()) == (10.5, 5.5, 15.5, 8.5)
    assert mask_layer(np.zeros((4, 4), bool), (1, 2, 3), opacity=1) is None


def test_scribble_layer_colours_by_label(qapp):
    scribbles = np.zeros((10, 10), np.uint8)
    scribbles[2, 3], scribbles[6, 7] = 1, 2
    layer = scribble_layer(scribbles, opacity=1.0)
    assert (layer.x0, layer.y0) == (3, 2)
    assert layer.image.pixelColor(0, 0).getRgb() == (40, 220, 60, 255)
    assert layer.image.pixelColor(4, 4).getRgb() == (235, 50, 50, 255)
    assert layer.image.pixelColor(1, 1).alpha() == 0


def test_bbox_and_premultiplied_known_answers():
    mask = np.zeros((5, 6), bool)
    mask[1, 4] = mask[3, 2] = True
    assert bbox(mask) == (2, 1, 5, 4)
    assert bbox(np.zeros((2, 2), bool)) is None
    assert premultiplied((255, 0, 100, 128)) == np.uint32(0x80800032)
