"""File > Export dataset: format, output folder, polygons, train/val split.

The export runs on a Python thread with its own ``Project`` connection (SQLite
connections belong to the thread that opened them); the report comes back to
the GUI thread through a queued signal.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


def run_export(project_file: str, fmt: str, out_dir: str, *, polygons: bool,
               split: float | None, overwrite: bool):
    """Open the project read-only-ish on this thread and export it; returns the report."""
    from grabseg.export import export_dataset
    from grabseg.project import Project

    with Project.open(project_file) as project:
        return export_dataset(project, fmt, out_dir, polygons=polygons, split=split,
                              overwrite=overwrite)


def summarize(report) -> str:
    splits = ", ".join(f"{k}: {v}" for k, v in report.splits.items())
    lines = [f"Wrote {report.format} to {report.out_dir}",
             f"{report.images} images ({splits}), {report.instances} instances, "
             f"{report.classes} classes, {len(report.files)} files"]
    if report.polygon_losses:
        worst = min(report.polygon_losses, key=lambda loss: loss.iou)
        lines.append(f"{len(report.polygon_losses)} instances as polygons; lowest IoU "
                     f"{worst.iou:.3f} ({worst.image} #{worst.instance} {worst.note})")
    lines += [f"warning: {w}" for w in report.warnings]
    return "\n".join(lines)


class ExportDialog(QDialog):
    """Pick a format from ``grabseg.export.FORMATS`` and write the dataset."""

    finished_export = Signal(object, str)  # report or None, error message

    def __init__(self, project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from grabseg.export import FORMATS

        self.setWindowTitle("Export dataset")
        self.project_file = str(project.file)
        self.fmt = QComboBox()
        self.fmt.addItems(list(FORMATS))
        self.out_dir = QLineEdit(str(Path(project.root) / "export"))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out_dir, 1)
        out_row.addWidget(browse)
        self.polygons = QCheckBox("Polygons instead of RLE (COCO; holes stay RLE)")
        self.use_split = QCheckBox("Split into train / val")
        self.split = QDoubleSpinBox()
        self.split.setRange(0.05, 0.95)
        self.split.setSingleStep(0.05)
        self.split.setValue(0.8)
        self.split.setPrefix("train fraction ")
        self.overwrite = QCheckBox("Replace the folder if it is not empty")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMaximumHeight(140)
        form = QFormLayout()
        form.addRow("Format", self.fmt)
        form.addRow("Folder", out_row)
        form.addRow("", self.polygons)
        form.addRow(self.use_split, self.split)
        form.addRow("", self.overwrite)
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton("Export",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.log)
        layout.addWidget(self.buttons)
        self.fmt.currentTextChanged.connect(self._on_format)
        self.use_split.toggled.connect(self.split.setEnabled)
        self.split.setEnabled(False)
        self.finished_export.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self._on_format(self.fmt.currentText())
        self.report = None
        self._thread: threading.Thread | None = None

    def _on_format(self, fmt: str) -> None:
        from grabseg.export import FORMATS

        self.polygons.setEnabled(bool(getattr(FORMATS.get(fmt), "polygon_option", False)))

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export to folder", self.out_dir.text())
        if folder:
            self.out_dir.setText(folder)

    def start(self) -> None:
        """Run the export on a thread; ``finished_export`` reports back."""
        args = (self.project_file, self.fmt.currentText(), self.out_dir.text().strip())
        kwargs = dict(polygons=self.polygons.isChecked() and self.polygons.isEnabled(),
                      split=self.split.value() if self.use_split.isChecked() else None,
                      overwrite=self.overwrite.isChecked())
        if not args[2]:
            self.log.setPlainText("choose an output folder")
            return
        self.export_button.setEnabled(False)
        self.progress.setVisible(True)
        self.log.setPlainText(f"exporting {args[1]} to {args[2]} …")

        def work() -> None:
            try:
                report, error = run_export(*args, **kwargs), ""
            except Exception as exc:  # noqa: BLE001 - shown in the dialog
                report, error = None, f"{type(exc).__name__}: {exc}"
            try:
                self.finished_export.emit(report, error)
            except RuntimeError:
                pass

        self._thread = threading.Thread(target=work, name="grabseg-export", daemon=True)
        self._thread.start()

    def _on_finished(self, report, error: str) -> None:
        self.progress.setVisible(False)
        self.export_button.setEnabled(True)
        self.report = report
        self.log.setPlainText(error if report is None else summarize(report))

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)
