"""The image list dock: a view of :class:`ImageNavigator` (status, instance count, filter)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from grabseg.gui.navigation import STATUS_FILTERS, ImageNavigator, ImageRow

STATUS_COLORS = {"new": None, "pre-labeled": QColor(40, 120, 220),
                 "in progress": QColor(220, 150, 0),
                 "done": QColor(30, 160, 60), "skipped": QColor(130, 130, 130),
                 "unreadable": QColor(210, 40, 40)}


class ImageListWidget(QWidget):
    """Lists images with status and instance count; unreadable files show their problem."""

    image_chosen = Signal(int)
    problem_chosen = Signal(str)

    def __init__(self, navigator: ImageNavigator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.navigator = navigator
        self.current_id: int | None = None
        self.status_box = QComboBox()
        self.status_box.addItems(STATUS_FILTERS)
        self.status_box.setToolTip("Show images with this status")
        self.text_box = QLineEdit()
        self.text_box.setPlaceholderText("Filter by name")
        self.text_box.setClearButtonEnabled(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Image", "Status", "#"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        filters = QHBoxLayout()
        filters.addWidget(self.status_box)
        filters.addWidget(self.text_box, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(filters)
        layout.addWidget(self.tree)
        self.status_box.currentTextChanged.connect(lambda s: navigator.set_filter(status=s))
        self.text_box.textChanged.connect(lambda t: navigator.set_filter(text=t))
        self.tree.currentItemChanged.connect(self._on_current_item)
        navigator.subscribe(self.refresh)

    def _fill(self, item: QTreeWidgetItem, row: ImageRow) -> None:
        item.setText(0, row.path)
        item.setText(1, row.status)
        item.setText(2, "" if row.id is None else str(row.n_instances))
        item.setData(0, Qt.ItemDataRole.UserRole, row.id)
        item.setData(1, Qt.ItemDataRole.UserRole, row.problem)
        color = STATUS_COLORS.get(row.status)
        item.setForeground(1, QBrush(color) if color is not None else QBrush())
        tip = f"{row.path}: {row.problem}" if row.problem else f"{row.path} ({row.status})"
        for col in range(3):
            item.setToolTip(col, tip)

    def refresh(self) -> None:
        rows = self.navigator.visible()
        self.tree.blockSignals(True)
        try:
            if self.tree.topLevelItemCount() == len(rows) and all(
                self.tree.topLevelItem(k).text(0) == r.path for k, r in enumerate(rows)
            ):
                for k, row in enumerate(rows):
                    self._fill(self.tree.topLevelItem(k), row)
            else:
                self.tree.clear()
                for row in rows:
                    item = QTreeWidgetItem()
                    self._fill(item, row)
                    self.tree.addTopLevelItem(item)
            self._select(self.current_id)
        finally:
            self.tree.blockSignals(False)

    def set_current(self, image_id: int | None) -> None:
        self.current_id = image_id
        self.tree.blockSignals(True)
        try:
            self._select(image_id)
        finally:
            self.tree.blockSignals(False)

    def _select(self, image_id: int | None) -> None:
        for k in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(k)
            if image_id is not None and item.data(0, Qt.ItemDataRole.UserRole) == image_id:
                self.tree.setCurrentItem(item)
                self.tree.scrollToItem(item)
                return
        self.tree.setCurrentItem(None)

    def item_for_path(self, path: str) -> QTreeWidgetItem | None:
        for k in range(self.tree.topLevelItemCount()):
            if self.tree.topLevelItem(k).text(0) == path:
                return self.tree.topLevelItem(k)
        return None

    def _on_current_item(self, item: QTreeWidgetItem | None, _previous) -> None:
        if item is None:
            return
        image_id = item.data(0, Qt.ItemDataRole.UserRole)
        # Deferred: opening an image may rebuild this list, which must not happen inside
        # the tree's own signal (the item would be deleted under it).
        if image_id is None:
            message = f"{item.text(0)}: {item.data(1, Qt.ItemDataRole.UserRole)}"
            QTimer.singleShot(0, self, lambda: self.problem_chosen.emit(message))
        else:
            QTimer.singleShot(0, self, lambda: self.image_chosen.emit(int(image_id)))
