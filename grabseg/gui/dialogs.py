"""Preferences and Help > Shortcuts dialogs, and the light/dark theme."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from grabseg.gui.actions import shortcut_rows
from grabseg.gui.preferences import ENGINES, THEMES, Preferences


class PreferencesDialog(QDialog):
    """Edits a :class:`Preferences`; ``value()`` returns the edited copy."""

    def __init__(self, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self._prefs = prefs
        self.engine = QComboBox()
        self.engine.addItems(ENGINES)
        self.engine.setCurrentText(prefs.engine)
        self.engine.setToolTip("native: grabseg's GrabCut; opencv: cv2.grabCut")
        self.iterations = QSpinBox()
        self.iterations.setRange(1, 50)
        self.iterations.setValue(prefs.iterations)
        self.brush = QDoubleSpinBox()
        self.brush.setRange(1, 500)
        self.brush.setSuffix(" px")
        self.brush.setValue(prefs.brush_radius)
        self.opacity = QSpinBox()
        self.opacity.setRange(0, 100)
        self.opacity.setSuffix(" %")
        self.opacity.setValue(round(prefs.overlay_opacity * 100))
        self.theme = QComboBox()
        self.theme.addItems(THEMES)
        self.theme.setCurrentText(prefs.theme)
        form = QFormLayout()
        form.addRow("Engine", self.engine)
        form.addRow("GrabCut iterations", self.iterations)
        form.addRow("Brush radius", self.brush)
        form.addRow("Overlay opacity", self.opacity)
        form.addRow("Theme", self.theme)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def value(self) -> Preferences:
        return replace(self._prefs, engine=self.engine.currentText(),
                       iterations=self.iterations.value(), brush_radius=self.brush.value(),
                       overlay_opacity=self.opacity.value() / 100, theme=self.theme.currentText())


class ShortcutsDialog(QDialog):
    """A read-only table of every shortcut (from ``grabseg.gui.actions``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows()
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["Keys", "Action"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for k, (keys, text) in enumerate(rows):
            self.table.setItem(k, 0, QTableWidgetItem(keys))
            self.table.setItem(k, 1, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(560, 620)


def apply_theme(app: QApplication, theme: str) -> None:
    """Fusion style with a light (default) or dark palette."""
    app.setStyle("Fusion")
    if theme != "dark":
        app.setPalette(app.style().standardPalette())
        return
    p = QPalette()
    base, window, text = QColor(35, 35, 38), QColor(50, 50, 54), QColor(225, 225, 225)
    for role, color in (
        (QPalette.ColorRole.Window, window), (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base), (QPalette.ColorRole.AlternateBase, window),
        (QPalette.ColorRole.ToolTipBase, window), (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.Text, text), (QPalette.ColorRole.Button, window),
        (QPalette.ColorRole.ButtonText, text), (QPalette.ColorRole.Highlight, QColor(42, 130, 218)),
        (QPalette.ColorRole.HighlightedText, QColor(255, 255, 255)),
        (QPalette.ColorRole.PlaceholderText, QColor(140, 140, 140)),
    ):
        p.setColor(role, color)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(120, 120, 120))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(120, 120, 120))
    app.setPalette(p)
