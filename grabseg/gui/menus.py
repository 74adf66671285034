"""Build QActions from the shortcut table, the menus and the tool bar."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QMainWindow,
    QMenuBar,
    QSlider,
    QToolBar,
    QToolButton,
)

from grabseg.gui.actions import ACTIONS

MENUS: tuple[tuple[str, tuple[str | None, ...]], ...] = (
    ("&File", ("open", "save", "export", None, "preferences", None, "quit")),
    ("&Edit", ("undo", "redo", None, "accept", "new_instance", "delete_instance")),
    ("&View", ("fit", "actual_size", "zoom_in", "zoom_out", None, "toggle_overlay")),
    ("&Tools", ("tool_box", "tool_fg", "tool_bg", "tool_eraser", None, "brush_smaller",
                "brush_larger")),
    ("&Image", ("next_image", "prev_image", None, "mark_done", "mark_skipped")),
    ("&Help", ("shortcuts",)),
)
TOOL_ACTIONS = ("tool_box", "tool_fg", "tool_bg", "tool_eraser")


def make_actions(window: QMainWindow) -> dict[str, QAction]:
    """One QAction per :data:`ACTIONS` entry, window-wide shortcuts, tools exclusive."""
    actions: dict[str, QAction] = {}
    for spec in ACTIONS:
        action = QAction(spec.text, window)
        action.setObjectName(spec.name)
        action.setShortcuts([QKeySequence(k) for k in spec.keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        keys = ", ".join(spec.keys)
        action.setToolTip(f"{spec.text.replace('&', '')} ({keys})")
        action.setStatusTip(spec.tip)
        action.setCheckable(spec.checkable)
        window.addAction(action)
        actions[spec.name] = action
    group = QActionGroup(window)
    group.setExclusive(True)
    for name in TOOL_ACTIONS:
        group.addAction(actions[name])
    actions["toggle_overlay"].setChecked(True)
    return actions


def build_menus(menu_bar: QMenuBar, actions: dict[str, QAction]) -> None:
    for title, names in MENUS:
        menu = menu_bar.addMenu(title)
        for name in names:
            if name is None:
                menu.addSeparator()
            else:
                menu.addAction(actions[name])


class ToolBarWidgets:
    """The tool bar's own widgets: class picker, brush size label, opacity slider."""

    def __init__(self, window: QMainWindow, actions: dict[str, QAction]) -> None:
        bar = QToolBar("Tools", window)
        bar.setObjectName("tools")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for name in TOOL_ACTIONS:
            bar.addAction(actions[name])
        self.brush = QLabel()
        self.brush.setToolTip("Brush radius in image pixels ([ and ])")
        bar.addWidget(self.brush)
        bar.addSeparator()
        bar.addWidget(QLabel(" Class "))
        self.classes = QComboBox()
        self.classes.setMinimumWidth(130)
        self.classes.setToolTip("Class of the draft / selected instance (keys 1-9)")
        bar.addWidget(self.classes)
        self.add_class = QToolButton()
        self.add_class.setText("+")
        self.add_class.setToolTip("Add a class to the project")
        bar.addWidget(self.add_class)
        bar.addSeparator()
        for name in ("accept", "new_instance", "undo", "redo"):
            bar.addAction(actions[name])
        bar.addSeparator()
        bar.addAction(actions["toggle_overlay"])
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setMaximumWidth(110)
        self.opacity.setToolTip("Overlay opacity")
        bar.addWidget(self.opacity)
        window.addToolBar(bar)
        self.bar = bar
