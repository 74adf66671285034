"""Qt-free gesture tools fed by image-space pointer events.

The canvas converts each Qt mouse event to a :class:`PointerEvent` in *image*
pixels once, at its edge, and hands it to the active tool. Tools keep only the
gesture in progress (for the rubber band / live stroke) and return an outcome on
release: a :class:`BoxDone`, a :class:`StrokeDone`, a :class:`Click` (press and
release without a drag, used to select an instance) or a :class:`Rejected` with
a message for the status bar. They never compute masks.

Image coordinates: pixel ``(row i, column j)`` covers ``[j, j + 1) x [i, i + 1)``;
a box's edges are pixel boundaries, so a drag from ``(x0, y0)`` to ``(x1, y1)``
gives the box ``(x0, y0, x1, y1)`` with ``x1``/``y1`` exclusive.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Literal, Sequence

import numpy as np

from grabseg.session.annotation import Stroke
from grabseg.types import SCRIBBLE_BG, SCRIBBLE_FG, SCRIBBLE_NONE

PointerKind = Literal["press", "move", "release"]
POINTER_KINDS: tuple[str, ...] = ("press", "move", "release")
BUTTONS: tuple[str, ...] = ("left", "right", "middle", "none")
#: Tool names in the order of the toolbar.
TOOL_NAMES: tuple[str, ...] = ("box", "fg", "bg", "eraser")
_TOOL_LABEL = {"fg": SCRIBBLE_FG, "bg": SCRIBBLE_BG, "eraser": SCRIBBLE_NONE}
_ALT_LABEL = {"fg": SCRIBBLE_BG, "bg": SCRIBBLE_FG, "eraser": None}
MIN_RADIUS, MAX_RADIUS = 1.0, 500.0


@dataclass(frozen=True)
class PointerEvent:
    """A mouse event in image pixels.

    ``kind`` is press/move/release; ``button`` is left/right/middle/none (the button that
    changed, or the one held during a move); ``modifiers`` holds "shift"/"ctrl"/"alt".
    """

    kind: str
    x: float
    y: float
    button: str = "left"
    modifiers: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.kind not in POINTER_KINDS:
            raise ValueError(f"kind must be one of {POINTER_KINDS}, got {self.kind!r}")
        if self.button not in BUTTONS:
            raise ValueError(f"button must be one of {BUTTONS}, got {self.button!r}")


@dataclass(frozen=True)
class BoxDone:
    box: tuple[int, int, int, int]


@dataclass(frozen=True)
class StrokeDone:
    stroke: Stroke


@dataclass(frozen=True)
class Click:
    x: float
    y: float


@dataclass(frozen=True)
class Rejected:
    message: str


Outcome = BoxDone | StrokeDone | Click | Rejected


def _check_size(width: int, height: int) -> None:
    if int(width) < 1 or int(height) < 1:
        raise ValueError(f"image size must be at least 1x1 pixels, got {width}x{height}")


class BoxTool:
    """Press-drag-release with the left button gives a box clipped to the image.

    A drag smaller than ``min_size`` pixels in both directions is a :class:`Click`;
    smaller in one direction only, it is rejected with a message.
    """

    name = "box"

    def __init__(self, width: int, height: int, *, min_size: int = 4) -> None:
        _check_size(width, height)
        if min_size < 1:
            raise ValueError(f"min_size must be >= 1 pixel, got {min_size}")
        self.width, self.height, self.min_size = int(width), int(height), int(min_size)
        self._start: tuple[float, float] | None = None
        self._end: tuple[float, float] | None = None

    @property
    def active(self) -> bool:
        return self._start is not None

    @property
    def preview(self) -> tuple[float, float, float, float] | None:
        """The rubber band ``(x0, y0, x1, y1)`` clipped to the image, or None."""
        if self._start is None or self._end is None:
            return None
        (xa, ya), (xb, yb) = self._start, self._end
        cx = lambda v: min(max(v, 0.0), float(self.width))  # noqa: E731
        cy = lambda v: min(max(v, 0.0), float(self.height))  # noqa: E731
        return cx(min(xa, xb)), cy(min(ya, yb)), cx(max(xa, xb)), cy(max(ya, yb))

    def cancel(self) -> None:
        self._start = self._end = None

    def handle(self, event: PointerEvent) -> Outcome | None:
        if event.kind == "press":
            if event.button == "left":
                self._start = self._end = (event.x, event.y)
            return None
        if self._start is None:
            return None
        self._end = (event.x, event.y)
        if event.kind == "move":
            return None
        return self._finish()

    def _finish(self) -> Outcome:
        (xa, ya), (xb, yb) = self._start, self._end  # type: ignore[misc]
        self.cancel()
        dx, dy = abs(xb - xa), abs(yb - ya)
        if dx < self.min_size and dy < self.min_size:
            return Click(xb, yb)
        x0 = min(max(round(min(xa, xb)), 0), self.width)
        x1 = min(max(round(max(xa, xb)), 0), self.width)
        y0 = min(max(round(min(ya, yb)), 0), self.height)
        y1 = min(max(round(max(ya, yb)), 0), self.height)
        if x1 <= x0 or y1 <= y0:
            return Rejected("the box lies outside the image; drag over the object")
        if x1 - x0 < self.min_size or y1 - y0 < self.min_size:
            return Rejected(
                f"box too small ({x1 - x0}x{y1 - y0} px); drag at least "
                f"{self.min_size} px in both directions"
            )
        return BoxDone((int(x0), int(y0), int(x1), int(y1)))


class BrushTool:
    """Press-drag-release paints a stroke of ``label`` (right button: ``alt_label``).

    Points closer than ``spacing * radius`` to the previous one are dropped; the
    release point is always kept. A stroke that misses the image is rejected.
    """

    def __init__(self, label: int, radius: float, width: int, height: int, *,
                 alt_label: int | None = None, spacing: float = 0.25) -> None:
        _check_size(width, height)
        if label not in (SCRIBBLE_NONE, SCRIBBLE_FG, SCRIBBLE_BG):
            raise ValueError(
                f"label must be 0 (eraser), 1 (foreground) or 2 (background), got {label!r}")
        if not (math.isfinite(radius) and radius > 0):
            raise ValueError(f"radius must be a positive number of pixels, got {radius!r}")
        self.label, self.alt_label, self.radius = label, alt_label, float(radius)
        self.width, self.height, self.spacing = int(width), int(height), float(spacing)
        self._points: list[tuple[float, float]] = []
        self._label: int | None = None

    @property
    def active(self) -> bool:
        return self._label is not None

    @property
    def preview(self) -> tuple[int, float, tuple[tuple[float, float], ...]] | None:
        """``(label, radius, points)`` of the stroke being painted, or None."""
        if self._label is None:
            return None
        return self._label, self.radius, tuple(self._points)

    def cancel(self) -> None:
        self._points, self._label = [], None

    def handle(self, event: PointerEvent) -> Outcome | None:
        if event.kind == "press":
            label = {"left": self.label, "right": self.alt_label}.get(event.button)
            if label is not None:
                self._label, self._points = label, [(event.x, event.y)]
            return None
        if self._label is None:
            return None
        last = self._points[-1]
        far = math.hypot(event.x - last[0], event.y - last[1]) >= self.spacing * self.radius
        if event.kind == "move":
            if far:
                self._points.append((event.x, event.y))
            return None
        if (event.x, event.y) != last:
            self._points.append((event.x, event.y))
        return self._finish()

    def _finish(self) -> Outcome:
        label, points = self._label, tuple(self._points)
        self.cancel()
        r = self.radius
        if not any(-r <= x <= self.width + r and -r <= y <= self.height + r for x, y in points):
            return Rejected("the stroke lies outside the image")
        return StrokeDone(Stroke(int(label), r, points))  # type: ignore[arg-type]


def step_radius(radius: float, steps: int) -> float:
    """Grow (steps > 0) or shrink the brush radius by 25 % a step, within [1, 500] px."""
    return float(min(max(radius * 1.25**steps, MIN_RADIUS), MAX_RADIUS))


@dataclass
class ToolSettings:
    """The active tool name and brush radius (image pixels); views subscribe to changes."""

    active: str = "box"
    radius: float = 8.0
    _subscribers: list[Callable[[], None]] = field(default_factory=list, repr=False)

    def subscribe(self, callback: Callable[[], None]) -> None:
        self._subscribers.append(callback)

    def _notify(self) -> None:
        for callback in list(self._subscribers):
            callback()

    def set_active(self, name: str) -> None:
        if name not in TOOL_NAMES:
            raise ValueError(f"tool must be one of {TOOL_NAMES}, got {name!r}")
        if name != self.active:
            self.active = name
            self._notify()

    def set_radius(self, radius: float) -> None:
        radius = float(min(max(radius, MIN_RADIUS), MAX_RADIUS))
        if radius != self.radius:
            self.radius = radius
            self._notify()

    def step_radius(self, steps: int) -> None:
        self.set_radius(step_radius(self.radius, steps))

    def make_tool(self, width: int, height: int) -> BoxTool | BrushTool:
        """A fresh tool of the active kind for an image of ``width`` x ``height``."""
        if self.active == "box":
            return BoxTool(width, height)
        return BrushTool(_TOOL_LABEL[self.active], self.radius, width, height,
                         alt_label=_ALT_LABEL[self.active])


def topmost_at(instances: Sequence, x: float, y: float, *,
               hidden: frozenset[int] | set[int] = frozenset()) -> int | None:
    """Id of the highest-z visible instance whose mask covers image point ``(x, y)``."""
    j, i = int(math.floor(x)), int(math.floor(y))
    for inst in sorted(instances, key=lambda it: it.z, reverse=True):
        mask: np.ndarray = inst.mask
        if inst.id in hidden or not (0 <= i < mask.shape[0] and 0 <= j < mask.shape[1]):
            continue
        if mask[i, j]:
            return inst.id
    return None
