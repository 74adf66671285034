"""Pan/zoom mapping between widget and image coordinates (no Qt)."""

from __future__ import annotations

import pytest

from grabseg.gui.viewport import MAX_SCALE, Viewport


def test_round_trip_and_zoom_keeps_the_point_under_the_cursor():
    vp = Viewport(scale=0.5, ox=10, oy=20)
    assert vp.to_image(*vp.to_widget(33.0, 44.0)) == pytest.approx((33.0, 44.0))
    before = vp.to_image(100, 80)
    vp.zoom_at(1.7, 100, 80)
    assert vp.scale == pytest.approx(0.85)
    assert vp.to_image(100, 80) == pytest.approx(before)


def test_fit_centres_the_image():
    vp = Viewport()
    vp.fit(400, 100, 216, 216, margin=8)
    assert vp.scale == pytest.approx(0.5)
    assert vp.to_widget(0, 0) == pytest.approx((8, 83))
    assert vp.to_widget(400, 100) == pytest.approx((208, 133))


def test_actual_size_respects_device_pixel_ratio_and_keeps_the_centre():
    vp = Viewport(scale=0.25, ox=0, oy=0)
    centre = vp.to_image(100, 50)
    vp.actual_size(1000, 1000, 200, 100, device_pixel_ratio=2.0)
    assert vp.scale == 0.5
    assert vp.to_image(100, 50) == pytest.approx(centre)


def test_zoom_is_clamped_and_rejects_bad_factor():
    vp = Viewport()
    vp.zoom_at(1e6, 0, 0)
    assert vp.scale == MAX_SCALE
    with pytest.raises(ValueError, match="positive, got 0"):
        vp.zoom_at(0, 0, 0)


def test_visible_rect():
    vp = Viewport(scale=2.0, ox=-100, oy=0)
    assert vp.visible_image_rect(500, 500, 200, 100) == (49, 0, 152, 52)
    vp.pan(5000, 0)
    assert vp.visible_image_rect(500, 500, 200, 100) is None
