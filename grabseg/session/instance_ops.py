"""The instance side of ``AnnotationSession``: accept, delete, class, z-order, selection.

Every change is committed to the project at once (autosave) and recorded as an
undo step; visibility and selection are view state and are not undoable.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from grabseg.project.history import MaskDelta
from grabseg.session import undo_steps as steps
from grabseg.session.prompts import Draft, prompts_to_dict
from grabseg.types import Instance

#: Image statuses that the first accepted instance turns into 'in progress'.
STARTABLE_STATUSES = ("new", "pre-labeled")


class InstanceOpsMixin:
    """Needs from the session: ``project``, ``image_id``, ``shape``, ``_draft``, ``_history``,
    ``_dirty``, ``_emit``, ``_store``, ``_set_draft``, ``_change_draft``."""

    def _init_instances(self) -> None:
        self._ids: dict[int, int] = {}  # id recorded in a step -> id it has now
        self._hidden: set[int] = set()
        self._selected: int | None = None
        self._load_instances()

    def _load_instances(self) -> None:
        self._instances: list[Instance] = self.project.instances(self.image_id)
        for inst in self._instances:
            inst.mask.setflags(write=False)
        self._by_id = {inst.id: inst for inst in self._instances}

    # state -------------------------------------------------------------------------
    @property
    def instances(self) -> list[Instance]:
        """The image's instances (``grabseg.types.Instance``, with ids), sorted by z."""
        return list(self._instances)

    @property
    def selected(self) -> int | None:
        """The selected instance id (view state), or None."""
        return self._selected

    def select(self, instance_id: int | None) -> None:
        if instance_id is not None:
            instance_id = self._instance(instance_id).id
        self._select(instance_id)
        self._emit()

    def is_visible(self, instance_id: int) -> bool:
        return instance_id not in self._hidden

    def set_instance_visible(self, instance_id: int, visible: bool) -> None:
        """Show or hide an instance (view state, not undoable)."""
        iid = self._instance(instance_id).id
        if visible == (iid in self._hidden):
            (self._hidden.discard if visible else self._hidden.add)(iid)
            self._dirty.add("instances")
            self._emit()

    # editing -----------------------------------------------------------------------
    def accept(self) -> int | None:
        """Commit the draft as an instance (or update the refined one); return its id.

        Returns None (and emits "error") when there is no mask to accept or the draft's
        class is not in the project. A request still in flight is dropped.
        """
        d = self._draft
        if d.mask is None or not d.mask.any():
            return self._fail("nothing to accept: the draft has no mask yet"
                              if d.mask is None else "nothing to accept: the draft mask is empty")
        if d.class_id not in {c.id for c in self.project.classes()}:
            return self._fail(f"cannot accept: class id {d.class_id} is not in the project's "
                              "classes (add a class first)")
        prompts = prompts_to_dict(d.box, d.strokes)
        if d.editing_id in self._by_id:
            payload = self._accept_edit(d, prompts, d.editing_id)
        else:
            payload = self._accept_new(d, prompts)
        self._set_draft(Draft(class_id=d.class_id))
        self._history.push(steps.make_step("Accept", payload))
        self._select(payload.instance_id)
        self._dirty.add("history")
        self._emit()
        return payload.instance_id

    def _accept_new(self, d: Draft, prompts: dict) -> steps.AcceptNew:
        status = self.project.image(self.image_id).status
        old_status = status if status in STARTABLE_STATUSES else None
        with self.project.transaction():
            iid = self.project.add_instance(
                self.image_id, Instance(class_id=d.class_id, mask=d.mask, source="manual",
                                        prompts=prompts), on_top=True)
            if old_status is not None:
                self.project.set_status(self.image_id, "in progress")
        self._instances_changed()
        fields = steps.InstanceFields(d.class_id, self._by_id[iid].z, "manual", None, prompts)
        return steps.AcceptNew(iid, fields, replace(d, mask=None, editing_id=None), old_status)

    def _accept_edit(self, d: Draft, prompts: dict, iid: int) -> steps.AcceptEdit:
        old = self._by_id[iid]
        new = steps.InstanceFields(d.class_id, old.z, "manual", old.score, prompts)
        self.project.update_instance(iid, mask=d.mask, class_id=d.class_id, source="manual",
                                     prompts=prompts)
        self._instances_changed()
        return steps.AcceptEdit(iid, steps.InstanceFields.of(old), new,
                                MaskDelta.between(d.mask, old.mask), replace(d, mask=None))

    def delete_instance(self, instance_id: int) -> None:
        """Delete an instance (undoable). Deleting the one being refined drops the draft too."""
        inst = self._instance(instance_id)
        empty = np.zeros(inst.mask.shape, bool)
        payload = steps.DeleteInstance(inst.id, steps.InstanceFields.of(inst),
                                       MaskDelta.between(empty, inst.mask))
        parts = []
        if self._draft.editing_id == inst.id:
            parts.append(self._change_draft(Draft(class_id=self._draft.class_id)))
        payload.redo(self)
        parts.append(payload)
        step = payload if len(parts) == 1 else steps.Compound(tuple(parts))
        self._history.push(steps.make_step("Delete instance", step))
        self._dirty.add("history")
        self._emit()

    def set_instance_class(self, instance_id: int, class_id: int) -> None:
        """Change an instance's class (undoable); ``ValueError`` if the class is unknown."""
        inst = self._instance(instance_id)
        if int(class_id) == inst.class_id:
            return
        payload = steps.SetClass(inst.id, inst.class_id, int(class_id))
        payload.redo(self)
        self._history.push(steps.make_step("Change class", payload))
        self._dirty.add("history")
        self._emit()

    def move_instance(self, instance_id: int, delta: int) -> None:
        """Move an instance ``delta`` places up (+) or down (-) the z-order (undoable)."""
        inst = self._instance(instance_id)
        order = [i.id for i in self._instances]
        index = order.index(inst.id)
        target = min(max(index + int(delta), 0), len(order) - 1)
        if target == index:
            return
        order.insert(target, order.pop(index))
        zs = [i.z for i in self._instances]
        if len(set(zs)) < len(zs):  # ties: renumber
            zs = list(range(len(zs)))
        changes = tuple((iid, self._by_id[iid].z, z) for iid, z in zip(order, zs)
                        if self._by_id[iid].z != z)
        payload = steps.SetZ(changes)
        payload.redo(self)
        self._history.push(steps.make_step("Move instance", payload))
        self._dirty.add("history")
        self._emit()

    # internals used by undo_steps ----------------------------------------------------
    def _fail(self, message: str) -> None:
        self.last_error = message
        self._dirty.add("error")
        self._emit()
        return None

    def _instance(self, instance_id: int) -> Instance:
        inst = self._by_id.get(self._real_id(int(instance_id)))
        if inst is None:
            raise KeyError(f"no instance with id {instance_id!r} on image {self.image_id}")
        return inst

    def _real_id(self, instance_id: int) -> int:
        return self._ids.get(instance_id, instance_id)

    def _alias(self, recorded: int, actual: int) -> None:
        if recorded != actual:
            self._ids[recorded] = actual

    def _select(self, instance_id: int | None) -> None:
        if instance_id != self._selected:
            self._selected = instance_id
            self._dirty.add("selection")

    def _instances_changed(self) -> None:
        self._load_instances()
        self._hidden &= set(self._by_id)
        if self._selected is not None and self._selected not in self._by_id:
            self._select(None)
        self._dirty.add("instances")

    def _set_instance_class(self, iid: int, class_id: int) -> None:
        self.project.update_instance(iid, class_id=class_id)
        if self._draft.editing_id == iid:
            self._draft = replace(self._draft, class_id=class_id)
            self._store.save(self.image_id, self._draft)
            self._dirty.add("draft")
        self._instances_changed()
