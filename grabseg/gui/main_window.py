"""The main window: wires the project, session, controller and widgets; computes nothing."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QInputDialog,
    QMainWindow,
    QMessageBox,
)

from grabseg.gui.canvas import Canvas
from grabseg.gui.controller import SegmentationController
from grabseg.gui.dialogs import PreferencesDialog, ShortcutsDialog, apply_theme
from grabseg.gui.editing import EditingMixin
from grabseg.gui.image_list import ImageListWidget
from grabseg.gui.instance_list import InstanceListWidget, color_icon
from grabseg.gui.loader import ASYNC_PIXELS, ImageLoader
from grabseg.gui.menus import ToolBarWidgets, build_menus, make_actions
from grabseg.gui.navigation import ImageNavigator
from grabseg.gui.preferences import Preferences, save_preferences
from grabseg.gui.status import StatusBar
from grabseg.io.images import ImageReadError, read_image
from grabseg.session.annotation import AnnotationSession
from grabseg.session.tools import ToolSettings

log = logging.getLogger(__name__)
DEFAULT_CLASSES = ("object",)


class MainWindow(EditingMixin, QMainWindow):
    """One project at a time; ``open_image`` switches the :class:`AnnotationSession`."""

    def __init__(self, project, *, runner, prefs: Preferences | None = None) -> None:
        super().__init__()
        self.project = project
        self.prefs = prefs or Preferences()
        self.session: AnnotationSession | None = None
        self.image: np.ndarray | None = None
        self.image_id: int | None = None
        self.tools = ToolSettings(radius=self.prefs.brush_radius)
        self.navigator = ImageNavigator()
        self.canvas = Canvas(self.tools)
        self.controller = SegmentationController(runner, self)
        self.loader = ImageLoader(self)
        self.async_pixels = ASYNC_PIXELS  # larger images decode on a thread
        self.image_list = ImageListWidget(self.navigator)
        self.instance_list = InstanceListWidget()
        self.status = StatusBar()
        self.actions = make_actions(self)
        self.toolbar = ToolBarWidgets(self, self.actions)
        self.setCentralWidget(self.canvas)
        self.setStatusBar(self.status)
        build_menus(self.menuBar(), self.actions)
        self._add_dock("Images", self.image_list, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._add_dock("Instances", self.instance_list, Qt.DockWidgetArea.RightDockWidgetArea)
        self._connect()
        self.resize(1280, 800)
        self._load_project()

    # setup -----------------------------------------------------------------------
    def _add_dock(self, title: str, widget, area) -> None:
        dock = QDockWidget(title, self)
        dock.setObjectName(title.lower())
        dock.setWidget(widget)
        self.addDockWidget(area, dock)

    def _connect(self) -> None:
        a, tb = self.actions, self.toolbar
        for name in ("box", "fg", "bg", "eraser"):
            a[f"tool_{name}"].triggered.connect(lambda _=False, n=name: self.tools.set_active(n))
        a["tool_box"].setChecked(True)
        self.tools.subscribe(self._on_tools_changed)
        a["brush_smaller"].triggered.connect(lambda: self.tools.step_radius(-1))
        a["brush_larger"].triggered.connect(lambda: self.tools.step_radius(+1))
        a["accept"].triggered.connect(self.accept_instance)
        a["new_instance"].triggered.connect(self.new_instance)
        a["delete_instance"].triggered.connect(self.delete_instance)
        a["undo"].triggered.connect(lambda: self._history(undo=True))
        a["redo"].triggered.connect(lambda: self._history(undo=False))
        a["next_image"].triggered.connect(lambda: self.step_image(+1))
        a["prev_image"].triggered.connect(lambda: self.step_image(-1))
        a["mark_done"].triggered.connect(lambda: self.set_image_status("done"))
        a["mark_skipped"].triggered.connect(lambda: self.set_image_status("skipped"))
        a["fit"].triggered.connect(self.canvas.fit)
        a["actual_size"].triggered.connect(self.canvas.actual_size)
        a["zoom_in"].triggered.connect(lambda: self.canvas.zoom(1.25))
        a["zoom_out"].triggered.connect(lambda: self.canvas.zoom(0.8))
        a["toggle_overlay"].toggled.connect(self.canvas.set_overlay_visible)
        a["save"].triggered.connect(lambda: self.status.showMessage(
            "Everything is saved: each accepted instance and the draft are written at once", 5000))
        a["open"].triggered.connect(self._open_dialog)
        a["export"].triggered.connect(self._export_dialog)
        a["preferences"].triggered.connect(self._preferences_dialog)
        a["shortcuts"].triggered.connect(self._shortcuts_dialog)
        a["quit"].triggered.connect(self.close)
        for digit in range(1, 10):
            self._digit_action(digit)
        tb.classes.currentIndexChanged.connect(self._on_class_picked)
        tb.add_class.clicked.connect(self._add_class_dialog)
        tb.opacity.setValue(round(self.prefs.overlay_opacity * 100))
        tb.opacity.valueChanged.connect(self._on_opacity)
        self.canvas.outcome.connect(self._on_outcome)
        self.canvas.hovered.connect(lambda x, y: self.status.show_pixel(self.image, x, y))
        self.loader.loaded.connect(self._on_loaded)
        self.controller.busy_changed.connect(self.status.set_busy)
        self.controller.failed.connect(lambda msg: self.status.showMessage(msg, 10000))
        self.controller.segmented.connect(self.status.show_timing)
        self.image_list.image_chosen.connect(self.open_image)
        self.image_list.problem_chosen.connect(lambda msg: self.status.showMessage(msg, 10000))
        il = self.instance_list
        il.instance_selected.connect(self.edit_instance)
        il.visibility_changed.connect(self._set_visible)
        il.move_requested.connect(lambda i, d: self._session_call("move_instance", i, d))
        il.delete_requested.connect(lambda i: self._session_call("delete_instance", i))
        self._on_tools_changed()

    def _digit_action(self, digit: int) -> None:
        action = QAction(f"Class {digit}", self)
        action.setShortcut(QKeySequence(str(digit)))
        action.triggered.connect(lambda: self.pick_class(digit - 1))
        self.addAction(action)

    # project ---------------------------------------------------------------------
    def set_project(self, project) -> None:
        """Close the current project (all saved already) and show ``project``."""
        old, self.project = self.project, project
        self.session = self.image = self.image_id = None
        self.loader.cancel()
        self.controller.set_session(None)
        self.canvas.set_image(None)
        if old is not project:
            old.close()
        self._load_project()

    def _load_project(self) -> None:
        project = self.project
        if not project.classes():
            for name in DEFAULT_CLASSES:
                project.add_class(name)
        problems = list(project.last_scan_problems)
        try:
            project.add_folder()  # pick up images added to the folder since last time
            problems = list(project.last_scan_problems) or problems
        except OSError as exc:
            self.status.showMessage(f"could not rescan {project.root}: {exc}", 10000)
        self.navigator.load(project.images(), problems)
        self._refresh_classes()
        self.setWindowTitle(f"grabseg - {Path(project.root).name} ({project.file})")
        if problems:
            self.status.showMessage(f"{len(problems)} file(s) could not be read as images; "
                                    "see the image list", 15000)
        first = self.navigator.step_unfinished(None, +1)
        if first is None and self.navigator.rows and self.navigator.rows[0].id is not None:
            first = self.navigator.rows[0].id
        if first is not None:
            self.open_image(first)

    def _refresh_classes(self) -> None:
        self.classes = sorted(self.project.classes(), key=lambda c: c.id)
        self.colors = {c.id: tuple(c.color) for c in self.classes}
        combo = self.toolbar.classes
        combo.blockSignals(True)
        combo.clear()
        for k, cls in enumerate(self.classes):
            prefix = f"{k + 1}: " if k < 9 else ""
            combo.addItem(color_icon(cls.color), f"{prefix}{cls.name}", cls.id)
        combo.blockSignals(False)
        self._show_draft_class()

    # images ----------------------------------------------------------------------
    def open_image(self, image_id: int) -> bool:
        """Switch to ``image_id`` (large images decode on a thread); False if unreadable.

        The previous image's work is already saved by its session.
        """
        if image_id == self.loader.loading or (image_id == self.image_id and self.session):
            return True
        info = self.project.image(image_id)
        self.image_list.set_current(image_id)
        if info.width * info.height > self.async_pixels:
            self.session = self.image = self.image_id = None
            self.controller.set_session(None)
            self.canvas.set_image(None, message=f"Loading {info.path} "
                                  f"({info.width} x {info.height})…")
            self.loader.load(image_id, str(info.abs_path))
            return True
        self.loader.cancel()
        try:
            rgb = read_image(info.abs_path)
        except (ImageReadError, OSError) as exc:
            self._open_failed(image_id, str(exc))
            return False
        self._show_image(image_id, rgb)
        return True

    def _on_loaded(self, image_id: int, rgb, bgra, error: str) -> None:
        if rgb is None:
            self._open_failed(image_id, error)
        else:
            self._show_image(image_id, rgb, bgra)

    def _open_failed(self, image_id: int, error: str) -> None:
        path = self.project.image(image_id).path
        self.navigator.update_row(image_id, problem=error)
        self.status.showMessage(f"cannot open {path}: {error}", 15000)
        self.image_list.set_current(self.image_id)
        if self.image is None:
            self.canvas.set_image(None, message=f"cannot open {path}:\n{error}")

    def _show_image(self, image_id: int, rgb: np.ndarray, bgra: np.ndarray | None = None) -> None:
        info = self.project.image(image_id)
        session = AnnotationSession(self.project, image_id, engine=self.prefs.engine,
                                    iterations=self.prefs.iterations)
        self.session, self.image, self.image_id = session, rgb, image_id
        session.subscribe(lambda event, s=session: self._on_session_event(s, event))
        self.controller.set_session(session)
        self.canvas.set_image(rgb, bgra=bgra)
        self.image_list.set_current(image_id)
        self.setWindowTitle(f"grabseg - {Path(self.project.root).name} - {info.path}")
        self._refresh_all()
        if session.recovered:
            self.status.showMessage(f"recovered draft on {info.path}", 10000)

    def step_image(self, direction: int) -> None:
        current = self.loader.loading if self.loader.loading is not None else self.image_id
        target = self.navigator.step_unfinished(current, direction)
        if target is None:
            self.status.showMessage("no other unfinished image (all done or skipped)", 5000)
        else:
            self.open_image(target)

    def set_image_status(self, status: str) -> None:
        if self.image_id is None:
            return
        self.project.set_status(self.image_id, status)
        self.navigator.update_row(self.image_id, status=status)
        note = ""
        if self.session is not None and self.session.draft.mask is not None:
            note = " (the draft is not accepted: press Enter to keep it)"
        self.status.showMessage(f"image marked {status}{note}", 5000)

    # session events ----------------------------------------------------------------
    def _on_session_event(self, session, event: str) -> None:
        if session is not self.session:
            return
        if event == "instances":
            self._refresh_instances()
            self._sync_image_row()
        elif event in ("draft", "selection"):
            self._refresh_draft()
            if event == "selection":
                self._refresh_instances()
        elif event == "history":
            self._refresh_history()
        elif event == "error":
            message = getattr(session, "last_error", None)
            if message:
                self.status.showMessage(str(message), 10000)
        self.canvas.update()

    def _refresh_all(self) -> None:
        self._refresh_instances()
        self._refresh_draft()
        self._refresh_history()

    def _hidden(self) -> set[int]:
        s = self.session
        return set() if s is None else {i.id for i in s.instances if not s.is_visible(i.id)}

    def _refresh_instances(self) -> None:
        s = self.session
        if s is None:
            return
        hidden, editing = self._hidden(), s.draft.editing_id
        self.canvas.scene.selected_id = s.selected
        self.canvas.scene.update_instances(s.instances, self.colors, hidden=hidden,
                                           opacity=self.prefs.overlay_opacity, editing_id=editing)
        self.instance_list.refresh(s.instances, self.classes, hidden=hidden, selected=s.selected)
        self.canvas.update()

    def _refresh_draft(self) -> None:
        s = self.session
        if s is None:
            return
        draft = s.draft
        has_prompts = draft.box is not None or bool(draft.strokes)
        scribbles = s.scribble_map() if draft.strokes else None
        self.canvas.scene.update_draft(draft, scribbles, self.colors,
                                       opacity=self.prefs.overlay_opacity)
        if self.canvas.scene.selected_id != s.selected:
            self._refresh_instances()
        self.actions["accept"].setEnabled(draft.mask is not None or has_prompts)
        self._show_draft_class()
        self.canvas.update()

    def _refresh_history(self) -> None:
        s = self.session
        self.actions["undo"].setEnabled(bool(s and s.can_undo))
        self.actions["redo"].setEnabled(bool(s and s.can_redo))

    def _sync_image_row(self) -> None:
        if self.image_id is None:
            return
        info = self.project.image(self.image_id)
        self.navigator.update_row(self.image_id, status=info.status, n_instances=info.n_instances)

    def _on_tools_changed(self) -> None:
        self.actions[f"tool_{self.tools.active}"].setChecked(True)
        self.toolbar.brush.setText(f" brush {self.tools.radius:.0f} px ")
        if self.prefs.brush_radius != self.tools.radius:
            self.prefs = replace(self.prefs, brush_radius=self.tools.radius)

    def _on_opacity(self, value: int) -> None:
        self.prefs = replace(self.prefs, overlay_opacity=value / 100)
        self._refresh_instances()
        self._refresh_draft()

    # dialogs -----------------------------------------------------------------------
    def _add_class_dialog(self) -> None:
        name, ok = QInputDialog.getText(self, "Add class", "Class name:")
        if ok and name.strip():
            try:
                cls = self.project.add_class(name.strip())
            except ValueError as exc:
                self.status.showMessage(str(exc), 6000)
                return
            self._refresh_classes()
            self.pick_class(next(k for k, c in enumerate(self.classes) if c.id == cls.id))

    def _open_dialog(self) -> None:
        from grabseg.gui.app import choose_and_open

        choose_and_open(self)

    def _export_dialog(self) -> None:
        from grabseg.gui.export_dialog import ExportDialog

        ExportDialog(self.project, self).exec()

    def _preferences_dialog(self) -> None:
        dialog = PreferencesDialog(self.prefs, self)
        if dialog.exec():
            self.apply_preferences(dialog.value())

    def apply_preferences(self, prefs: Preferences) -> None:
        engine_changed = (prefs.engine, prefs.iterations) != (self.prefs.engine,
                                                               self.prefs.iterations)
        self.prefs = prefs
        self.tools.set_radius(prefs.brush_radius)
        self.toolbar.opacity.setValue(round(prefs.overlay_opacity * 100))
        apply_theme(QApplication.instance(), prefs.theme)
        if engine_changed and self.session is not None:
            for attr, value in (("engine", prefs.engine), ("iterations", prefs.iterations)):
                if hasattr(self.session, attr):
                    setattr(self.session, attr, value)
        self._save_preferences()

    def _save_preferences(self) -> None:
        try:
            save_preferences(self.prefs)
        except OSError as exc:
            self.status.showMessage(f"could not save preferences: {exc}", 8000)

    def _shortcuts_dialog(self) -> None:
        ShortcutsDialog(self).exec()

    def closeEvent(self, event) -> None:  # noqa: N802
        self._save_preferences()
        self.loader.shutdown()
        self.controller.shutdown()
        try:
            self.project.close()
        except Exception as exc:  # noqa: BLE001 - closing must not stop the app quitting
            log.warning("closing the project failed: %s", exc)
            QMessageBox.warning(self, "grabseg", f"closing the project failed: {exc}")
        super().closeEvent(event)
