"""The image canvas: paints image + overlay, converts mouse events to image space once.

Every mouse event becomes a Qt-free :class:`~grabseg.session.tools.PointerEvent`
in image pixels here (``Viewport.to_image``) and goes to the active tool; the
tool's outcome leaves through the ``outcome`` signal. Zoom to the cursor with the
wheel, pan with the middle button or Space + drag, hold ` to see the raw image.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QWidget

from grabseg.gui.overlay import SCRIBBLE_COLORS, rgb_to_qimage
from grabseg.gui.scene import OverlayScene
from grabseg.gui.viewport import Viewport
from grabseg.session.tools import PointerEvent, ToolSettings

_BUTTONS = {Qt.MouseButton.LeftButton: "left", Qt.MouseButton.RightButton: "right",
            Qt.MouseButton.MiddleButton: "middle"}
_MODIFIERS = {Qt.KeyboardModifier.ShiftModifier: "shift",
              Qt.KeyboardModifier.ControlModifier: "ctrl", Qt.KeyboardModifier.AltModifier: "alt"}
_CURSOR_COLORS = {"fg": QColor(*SCRIBBLE_COLORS[1]), "bg": QColor(*SCRIBBLE_COLORS[2]),
                  "eraser": QColor(255, 255, 255)}


class Canvas(QWidget):
    """Shows one image with its overlay scene; emits tool outcomes and the hovered pixel."""

    outcome = Signal(object)
    hovered = Signal(float, float)
    view_changed = Signal()

    def __init__(self, tools: ToolSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tools = tools
        self.viewport = Viewport()
        self.scene = OverlayScene()
        self.show_overlay = True
        self.message = "No image"
        self._image: QImage | None = None
        self._buffer: np.ndarray | None = None
        self._size = (0, 0)
        self._tool = None
        self._pan_from: QPointF | None = None
        self._space = self._peek = False
        self._mouse: QPointF | None = None
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumSize(200, 150)
        tools.subscribe(self._on_tool_changed)

    # image ---------------------------------------------------------------------
    @property
    def image_size(self) -> tuple[int, int]:
        return self._size

    def set_image(self, rgb: np.ndarray | None, *, message: str = "No image",
                  bgra: np.ndarray | None = None) -> None:
        """Show ``rgb`` ((H, W, 3) uint8) fitted to the view, or a message when None.

        ``bgra`` is its ``overlay.rgb_to_bgra`` buffer when the loader made it already."""
        self.scene.clear()
        if rgb is None:
            self._image = self._buffer = self._tool = None
            self._size, self.message = (0, 0), message
        else:
            self._image, self._buffer = rgb_to_qimage(rgb, bgra)
            self._size = (int(rgb.shape[1]), int(rgb.shape[0]))
            self._tool = self.tools.make_tool(*self._size)
            self.fit()
        self.update()

    # view ----------------------------------------------------------------------
    def fit(self) -> None:
        if self._image is not None:
            self.viewport.fit(*self._size, self.width(), self.height())
            self._view_changed()

    def actual_size(self) -> None:
        if self._image is not None:
            self.viewport.actual_size(*self._size, self.width(), self.height(),
                                      device_pixel_ratio=self.devicePixelRatioF())
            self._view_changed()

    def zoom(self, factor: float, at: QPointF | None = None) -> None:
        at = QPointF(self.width() / 2, self.height() / 2) if at is None else at
        self.viewport.zoom_at(factor, at.x(), at.y())
        self._view_changed()

    def set_overlay_visible(self, visible: bool) -> None:
        self.show_overlay = visible
        self.update()

    def _view_changed(self) -> None:
        self.update()
        self.view_changed.emit()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.fit()

    def _on_tool_changed(self) -> None:
        if self._tool is not None:
            self._tool.cancel()
            self._tool = self.tools.make_tool(*self._size)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.update()

    # input ---------------------------------------------------------------------
    def _pointer(self, kind: str, event) -> PointerEvent:
        """The one conversion of a Qt mouse event into image pixels."""
        x, y = self.viewport.to_image(event.position().x(), event.position().y())
        mods = frozenset(name for flag, name in _MODIFIERS.items() if event.modifiers() & flag)
        button = _BUTTONS.get(event.button(), "none")
        if kind == "move":  # a move has no button of its own: report the one held
            button = next((name for flag, name in _BUTTONS.items() if event.buttons() & flag),
                          "none")
        return PointerEvent(kind, x, y, button, mods)

    def _feed(self, pointer: PointerEvent) -> None:
        if self._tool is None:
            return
        result = self._tool.handle(pointer)
        self.update()
        if result is not None:
            self.outcome.emit(result)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        middle = event.button() == Qt.MouseButton.MiddleButton
        if middle or (self._space and event.button() == Qt.MouseButton.LeftButton):
            self._pan_from = event.position()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            return
        self._feed(self._pointer("press", event))

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        self._mouse = event.position()
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.viewport.pan(delta.x(), delta.y())
            self._view_changed()
            return
        pointer = self._pointer("move", event)
        self.hovered.emit(pointer.x, pointer.y)
        if self._tool is not None and self._tool.active:
            self._feed(pointer)
        elif self.tools.active != "box":
            self.update()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if self._pan_from is not None:
            self._pan_from = None
            self.setCursor(Qt.CursorShape.OpenHandCursor if self._space
                           else Qt.CursorShape.CrossCursor)
            return
        self._feed(self._pointer("release", event))

    def wheelEvent(self, event) -> None:  # noqa: N802
        steps = event.angleDelta().y() or event.angleDelta().x()
        if steps:
            self.zoom(1.0015**steps, event.position())

    def enterEvent(self, event) -> None:  # noqa: N802
        """Take keyboard focus (Space pan, ` peek, Esc) unless the user is typing somewhere."""
        focus = QApplication.focusWidget()
        if not isinstance(focus, (QLineEdit, QAbstractSpinBox, QComboBox)):
            self.setFocus(Qt.FocusReason.MouseFocusReason)
        super().enterEvent(event)

    def leaveEvent(self, event) -> None:  # noqa: N802
        self._mouse = None
        self.update()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.isAutoRepeat():
            return
        if event.key() == Qt.Key.Key_Space:
            self._space = True
            self.setCursor(Qt.CursorShape.OpenHandCursor)
        elif event.key() == Qt.Key.Key_QuoteLeft:
            self._peek = True
            self.update()
        elif event.key() == Qt.Key.Key_Escape and self._tool is not None:
            self._tool.cancel()
            self.update()
        else:
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event) -> None:  # noqa: N802
        if event.isAutoRepeat():
            return
        if event.key() == Qt.Key.Key_Space:
            self._space = False
            self.setCursor(Qt.CursorShape.CrossCursor)
        elif event.key() == Qt.Key.Key_QuoteLeft:
            self._peek = False
            self.update()
        else:
            super().keyReleaseEvent(event)

    # painting ------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(self.backgroundRole()).darker(115))
        if self._image is None:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.message)
            return
        vp = self.viewport
        painter.setTransform(QTransform(vp.scale, 0, 0, vp.scale, vp.ox, vp.oy))
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, vp.scale < 1)
        rect = vp.visible_image_rect(*self._size, self.width(), self.height())
        if rect is not None:
            src = QRectF(rect[0], rect[1], rect[2] - rect[0], rect[3] - rect[1])
            painter.drawImage(src, self._image, src)
        if self.show_overlay and not self._peek and rect is not None:
            self._paint_scene(painter, _grow(rect))
        self._paint_tool(painter)
        painter.end()

    def _paint_layer(self, painter: QPainter, layer, pen: QPen | None,
                     visible: tuple[int, int, int, int]) -> None:
        """Tiles without antialiasing (adjacent tiles meet exactly), then the contour."""
        if layer is None:
            return
        antialiased = painter.testRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        layer.draw(painter, visible)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, antialiased)
        contour = _contour(layer, self.viewport.scale)
        if pen is not None and contour is not None:
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(contour)

    def _paint_scene(self, painter: QPainter, visible: tuple[int, int, int, int]) -> None:
        scene = self.scene
        for inst_id, layer in scene.instance_layers:
            width = 3.0 if inst_id == scene.selected_id else 1.5
            self._paint_layer(painter, layer, _cosmetic(layer.color, width), visible)
        if scene.draft_layer is not None:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            self._paint_layer(painter, scene.draft_layer, _cosmetic(QColor(0, 0, 0), 3.5),
                              visible)
            painter.setPen(_cosmetic(QColor(255, 255, 255), 1.5, Qt.PenStyle.DashLine))
            painter.drawPath(_contour(scene.draft_layer, self.viewport.scale) or QPainterPath())
        self._paint_layer(painter, scene.scribble_layer, _cosmetic(QColor(255, 255, 255), 1.0),
                          visible)
        if scene.draft_box is not None:
            x0, y0, x1, y1 = scene.draft_box
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(_cosmetic(QColor(255, 255, 0), 1.5, Qt.PenStyle.DashLine))
            painter.drawRect(QRectF(x0, y0, x1 - x0, y1 - y0))

    def _paint_tool(self, painter: QPainter) -> None:
        preview = getattr(self._tool, "preview", None)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if preview is not None and self.tools.active == "box":
            x0, y0, x1, y1 = preview
            painter.setPen(_cosmetic(QColor(255, 255, 0), 2.0))
            painter.drawRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        elif preview is not None:
            label, radius, points = preview
            color = QColor(*SCRIBBLE_COLORS.get(label, (255, 255, 255)))
            color.setAlpha(170)
            pen = QPen(color, 2 * radius, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                       Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            path = QPainterPath(QPointF(*points[0]))
            for x, y in points[1:]:
                path.lineTo(x, y)
            if len(points) == 1:
                path.lineTo(points[0][0] + 1e-3, points[0][1])
            painter.drawPath(path)
        if self.tools.active != "box" and self._mouse is not None and self._pan_from is None:
            x, y = self.viewport.to_image(self._mouse.x(), self._mouse.y())
            r = self.tools.radius
            painter.setPen(_cosmetic(QColor(0, 0, 0), 3.0))
            painter.drawEllipse(QPointF(x, y), r, r)
            painter.setPen(_cosmetic(_CURSOR_COLORS[self.tools.active], 1.5))
            painter.drawEllipse(QPointF(x, y), r, r)


def _contour(layer, scale: float) -> QPainterPath | None:
    """The layer's outline, simplified for ``scale`` when the layer can (tiled layers)."""
    contour_at = getattr(layer, "contour_at", None)
    return contour_at(scale) if contour_at is not None else layer.contour


def _grow(rect, margin: int = 2) -> tuple[int, int, int, int]:
    """The visible image rect widened a little (partly visible pixels at the edges)."""
    x0, y0, x1, y1 = (int(v) for v in rect)
    return x0 - margin, y0 - margin, x1 + margin, y1 + margin


def _cosmetic(color: QColor, width: float, style=Qt.PenStyle.SolidLine) -> QPen:
    """A pen whose width is in screen pixels whatever the zoom."""
    pen = QPen(color, width, style)
    pen.setCosmetic(True)
    return pen
