"""The draft side of ``AnnotationSession``: showing a draft, recording its changes, requests.

Package-internal: ``undo_steps`` payloads call ``_restore_draft`` / ``_set_draft``.
A draft change is recorded as a ``DraftChange`` (prompts before/after and the XOR of
the displayed masks); box and stroke changes keep the displayed mask and make a
request whose result is folded into the same step when it arrives.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np

from grabseg.jobs.requests import SegmentRequest
from grabseg.project.history import MaskDelta, Step
from grabseg.session import undo_steps as steps
from grabseg.session.prompts import Draft, rasterize

# Request ids increase across all sessions of the process, so a result computed for
# another session (another image, or this image opened again) can never look current.
_REQUEST_IDS = itertools.count(1)


class DraftOpsMixin:
    """Needs from the session: ``shape``, ``image_id``, ``image_key``, ``image_path``,
    ``engine``, ``iterations``, ``_draft``, ``_scribbles``, ``_pending``, ``_awaiting``,
    ``_history``, ``_dirty``, ``_store``, ``_real_id``."""

    @staticmethod
    def _frozen(array: np.ndarray) -> np.ndarray:
        array.setflags(write=False)
        return array

    def _draft_step(self, label: str, after: Draft, **kw: object) -> Step:
        """Record a draft change (see ``_change_draft``) as an undo step."""
        step = steps.make_step(label, self._change_draft(after, **kw))
        self._history.push(step)
        self._dirty.add("history")
        return step

    def _change_draft(self, after: Draft, *, keep_mask: bool = False, keep_class: bool = True,
                      new_points: int = 0) -> steps.DraftChange:
        """Show ``after`` and return the change as a payload. With ``keep_mask`` the
        displayed mask stays (the request's result will be folded in later)."""
        before = self._draft
        had_mask = before.mask is not None
        if keep_mask:
            after, has_mask, delta = replace(after, mask=before.mask), had_mask, None
        else:
            has_mask = after.mask is not None
            delta = MaskDelta.between(self._mask_or_zeros(before.mask),
                                      self._mask_or_zeros(after.mask))
        self._set_draft(after)
        return steps.DraftChange(replace(before, mask=None), replace(after, mask=None),
                                 had_mask, has_mask, delta, keep_class, new_points)

    def _mask_or_zeros(self, mask: np.ndarray | None) -> np.ndarray:
        return np.zeros(self.shape, bool) if mask is None else mask

    def _restore_draft(self, prompts: Draft, has_mask: bool, delta: MaskDelta | None,
                       keep_class: bool) -> None:
        mask = self._draft.mask
        if delta is not None:
            mask = delta.apply(self._mask_or_zeros(mask))
        editing = None if prompts.editing_id is None else self._real_id(prompts.editing_id)
        draft = replace(prompts, mask=mask if has_mask else None, editing_id=editing)
        if keep_class:
            draft = replace(draft, class_id=self._draft.class_id)
        self._set_draft(draft)

    def _set_draft(self, draft: Draft) -> None:
        """Show ``draft``; any in-flight request becomes stale. Saves the crash-recovery file."""
        if self._pending is not None:
            self._pending, self._awaiting = None, None
            self._dirty.add("busy")
        old = self._draft
        if draft.mask is not None and draft.mask.flags.writeable:
            draft = replace(draft, mask=self._frozen(draft.mask.copy()))
        if draft.strokes != old.strokes:
            n = len(old.strokes)
            base = self._scribbles if draft.strokes[:n] == old.strokes else None
            start = n if base is not None else 0
            self._scribbles = self._frozen(rasterize(draft.strokes[start:], self.shape, base))
        self._draft = draft
        self._store.save(self.image_id, draft)
        self._dirty.add("draft")

    def _make_request(self, step: Step) -> SegmentRequest:
        request_id = next(_REQUEST_IDS)
        self._pending, self._awaiting = request_id, step
        self._dirty.add("busy")
        scribbles = self._scribbles if self._scribbles.any() else None
        return SegmentRequest(request_id, self.image_key, self.image_path, self._draft.box,
                              scribbles, self.iterations, self.engine)
