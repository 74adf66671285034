"""Status bar widgets: pixel position + RGB, current class, last segmentation time, busy."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from grabseg.types import ClassDef


class StatusBar(QStatusBar):
    """Permanent fields on the right; temporary messages (errors, hints) on the left."""

    def __init__(self) -> None:
        super().__init__()
        self.position = QLabel("")
        self.position.setMinimumWidth(190)
        self.class_label = QLabel("")
        self.timing = QLabel("")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(90)
        self.busy.setMaximumHeight(14)
        self.busy.setToolTip("Segmenting in the worker process; you can keep drawing")
        self.busy.setVisible(False)
        for widget in (self.position, self.class_label, self.timing, self.busy):
            self.addPermanentWidget(widget)

    def show_pixel(self, image: np.ndarray | None, x: float, y: float) -> None:
        if image is None:
            self.position.setText("")
            return
        j, i = int(np.floor(x)), int(np.floor(y))
        if 0 <= i < image.shape[0] and 0 <= j < image.shape[1]:
            r, g, b = (int(v) for v in image[i, j, :3])
            self.position.setText(f"x {j}  y {i}   RGB {r} {g} {b}")
        else:
            self.position.setText("")

    def show_class(self, cls: ClassDef | None, index: int | None) -> None:
        self.class_label.setText("" if cls is None else f"class {index}: {cls.name}")

    def show_timing(self, engine_s: float, total_s: float) -> None:
        self.timing.setText(f"cut {engine_s * 1000:.0f} ms (shown after {total_s * 1000:.0f} ms)")

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
