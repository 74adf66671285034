"""One image's annotation state: instances, the draft being cut, undo/redo. SPEC STUB.

Flow: a tool gesture -> ``set_box`` / ``add_stroke`` returns a ``SegmentRequest``
snapshot -> the caller submits it to a runner -> ``apply(result)`` on the GUI
thread applies it only if it is the newest -> ``accept()`` commits the draft as an
instance (autosaved at once).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import numpy.typing as npt

from grabseg.jobs.requests import SegmentRequest, SegmentResult

#: Events passed to subscribers.
EVENTS = ("instances", "draft", "selection", "history", "busy", "error")


@dataclass(frozen=True)
class Stroke:
    """A brush stroke in image pixels: label 1 = foreground, 2 = background, 0 = eraser."""

    label: int
    radius: float
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Draft:
    """The instance being cut: prompts and the newest mask (None before the first result).

    ``editing_id`` is the id of the accepted instance being refined, or None for a new one.
    """

    class_id: int
    box: tuple[int, int, int, int] | None = None
    strokes: tuple[Stroke, ...] = ()
    mask: npt.NDArray[np.bool_] | None = None
    editing_id: int | None = None


class AnnotationSession:
    """Annotation state of one project image (Qt-free; callbacks notify views).

    Parameters: ``project`` (a ``grabseg.project.Project``), ``image_id``; keyword
    ``engine`` and ``iterations`` go into every request; ``history_bytes`` bounds undo.
    Undo/redo cover: box, each stroke, accept, delete, class change, z-order change —
    at stroke granularity, restoring exact masks (mask deltas).
    """

    def __init__(self, project, image_id: int, *, engine: str = "native", iterations: int = 5,
                 history_bytes: int = 64 * 2**20) -> None:
        raise NotImplementedError

    # observers -----------------------------------------------------------------
    def subscribe(self, callback: Callable[[str], None]) -> None: ...
    # state -----------------------------------------------------------------------
    @property
    def instances(self) -> list: ...          # grabseg.types.Instance, sorted by z, with ids
    @property
    def draft(self) -> Draft: ...
    @property
    def busy(self) -> bool: ...              # a request is outstanding
    def scribble_map(self) -> npt.NDArray[np.uint8]: ...
    # editing -----------------------------------------------------------------------
    def set_class(self, class_id: int) -> None: ...
    def set_box(self, box: tuple[int, int, int, int]) -> SegmentRequest: ...
    def add_stroke(self, stroke: Stroke) -> SegmentRequest | None: ...   # None while no box and no mask
    def apply(self, result: SegmentResult) -> bool: ...                  # False if stale or error
    def accept(self) -> int | None: ...                                   # instance id
    def new_instance(self) -> None: ...                                   # drop the draft (undoable)
    def edit_instance(self, instance_id: int) -> None: ...               # refine: load its prompts+mask
    def delete_instance(self, instance_id: int) -> None: ...
    def set_instance_class(self, instance_id: int, class_id: int) -> None: ...
    def move_instance(self, instance_id: int, delta: int) -> None: ...   # z-order up (+1) / down (-1)
    def set_instance_visible(self, instance_id: int, visible: bool) -> None: ...  # view state, not undoable
    def undo(self) -> bool: ...
    def redo(self) -> bool: ...
    @property
    def can_undo(self) -> bool: ...
    @property
    def can_redo(self) -> bool: ...
