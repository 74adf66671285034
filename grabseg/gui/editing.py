"""Annotation actions of the main window: tool outcomes, accept, delete, refine, classes, undo.

A mixin of :class:`~grabseg.gui.main_window.MainWindow`: each method forwards a user
action to the current :class:`~grabseg.session.annotation.AnnotationSession` and
reports in the status bar; the session's notifications update the views.
"""

from __future__ import annotations

from grabseg.session.tools import BoxDone, Click, Rejected, StrokeDone, topmost_at


class EditingMixin:
    """Needs ``session``, ``controller``, ``status``, ``classes``, ``toolbar``,
    ``instance_list``, ``_hidden()`` and ``_sync_image_row()`` from the window."""

    def _on_outcome(self, outcome) -> None:
        s = self.session
        if s is None:
            return
        if isinstance(outcome, BoxDone):
            self.controller.submit(s.set_box(outcome.box))
        elif isinstance(outcome, StrokeDone):
            request = s.add_stroke(outcome.stroke)
            if request is None and outcome.stroke.label != 0:
                self.status.showMessage("scribbles refine a cut: draw a box first "
                                        "(or click an instance to refine it)", 6000)
            self.controller.submit(request)
        elif isinstance(outcome, Click):
            hit = topmost_at(s.instances, outcome.x, outcome.y, hidden=self._hidden())
            if hit is None:
                self.status.showMessage("drag to draw a box around the object", 4000)
            else:
                self.edit_instance(hit)
        elif isinstance(outcome, Rejected):
            self.status.showMessage(outcome.message, 6000)

    def accept_instance(self) -> None:
        if self.session is None:
            return
        if self.controller.busy:
            self.status.showMessage("still segmenting; accept again when the mask shows", 4000)
            return
        inst_id = self.session.accept()
        if inst_id is not None:
            self._sync_image_row()
            self.status.showMessage(f"instance #{inst_id} saved", 3000)

    def new_instance(self) -> None:
        if self.session is not None:
            self.session.new_instance()

    def delete_instance(self) -> None:
        s = self.session
        if s is None:
            return
        target = s.selected or s.draft.editing_id or self.instance_list.selected_id()
        if target is None:
            self.status.showMessage("select an instance to delete", 4000)
            return
        s.delete_instance(target)
        self._sync_image_row()
        self.status.showMessage(f"instance #{target} deleted (Ctrl+Z to undo)", 5000)

    def edit_instance(self, instance_id: int) -> None:
        if self.session is not None:
            self.session.edit_instance(instance_id)
            self.status.showMessage(f"refining instance #{instance_id}: scribble, then Enter", 5000)

    def pick_class(self, index: int) -> None:
        if not 0 <= index < len(self.classes):
            self.status.showMessage(f"there is no class {index + 1}; add one with +", 4000)
            return
        self.toolbar.classes.setCurrentIndex(index)

    def _on_class_picked(self, index: int) -> None:
        if self.session is None or not 0 <= index < len(self.classes):
            return
        class_id, editing = self.classes[index].id, self.session.draft.editing_id
        if editing is not None:  # refining an accepted instance: relabel it now (undoable)
            self.session.set_instance_class(editing, class_id)
        elif self.session.draft.class_id != class_id:
            self.session.set_class(class_id)
        self._show_draft_class()

    def _show_draft_class(self) -> None:
        if self.session is None or not getattr(self, "classes", None):
            return
        class_id = self.session.draft.class_id
        index = next((k for k, c in enumerate(self.classes) if c.id == class_id), None)
        self.status.show_class(self.classes[index] if index is not None else None,
                               None if index is None else index + 1)
        combo = self.toolbar.classes
        if index is not None and combo.currentIndex() != index:
            combo.blockSignals(True)
            combo.setCurrentIndex(index)
            combo.blockSignals(False)

    def _history(self, *, undo: bool) -> None:
        if self.session is None:
            return
        done = self.session.undo() if undo else self.session.redo()
        if not done:
            self.status.showMessage("nothing to undo" if undo else "nothing to redo", 3000)
        else:
            self._sync_image_row()

    def _session_call(self, name: str, *args) -> None:
        if self.session is not None:
            getattr(self.session, name)(*args)

    def _set_visible(self, instance_id: int, visible: bool) -> None:
        if self.session is not None:
            self.session.set_instance_visible(instance_id, visible)
