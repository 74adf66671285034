"""The instance list dock: class, source, visibility and z-order of the image's instances."""

from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from grabseg.types import ClassDef


def color_icon(color: tuple[int, int, int], size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(*color))
    return QIcon(pixmap)


class InstanceListWidget(QWidget):
    """Rows top (highest z) to bottom; the checkbox shows/hides, selecting refines."""

    instance_selected = Signal(int)
    visibility_changed = Signal(int, bool)
    move_requested = Signal(int, int)
    delete_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Instance", "Class", "Source"])
        self.tree.setRootIsDecorated(False)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col in (0, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.up_button = QPushButton("Up")
        self.up_button.setToolTip("Raise z-order (drawn over the others)")
        self.down_button = QPushButton("Down")
        self.down_button.setToolTip("Lower z-order")
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Delete the selected instance (Del)")
        buttons = QHBoxLayout()
        for button in (self.up_button, self.down_button, self.delete_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.tree)
        layout.addLayout(buttons)
        self._updating = self._toggled = False
        self.tree.itemChanged.connect(self._on_item_changed)
        self.tree.itemClicked.connect(self._on_clicked)
        self.up_button.clicked.connect(lambda: self._move(+1))
        self.down_button.clicked.connect(lambda: self._move(-1))
        self.delete_button.clicked.connect(self._delete)

    def selected_id(self) -> int | None:
        item = self.tree.currentItem()
        return None if item is None else int(item.data(0, Qt.ItemDataRole.UserRole))

    def refresh(self, instances: Sequence, classes: Sequence[ClassDef], *, hidden: set[int],
                selected: int | None) -> None:
        """Show ``instances`` top (highest z) first; rows are updated in place when the
        ids are unchanged, so a refresh never deletes the item a signal is about."""
        by_id = {c.id: c for c in classes}
        ordered = sorted(instances, key=lambda it: it.z, reverse=True)
        tree = self.tree
        self._updating = True
        try:
            same = tree.topLevelItemCount() == len(ordered) and all(
                tree.topLevelItem(k).data(0, Qt.ItemDataRole.UserRole) == inst.id
                for k, inst in enumerate(ordered))
            if not same:
                tree.clear()
                tree.addTopLevelItems([QTreeWidgetItem() for _ in ordered])
            for k, inst in enumerate(ordered):
                self._fill(tree.topLevelItem(k), inst, by_id.get(inst.class_id), hidden)
                if inst.id == selected:
                    tree.setCurrentItem(tree.topLevelItem(k))
            if selected is None:
                tree.setCurrentItem(None)
        finally:
            self._updating = False

    @staticmethod
    def _fill(item: QTreeWidgetItem, inst, cls: ClassDef | None, hidden: set[int]) -> None:
        item.setText(0, f"#{inst.id}")
        item.setText(1, cls.name if cls else f"class {inst.class_id}")
        item.setText(2, inst.source)
        item.setData(0, Qt.ItemDataRole.UserRole, inst.id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(0, Qt.CheckState.Unchecked if inst.id in hidden
                           else Qt.CheckState.Checked)
        item.setIcon(1, color_icon(cls.color) if cls is not None else QIcon())

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if not self._updating and column == 0:
            visible = item.checkState(0) == Qt.CheckState.Checked
            self._toggled = True
            inst_id = int(item.data(0, Qt.ItemDataRole.UserRole))
            # Deferred: the handlers rebuild this list, which must not happen inside the
            # item's own signal.
            QTimer.singleShot(0, self, lambda: self.visibility_changed.emit(inst_id, visible))

    def _on_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        if self._toggled:  # the click only toggled the visibility checkbox
            self._toggled = False
            return
        inst_id = int(item.data(0, Qt.ItemDataRole.UserRole))
        QTimer.singleShot(0, self, lambda: self.instance_selected.emit(inst_id))

    def _move(self, delta: int) -> None:
        inst_id = self.selected_id()
        if inst_id is not None:
            self.move_requested.emit(inst_id, delta)

    def _delete(self) -> None:
        inst_id = self.selected_id()
        if inst_id is not None:
            self.delete_requested.emit(inst_id)
