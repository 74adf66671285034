"""Undo/redo, generic and Qt-free, bounded by memory; masks are kept as XOR deltas.

``History`` holds ``Step`` objects whose ``payload`` belongs to the caller (the
session decides what a step means and how to apply it); ``Step.nbytes`` is what
the step holds in memory and is what ``max_bytes`` bounds. ``MaskDelta`` is the
cheap payload for mask edits: the bbox of the changed pixels and the packed,
compressed XOR inside it, so a brush stroke on a 24 MP image costs bytes, not
megabytes, and the same ``apply`` both undoes and redoes it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from grabseg.project.codec import BBox, check_mask, mask_bbox, pack_bits, unpack_bits

#: Bytes counted per object besides its data (dataclass, bytes object, bbox tuple).
OVERHEAD_BYTES = 200


@dataclass(frozen=True)
class MaskDelta:
    """The difference between two masks of one shape: XOR bits inside the changed bbox."""

    shape: tuple[int, int]
    bbox: BBox | None
    bits: bytes = b""

    @classmethod
    def between(cls, before: npt.NDArray[np.bool_], after: npt.NDArray[np.bool_]) -> MaskDelta:
        """The delta that turns ``before`` into ``after`` (and back). Inputs are not modified.

        Both must be 2-D bool arrays of the same ``(H, W)`` shape.
        """
        check_mask(before, name="before")
        check_mask(after, before.shape, name="after")
        changed = np.logical_xor(before, after)
        bbox = mask_bbox(changed)
        if bbox is None:
            return cls(shape=before.shape, bbox=None)
        x0, y0, x1, y1 = bbox
        return cls(shape=before.shape, bbox=bbox, bits=pack_bits(changed[y0:y1, x0:x1]))

    def apply(self, mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        """A new mask with the changed pixels flipped: ``before`` <-> ``after``."""
        check_mask(mask, self.shape, name="mask")
        out = mask.copy()
        if self.bbox is not None:
            x0, y0, x1, y1 = self.bbox
            out[y0:y1, x0:x1] ^= unpack_bits(self.bits, (y1 - y0, x1 - x0))
        return out

    @property
    def is_empty(self) -> bool:
        """True if the two masks were equal."""
        return self.bbox is None

    @property
    def nbytes(self) -> int:
        """Memory held: the packed bits plus a fixed per-object overhead."""
        return len(self.bits) + OVERHEAD_BYTES


@dataclass(frozen=True)
class Step:
    """One undoable action: a ``label`` for menus ("Undo Scribble"), the caller's ``payload``,
    and ``nbytes``, the memory the payload holds."""

    label: str
    payload: Any
    nbytes: int

    def __post_init__(self) -> None:
        if isinstance(self.nbytes, bool) or not isinstance(self.nbytes, int) or self.nbytes < 0:
            raise ValueError(f"Step.nbytes must be an int >= 0, got {self.nbytes!r}")


class History:
    """Undo and redo stacks bounded by total bytes and (optionally) by step count.

    ``push`` clears redo and then drops the OLDEST steps until both bounds hold;
    a step larger than ``max_bytes`` on its own is not kept at all, so ``nbytes``
    never exceeds ``max_bytes``. ``len(history)`` is the number of steps held
    (undo + redo).
    """

    def __init__(self, max_bytes: int = 64 * 2**20, max_steps: int | None = None) -> None:
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 0:
            raise ValueError(f"max_bytes must be an int >= 0, got {max_bytes!r}")
        if max_steps is not None and (
            isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 1
        ):
            raise ValueError(f"max_steps must be None or an int >= 1, got {max_steps!r}")
        self.max_bytes = max_bytes
        self.max_steps = max_steps
        self._undo: deque[Step] = deque()
        self._redo: list[Step] = []
        self._nbytes = 0

    def push(self, step: Step) -> None:
        """Record a done step: clears redo, then drops the oldest steps past the bounds."""
        if not isinstance(step, Step):
            raise TypeError(f"History.push takes a Step, got {type(step).__name__}")
        self._nbytes -= sum(s.nbytes for s in self._redo)
        self._redo.clear()
        self._undo.append(step)
        self._nbytes += step.nbytes
        while self._undo and (
            self._nbytes > self.max_bytes
            or (self.max_steps is not None and len(self._undo) > self.max_steps)
        ):
            self._nbytes -= self._undo.popleft().nbytes

    def undo(self) -> Step | None:
        """The most recent done step (now undoable by the caller), or None if there is none."""
        if not self._undo:
            return None
        step = self._undo.pop()
        self._redo.append(step)
        return step

    def redo(self) -> Step | None:
        """The most recently undone step (to apply again), or None if there is none."""
        if not self._redo:
            return None
        step = self._redo.pop()
        self._undo.append(step)
        return step

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_label(self) -> str | None:
        """Label of the step ``undo`` would return (for an "Undo ..." menu entry)."""
        return self._undo[-1].label if self._undo else None

    @property
    def redo_label(self) -> str | None:
        """Label of the step ``redo`` would return."""
        return self._redo[-1].label if self._redo else None

    def clear(self) -> None:
        """Forget every step."""
        self._undo.clear()
        self._redo.clear()
        self._nbytes = 0

    @property
    def nbytes(self) -> int:
        """Sum of ``Step.nbytes`` over the steps held (undo + redo)."""
        return self._nbytes

    def __len__(self) -> int:
        return len(self._undo) + len(self._redo)

    def __repr__(self) -> str:
        return (f"<History undo={len(self._undo)} redo={len(self._redo)} "
                f"nbytes={self._nbytes}/{self.max_bytes}>")
