"""Payloads of the session's undo steps, and how each one undoes and redoes itself.

Every payload has ``undo(s)``, ``redo(s)`` and ``nbytes``, where ``s`` is the
``AnnotationSession`` (its underscore helpers are this package's internal API).
Masks are kept as ``MaskDelta`` XORs, never as copies, so undo restores exact
pixels cheaply. Draft steps (box, stroke, new/edit instance) are pushed when the
prompt changes; the engine's mask arrives later and is folded into the same step
with :func:`replace_step`, so one undo reverts one stroke and its mask together.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from grabseg.project.history import OVERHEAD_BYTES, History, MaskDelta, Step
from grabseg.session.prompts import Draft
from grabseg.types import Instance

POINT_BYTES = 16  # a stroke point: two floats


@dataclass(frozen=True)
class DraftChange:
    """Prompts before/after (masks left out) and the XOR between the displayed masks."""

    before: Draft
    after: Draft
    had_mask: bool
    has_mask: bool
    delta: MaskDelta | None = None
    keep_class: bool = True
    new_points: int = 0

    @property
    def nbytes(self) -> int:
        mask_bytes = self.delta.nbytes if self.delta else 0
        return OVERHEAD_BYTES + POINT_BYTES * self.new_points + mask_bytes

    def with_result(self, delta: MaskDelta) -> DraftChange:
        """This step once the engine's mask has arrived."""
        return replace(self, delta=delta, has_mask=True)

    def undo(self, s: Any) -> None:
        s._restore_draft(self.before, self.had_mask, self.delta, self.keep_class)

    def redo(self, s: Any) -> None:
        s._restore_draft(self.after, self.has_mask, self.delta, self.keep_class)


@dataclass(frozen=True)
class InstanceFields:
    """Everything of a stored instance except its mask."""

    class_id: int
    z: int
    source: str
    score: float | None
    prompts: dict | None

    @classmethod
    def of(cls, inst: Instance) -> InstanceFields:
        return cls(inst.class_id, inst.z, inst.source, inst.score, inst.prompts)

    def instance(self, mask: np.ndarray, instance_id: int) -> Instance:
        return Instance(class_id=self.class_id, mask=mask, z=self.z, source=self.source,
                        score=self.score, id=instance_id, prompts=self.prompts)


@dataclass(frozen=True)
class AcceptNew:
    """A draft accepted as a new instance; undo deletes it and gives the draft back."""

    instance_id: int
    fields: InstanceFields
    before: Draft
    old_status: str | None  # the image status this accept replaced, None if unchanged

    nbytes = OVERHEAD_BYTES * 2

    def undo(self, s: Any) -> None:
        with s.project.transaction():
            inst = s.project.delete_instance(s._real_id(self.instance_id))
            if self.old_status is not None:
                s.project.set_status(s.image_id, self.old_status)
        s._instances_changed()
        s._set_draft(replace(self.before, mask=inst.mask))

    def redo(self, s: Any) -> None:
        inst = self.fields.instance(s.draft.mask, s._real_id(self.instance_id))
        with s.project.transaction():
            s._alias(self.instance_id, s.project.restore_instance(s.image_id, inst))
            if self.old_status is not None:
                s.project.set_status(s.image_id, "in progress")
        s._instances_changed()
        s._set_draft(Draft(class_id=s.draft.class_id))


@dataclass(frozen=True)
class AcceptEdit:
    """A refined instance accepted again: ``delta`` turns its new mask back into the old one."""

    instance_id: int
    old: InstanceFields
    new: InstanceFields
    delta: MaskDelta
    before: Draft

    @property
    def nbytes(self) -> int:
        return OVERHEAD_BYTES * 2 + self.delta.nbytes

    def undo(self, s: Any) -> None:
        iid = s._real_id(self.instance_id)
        current = s._instance(iid)
        old_mask = self.delta.apply(current.mask)
        with s.project.transaction():  # delete + restore puts back every field exactly
            s.project.delete_instance(iid)
            s._alias(self.instance_id, s.project.restore_instance(
                s.image_id, self.old.instance(old_mask, iid)))
        s._instances_changed()
        s._set_draft(replace(self.before, mask=current.mask))

    def redo(self, s: Any) -> None:
        s.project.update_instance(s._real_id(self.instance_id), mask=s.draft.mask,
                                  class_id=self.new.class_id, source=self.new.source,
                                  prompts=self.new.prompts)
        s._instances_changed()
        s._set_draft(Draft(class_id=s.draft.class_id))


@dataclass(frozen=True)
class DeleteInstance:
    """A deleted instance, its mask kept as a delta from an empty mask."""

    instance_id: int
    fields: InstanceFields
    packed: MaskDelta

    @property
    def nbytes(self) -> int:
        return OVERHEAD_BYTES + self.packed.nbytes

    def undo(self, s: Any) -> None:
        mask = self.packed.apply(np.zeros(self.packed.shape, bool))
        inst = self.fields.instance(mask, s._real_id(self.instance_id))
        s._alias(self.instance_id, s.project.restore_instance(s.image_id, inst))
        s._instances_changed()

    def redo(self, s: Any) -> None:
        s.project.delete_instance(s._real_id(self.instance_id))
        s._instances_changed()


@dataclass(frozen=True)
class SetClass:
    """An instance's class changed from ``old`` to ``new``."""

    instance_id: int
    old: int
    new: int

    nbytes = OVERHEAD_BYTES

    def undo(self, s: Any) -> None:
        s._set_instance_class(s._real_id(self.instance_id), self.old)

    def redo(self, s: Any) -> None:
        s._set_instance_class(s._real_id(self.instance_id), self.new)


@dataclass(frozen=True)
class SetZ:
    """Z-order changes: ``(instance_id, old_z, new_z)`` for every instance that moved."""

    changes: tuple[tuple[int, int, int], ...]

    @property
    def nbytes(self) -> int:
        return OVERHEAD_BYTES + 48 * len(self.changes)

    def _write(self, s: Any, new: bool) -> None:
        with s.project.transaction():
            for iid, old_z, new_z in self.changes:
                s.project.update_instance(s._real_id(iid), z=new_z if new else old_z)
        s._instances_changed()

    def undo(self, s: Any) -> None:
        self._write(s, new=False)

    def redo(self, s: Any) -> None:
        self._write(s, new=True)


@dataclass(frozen=True)
class Compound:
    """Several payloads as one step: redone in order, undone in reverse."""

    parts: tuple[Any, ...]

    @property
    def nbytes(self) -> int:
        return sum(p.nbytes for p in self.parts)

    def undo(self, s: Any) -> None:
        for part in reversed(self.parts):
            part.undo(s)

    def redo(self, s: Any) -> None:
        for part in self.parts:
            part.redo(s)


def make_step(label: str, payload: Any) -> Step:
    return Step(label, payload, int(payload.nbytes))


def replace_step(history: History, old: Step, new: Step) -> bool:
    """Swap ``old`` for ``new`` where it sits in ``history``; False if ``old`` is gone.

    Only moves steps between the stacks (nothing is applied), so the undo and redo
    stacks end up exactly as before with ``new`` in place of ``old``; ``push`` re-checks
    the byte budget with the new size.
    """
    redone = 0
    while history.can_redo:
        history.redo()
        redone += 1
    above: list[Step] = []
    while history.can_undo:
        step = history.undo()
        if step is old:
            break
        above.append(step)
    else:  # not held any more (dropped by the budget): put everything back
        for _ in range(len(above)):
            history.redo()
        for _ in range(redone):
            history.undo()
        return False
    history.push(new)
    for step in reversed(above):
        history.push(step)
    for _ in range(redone):
        history.undo()
    return True
