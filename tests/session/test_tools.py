"""Gesture tools fed synthetic image-space pointer events (no Qt)."""

from __future__ import annotations

import numpy as np
import pytest

from grabseg.session.annotation import Stroke
from grabseg.session.tools import (
    BoxDone,
    BoxTool,
    BrushTool,
    Click,
    PointerEvent,
    Rejected,
    StrokeDone,
    ToolSettings,
    step_radius,
    topmost_at,
)
from grabseg.types import Instance


def drag(tool, points, button="left"):
    (x, y), *rest = points
    assert tool.handle(PointerEvent("press", x, y, button)) is None
    for x, y in rest[:-1]:
        assert tool.handle(PointerEvent("move", x, y, button)) is None
    x, y = rest[-1]
    return tool.handle(PointerEvent("release", x, y, button))


def test_box_drag_gives_exclusive_box_in_any_direction():
    tool = BoxTool(100, 80)
    assert drag(tool, [(10.2, 20.4), (50, 50), (60.6, 70.49)]) == BoxDone((10, 20, 61, 70))
    assert drag(tool, [(60.6, 70.49), (10.2, 20.4)]) == BoxDone((10, 20, 61, 70))


def test_box_preview_follows_the_drag_and_is_clipped():
    tool = BoxTool(100, 80)
    tool.handle(PointerEvent("press", 90, 10))
    tool.handle(PointerEvent("move", 130, -5))
    assert tool.preview == (90, 0, 100, 10)
    assert tool.active
    tool.cancel()
    assert tool.preview is None and not tool.active


def test_box_is_clipped_to_the_image():
    assert drag(BoxTool(100, 80), [(-20, -3), (130, 95)]) == BoxDone((0, 0, 100, 80))


def test_box_outside_the_image_is_rejected():
    out = drag(BoxTool(100, 80), [(120, 10), (150, 40)])
    assert isinstance(out, Rejected) and "outside the image" in out.message


def test_thin_box_is_rejected_with_its_size():
    out = drag(BoxTool(100, 80, min_size=4), [(10, 10), (50, 12)])
    assert isinstance(out, Rejected) and "40x2 px" in out.message


def test_tiny_drag_is_a_click():
    assert drag(BoxTool(100, 80), [(10, 10), (11, 12)]) == Click(11, 12)


def test_box_ignores_other_buttons_and_moves_without_press():
    tool = BoxTool(100, 80)
    assert tool.handle(PointerEvent("move", 5, 5)) is None
    assert drag(tool, [(1, 1), (40, 40)], button="right") is None
    assert tool.preview is None


def test_brush_stroke_keeps_spaced_points_and_the_last_one():
    tool = BrushTool(1, 4.0, 100, 80, spacing=0.5)
    out = drag(tool, [(10, 10), (10.5, 10), (13, 10), (13.5, 10), (14, 10)])
    assert out == StrokeDone(Stroke(1, 4.0, ((10, 10), (13, 10), (14, 10))))


def test_brush_right_button_paints_the_alternative_label():
    tool = BrushTool(1, 3.0, 100, 80, alt_label=2)
    out = drag(tool, [(5, 5), (20, 20)], button="right")
    assert isinstance(out, StrokeDone) and out.stroke.label == 2


def test_eraser_without_alt_label_ignores_right_button():
    tool = BrushTool(0, 3.0, 100, 80)
    assert drag(tool, [(5, 5), (20, 20)], button="right") is None


def test_brush_preview_while_painting():
    tool = BrushTool(2, 5.0, 100, 80)
    tool.handle(PointerEvent("press", 5, 5))
    tool.handle(PointerEvent("move", 15, 5))
    assert tool.preview == (2, 5.0, ((5, 5), (15, 5)))


def test_stroke_outside_the_image_is_rejected():
    out = drag(BrushTool(1, 2.0, 100, 80), [(200, 200), (210, 200)])
    assert isinstance(out, Rejected) and "outside the image" in out.message


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(label=3, radius=2.0), "label must be 0"),
        (dict(label=1, radius=0.0), "radius must be a positive"),
        (dict(label=1, radius=float("nan")), "radius must be a positive"),
    ],
)
def test_brush_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        BrushTool(width=10, height=10, **kwargs)


def test_bad_pointer_event_and_image_size():
    with pytest.raises(ValueError, match="kind must be one of .* got 'drag'"):
        PointerEvent("drag", 0, 0)
    with pytest.raises(ValueError, match="button must be one of .* got 'x1'"):
        PointerEvent("press", 0, 0, "x1")
    with pytest.raises(ValueError, match="at least 1x1 pixels, got 0x5"):
        BoxTool(0, 5)


def test_step_radius_grows_shrinks_and_clamps():
    assert step_radius(8.0, 1) == 10.0
    assert step_radius(10.0, -1) == 8.0
    assert step_radius(1.0, -3) == 1.0
    assert step_radius(450.0, 2) == 500.0


def test_tool_settings_notify_and_make_tools():
    settings = ToolSettings()
    calls = []
    settings.subscribe(lambda: calls.append(settings.active))
    settings.set_active("bg")
    settings.set_active("bg")
    assert calls == ["bg"]
    tool = settings.make_tool(50, 40)
    assert isinstance(tool, BrushTool) and (tool.label, tool.alt_label) == (2, 1)
    settings.step_radius(1)
    assert settings.radius == 10.0 and len(calls) == 2
    settings.set_active("box")
    assert isinstance(settings.make_tool(50, 40), BoxTool)
    with pytest.raises(ValueError, match="tool must be one of .* got 'lasso'"):
        settings.set_active("lasso")


def test_topmost_at_prefers_higher_z_and_skips_hidden():
    low = np.zeros((10, 10), bool)
    low[2:8, 2:8] = True
    high = np.zeros((10, 10), bool)
    high[5:9, 5:9] = True
    insts = [Instance(1, low, z=0, id=11), Instance(1, high, z=1, id=12)]
    assert topmost_at(insts, 6.5, 6.5) == 12
    assert topmost_at(insts, 6.5, 6.5, hidden={12}) == 11
    assert topmost_at(insts, 2.0, 2.9) == 11
    assert topmost_at(insts, 0.5, 0.5) is None
    assert topmost_at(insts, -1, 50) is None
