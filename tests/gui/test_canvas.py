"""The canvas alone: image-space tool outcomes, wheel zoom at the cursor, panning, peeking."""

from __future__ import annotations

import numpy as np
import pytest
from gui_helpers import drag, pixel_at
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from grabseg.gui.canvas import Canvas
from grabseg.gui.overlay import mask_layer
from grabseg.session.tools import BoxDone, Click, StrokeDone, ToolSettings

pytestmark = pytest.mark.gui


@pytest.fixture
def canvas(qtbot):
    widget = Canvas(ToolSettings(radius=3.0))
    qtbot.addWidget(widget)
    widget.resize(400, 300)
    widget.show()
    qtbot.waitExposed(widget)
    image = np.zeros((100, 200, 3), np.uint8)
    image[:, :, 2] = 200
    widget.set_image(image)
    outcomes: list = []
    widget.outcome.connect(outcomes.append)
    widget.outcomes = outcomes
    return widget


def test_box_drag_and_click_come_out_in_image_pixels(canvas):
    drag(canvas, [(20, 10), (120.4, 80.6)])
    assert canvas.outcomes == [BoxDone((20, 10, 120, 81))]
    drag(canvas, [(50, 50), (50.5, 50.5)])
    assert isinstance(canvas.outcomes[-1], Click)


def test_stroke_with_the_right_button_paints_the_opposite_label(canvas):
    canvas.tools.set_active("fg")
    drag(canvas, [(30, 30), (60, 30)], button=Qt.MouseButton.RightButton)
    (out,) = canvas.outcomes
    assert isinstance(out, StrokeDone) and out.stroke.label == 2 and out.stroke.radius == 3.0
    assert out.stroke.points[0] == pytest.approx((30, 30)) and len(out.stroke.points) > 2


def test_wheel_zooms_at_the_cursor(canvas):
    pos = QPointF(130, 90)
    before = canvas.viewport.to_image(pos.x(), pos.y())
    scale = canvas.viewport.scale
    event = QWheelEvent(pos, QPointF(canvas.mapToGlobal(pos.toPoint())), QPoint(0, 0),
                        QPoint(0, 240), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(canvas, event)
    assert canvas.viewport.scale == pytest.approx(scale * 1.0015**240)
    assert canvas.viewport.to_image(pos.x(), pos.y()) == pytest.approx(before)


def test_middle_drag_and_space_drag_pan(canvas, qtbot):
    ox, oy = canvas.viewport.ox, canvas.viewport.oy
    scale = canvas.viewport.scale
    drag(canvas, [(50, 50), (60, 55)], button=Qt.MouseButton.MiddleButton)
    assert (canvas.viewport.ox, canvas.viewport.oy) == pytest.approx((ox + 10 * scale,
                                                                      oy + 5 * scale))
    assert canvas.outcomes == []
    qtbot.keyPress(canvas, Qt.Key.Key_Space)
    drag(canvas, [(50, 50), (40, 50)])
    qtbot.keyRelease(canvas, Qt.Key.Key_Space)
    assert canvas.viewport.ox == pytest.approx(ox)
    assert canvas.outcomes == []
    canvas.actual_size()
    assert canvas.viewport.scale == pytest.approx(1 / canvas.devicePixelRatioF())
    canvas.fit()
    assert canvas.viewport.scale == pytest.approx(scale)


def test_holding_backtick_shows_the_raw_image(canvas, qtbot):
    mask = np.zeros((100, 200), bool)
    mask[20:80, 50:150] = True
    canvas.scene.instance_layers = [(1, mask_layer(mask, (0, 255, 0), opacity=1.0))]
    canvas.update()
    wx, wy = canvas.viewport.to_widget(100.5, 50.5)
    assert pixel_at(canvas, wx, wy) == (0, 255, 0)
    qtbot.keyPress(canvas, Qt.Key.Key_QuoteLeft)
    assert pixel_at(canvas, wx, wy) == (0, 0, 200)
    qtbot.keyRelease(canvas, Qt.Key.Key_QuoteLeft)
    assert pixel_at(canvas, wx, wy) == (0, 255, 0)


def test_no_image_shows_the_message(qtbot):
    widget = Canvas(ToolSettings())
    qtbot.addWidget(widget)
    outcomes: list = []
    widget.outcome.connect(outcomes.append)
    widget.set_image(None, message="cannot open x.png")
    assert widget.message == "cannot open x.png" and widget.image_size == (0, 0)
    drag(widget, [(1, 1), (50, 50)])
    assert outcomes == []  # no image, no tool: the drag does nothing
