"""Frozen value types shared by every layer (numpy only).

Words follow ``docs/glossary.md``: a *box* starts a cut, *scribbles* add hard
constraints, an *instance* is one accepted object mask of one class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

#: Scribble map values: 0 = none, 1 = foreground, 2 = background.
SCRIBBLE_NONE, SCRIBBLE_FG, SCRIBBLE_BG = 0, 1, 2

ImageStatus = Literal["new", "pre-labeled", "in progress", "done", "skipped"]
IMAGE_STATUSES: tuple[str, ...] = ("new", "pre-labeled", "in progress", "done", "skipped")

InstanceSource = Literal["manual", "model", "pre-label"]
INSTANCE_SOURCES: tuple[str, ...] = ("manual", "model", "pre-label")


@dataclass(frozen=True)
class Box:
    """An axis-aligned box ``(x0, y0, x1, y1)`` in pixels; ``x1`` and ``y1`` are exclusive."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.x0, self.y0, self.x1, self.y1)


@dataclass(frozen=True)
class ClassDef:
    """One entry of the project's class registry.

    ``id`` is stable for the life of the project and is the value written into
    semantic PNGs and COCO ``category_id``; ``color`` is RGB; ``isthing`` is the
    panoptic thing/stuff flag.
    """

    id: int
    name: str
    color: tuple[int, int, int]
    isthing: bool = True


@dataclass(frozen=True)
class Instance:
    """One object mask of one class in one image.

    ``mask`` is a full-size boolean ``(H, W)`` array and the source of truth.
    ``z`` orders overlaps: where two instances overlap, the higher ``z`` wins,
    in every export format.
    """

    class_id: int
    mask: npt.NDArray[np.bool_]
    z: int = 0
    source: str = "manual"
    score: float | None = None
    id: int | None = None
    prompts: dict | None = None


@dataclass(frozen=True)
class ImageRecord:
    """An image and its instances, as exporters and importers see it.

    ``path`` is relative to the project root (POSIX separators); ``abs_path`` is
    where the file can be read now.
    """

    path: str
    width: int
    height: int
    instances: tuple[Instance, ...] = field(default_factory=tuple)
    abs_path: str | None = None
    status: str = "new"
    id: int | None = None
