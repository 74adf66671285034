"""One image's annotation state: instances, the draft being cut, undo/redo.

Flow: a tool gesture -> ``set_box`` / ``add_stroke`` returns a ``SegmentRequest``
snapshot -> the caller submits it to a runner -> ``apply(result)`` on the GUI
thread applies it only if it is the newest -> ``accept()`` commits the draft as an
instance (autosaved at once).

Undo works at stroke granularity: a box or stroke step is recorded at once and the
mask of its request is folded into that same step when it arrives, so undo after
the result restores the exact previous mask and redo the exact newer one. Any undo,
redo or other change of the draft makes an in-flight request stale.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

import numpy as np
import numpy.typing as npt

from grabseg.jobs.requests import SegmentRequest, SegmentResult
from grabseg.project.history import History, MaskDelta, Step
from grabseg.session import undo_steps as steps
from grabseg.session.draft_ops import DraftOpsMixin
from grabseg.session.draft_store import DraftStore
from grabseg.session.instance_ops import InstanceOpsMixin
from grabseg.session.prompts import (
    Draft,
    Stroke,
    box_around,
    check_box,
    check_stroke,
    prompts_from_dict,
)
from grabseg.types import SCRIBBLE_BG, SCRIBBLE_FG

__all__ = ["EVENTS", "AnnotationSession", "Draft", "Stroke"]

#: Events passed to subscribers.
EVENTS = ("instances", "draft", "selection", "history", "busy", "error")


class AnnotationSession(DraftOpsMixin, InstanceOpsMixin):
    """Annotation state of one project image (Qt-free; callbacks notify views).

    Parameters: ``project`` (a ``grabseg.project.Project``), ``image_id``; keyword
    ``engine`` and ``iterations`` go into every request; ``history_bytes`` bounds undo;
    ``class_id`` is the class of new drafts (default: the project's first class).
    Undo/redo cover: box, each stroke, accept, delete, class change, z-order change —
    at stroke granularity, restoring exact masks (mask deltas).

    A draft found in ``<project root>/.grabseg/drafts/`` (left by a crash) is restored
    and ``recovered`` is True.
    """

    def __init__(self, project, image_id: int, *, engine: str = "native", iterations: int = 5,
                 history_bytes: int = 64 * 2**20, class_id: int | None = None) -> None:
        if not isinstance(engine, str):
            raise TypeError(f"engine must be a str, got {engine!r}")
        if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 1:
            raise ValueError(f"iterations must be an int >= 1, got {iterations!r}")
        info = project.image(image_id)
        self.project, self.image_id = project, int(image_id)
        self.image_path, self.shape = str(info.abs_path), (int(info.height), int(info.width))
        self.image_key = f"{project.file}:{self.image_id}"
        self.engine, self.iterations = engine, iterations
        self.last_error: str | None = None
        self._history = History(max_bytes=history_bytes)
        self._subscribers: list[Callable[[str], None]] = []
        self._dirty: set[str] = set()
        self._pending: int | None = None
        self._awaiting: Step | None = None
        self._init_instances()
        if class_id is None:
            classes = project.classes()
            class_id = classes[0].id if classes else 0
        self._store = DraftStore(project.root)
        self._draft = Draft(class_id=int(class_id))
        self._scribbles = self._frozen(np.zeros(self.shape, np.uint8))
        saved = self._store.load(self.image_id, self.shape)
        self.recovered = saved is not None
        if saved is not None:
            if saved.editing_id is not None and saved.editing_id not in self._by_id:
                saved = replace(saved, editing_id=None)
            self._set_draft(saved)
        self._dirty.clear()

    # observers -----------------------------------------------------------------
    def subscribe(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(event)`` after each change; ``event`` is one of ``EVENTS``."""
        self._subscribers.append(callback)

    def unsubscribe(self, callback: Callable[[str], None]) -> None:
        if callback in self._subscribers:
            self._subscribers.remove(callback)

    def _emit(self) -> None:
        dirty, self._dirty = self._dirty, set()
        for event in EVENTS:
            if event in dirty:
                for callback in list(self._subscribers):
                    callback(event)

    # state -----------------------------------------------------------------------
    @property
    def draft(self) -> Draft:
        return self._draft

    @property
    def busy(self) -> bool:
        """True while a request is outstanding (its result not applied or dropped yet)."""
        return self._pending is not None

    @property
    def pending_request_id(self) -> int | None:
        return self._pending

    def scribble_map(self) -> npt.NDArray[np.uint8]:
        """The draft's strokes rasterised in order: uint8 ``(H, W)``, 0/1/2 (read-only)."""
        return self._scribbles

    # editing -----------------------------------------------------------------------
    def set_class(self, class_id: int) -> None:
        """Class for the draft (and new drafts); applied to the instance at ``accept``."""
        if int(class_id) != self._draft.class_id:
            self._draft = replace(self._draft, class_id=int(class_id))
            self._store.save(self.image_id, self._draft)
            self._dirty.add("draft")
            self._emit()

    def set_box(self, box: tuple[int, int, int, int]) -> SegmentRequest:
        """Start (or restart) the cut with ``box``, clipped to the image; keeps the strokes."""
        box = check_box(box, self.shape)
        step = self._draft_step("Box", replace(self._draft, box=box), keep_mask=True)
        request = self._make_request(step)
        self._emit()
        return request

    def add_stroke(self, stroke: Stroke) -> SegmentRequest | None:
        """Add a scribble; the request is None while there is nothing to cut yet
        (no box, and not both foreground and background scribbles)."""
        stroke = check_stroke(stroke)
        after = replace(self._draft, strokes=self._draft.strokes + (stroke,))
        label = "Erase" if stroke.label == 0 else "Scribble"
        step = self._draft_step(label, after, keep_mask=True, new_points=len(stroke.points))
        request = None
        if self._draft.box is not None or (np.any(self._scribbles == SCRIBBLE_FG)
                                           and np.any(self._scribbles == SCRIBBLE_BG)):
            request = self._make_request(step)
        self._emit()
        return request

    def apply(self, result: SegmentResult) -> bool:
        """Show ``result`` if it answers the newest request; False if stale or an error."""
        if not isinstance(result, SegmentResult):
            raise TypeError(f"apply() expects a SegmentResult, got {type(result).__name__}")
        if result.image_key != self.image_key or result.request_id != self._pending:
            return False
        step, self._pending, self._awaiting = self._awaiting, None, None
        self._dirty.add("busy")
        mask = None if result.mask is None else np.asarray(result.mask)
        error = result.error
        if error is None and (mask is None or mask.shape != self.shape or mask.dtype != bool):
            got = None if mask is None else f"{mask.dtype} {mask.shape}"
            error = f"ValueError: result mask must be bool {self.shape}, got {got}"
        if error is not None:
            self.last_error = error
            self._dirty.add("error")
            self._emit()
            return False
        current = self._mask_or_zeros(self._draft.mask)
        payload = step.payload.with_result(MaskDelta.between(current, mask))
        steps.replace_step(self._history, step, steps.make_step(step.label, payload))
        self._draft = replace(self._draft, mask=self._frozen(mask.copy()))
        self._store.save(self.image_id, self._draft)
        self._dirty.update(("draft", "history"))
        self._emit()
        return True

    def new_instance(self) -> None:
        """Drop the draft (undoable) and start an empty one of the same class."""
        if self._draft.is_empty:
            return
        self._draft_step("New instance", Draft(class_id=self._draft.class_id))
        self._emit()

    def edit_instance(self, instance_id: int) -> None:
        """Load an accepted instance's prompts and mask into the draft to refine it (undoable).

        An instance without a stored box (made by a model) gets its mask's bbox plus a margin.
        """
        inst = self._instance(instance_id)
        if self._draft.editing_id == inst.id:
            return
        box, strokes = prompts_from_dict(inst.prompts)
        after = Draft(class_id=inst.class_id, box=box or box_around(inst.mask), strokes=strokes,
                      mask=inst.mask, editing_id=inst.id)
        self._draft_step("Edit instance", after, keep_class=False)
        self._select(inst.id)
        self._emit()

    # undo/redo -------------------------------------------------------------------------
    def undo(self) -> bool:
        return self._walk(self._history.undo, self._history.redo, "undo")

    def redo(self) -> bool:
        return self._walk(self._history.redo, self._history.undo, "redo")

    def _walk(self, take: Callable[[], Step | None], give_back: Callable[[], object],
              method: str) -> bool:
        step = take()
        if step is None:
            return False
        try:
            getattr(step.payload, method)(self)
        except BaseException:
            give_back()  # the step did not happen: keep the stacks as they were
            raise
        self._dirty.add("history")
        self._emit()
        return True

    @property
    def can_undo(self) -> bool:
        return self._history.can_undo

    @property
    def can_redo(self) -> bool:
        return self._history.can_redo

    @property
    def undo_label(self) -> str | None:
        return self._history.undo_label

    @property
    def redo_label(self) -> str | None:
        return self._history.redo_label
