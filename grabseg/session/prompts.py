"""Prompt values of a cut (box, strokes, the draft) and the scribble map they rasterise to.

Qt-free: the GUI turns pointer gestures into a ``Stroke`` in image pixels; the
session keeps strokes in order and rasterises them into the uint8 scribble map
(0 none, 1 foreground, 2 background) the engine reads. The eraser (label 0)
clears what earlier strokes marked.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

BoxTuple = tuple[int, int, int, int]


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
    box: BoxTuple | None = None
    strokes: tuple[Stroke, ...] = ()
    mask: npt.NDArray[np.bool_] | None = None
    editing_id: int | None = None

    @property
    def is_empty(self) -> bool:
        """True when there is nothing to lose: no box, no strokes, no mask, no instance."""
        return (self.box is None and not self.strokes and self.mask is None
                and self.editing_id is None)


def check_box(box: Any, shape: tuple[int, int]) -> BoxTuple:
    """A box ``(x0, y0, x1, y1)`` as ints, clipped to an image of ``shape`` (H, W).

    Raises ``ValueError``/``TypeError`` quoting the box if it is not four integers with
    ``x0 < x1`` and ``y0 < y1``, or if nothing of it is inside the image.
    """
    try:
        values = tuple(box)
    except TypeError:
        raise TypeError(f"box must be (x0, y0, x1, y1), got {box!r}") from None
    if len(values) != 4 or not all(isinstance(v, numbers.Integral) and not isinstance(v, bool)
                                   for v in values):
        raise TypeError(f"box must be four integers (x0, y0, x1, y1), got {box!r}")
    x0, y0, x1, y1 = (int(v) for v in values)
    if x1 <= x0 or y1 <= y0:
        raise ValueError(f"box must have x0 < x1 and y0 < y1, got {box!r}")
    h, w = shape
    clipped = (max(x0, 0), max(y0, 0), min(x1, w), min(y1, h))
    if clipped[2] <= clipped[0] or clipped[3] <= clipped[1]:
        raise ValueError(f"box {box!r} lies outside the {w}x{h} image")
    return clipped


def check_stroke(stroke: Any) -> Stroke:
    """Validate a stroke: label 0/1/2, finite radius > 0, at least one finite (x, y) point."""
    if not isinstance(stroke, Stroke):
        raise TypeError(f"stroke must be a grabseg.session.annotation.Stroke, "
                        f"got {type(stroke).__name__}")
    if stroke.label not in (0, 1, 2) or isinstance(stroke.label, bool):
        raise ValueError(f"stroke label must be 0 (eraser), 1 (foreground) or 2 (background), "
                         f"got {stroke.label!r}")
    if not isinstance(stroke.radius, numbers.Real) or not (math.isfinite(stroke.radius)
                                                          and stroke.radius > 0):
        raise ValueError(f"stroke radius must be a finite number > 0, got {stroke.radius!r}")
    points = tuple((float(x), float(y)) for x, y in stroke.points)
    if not points or not all(math.isfinite(v) for p in points for v in p):
        raise ValueError(f"stroke needs at least one finite (x, y) point, got {stroke.points!r}")
    return Stroke(int(stroke.label), float(stroke.radius), points)


def draw_stroke(scribbles: npt.NDArray[np.uint8], stroke: Stroke) -> None:
    """Paint ``stroke`` into ``scribbles`` in place (round caps and joins)."""
    thickness = max(1, int(round(2 * stroke.radius)))
    pts = [(int(round(x)), int(round(y))) for x, y in stroke.points]
    value = int(stroke.label)
    for p, q in zip(pts, pts[1:]):
        cv2.line(scribbles, p, q, value, thickness, lineType=cv2.LINE_8)
    radius = max(0, int(round(stroke.radius - 0.5)))
    for p in pts:  # the round caps and joins, and one-point strokes (dabs)
        cv2.circle(scribbles, p, radius, value, -1, lineType=cv2.LINE_8)


def rasterize(strokes: tuple[Stroke, ...], shape: tuple[int, int],
              base: npt.NDArray[np.uint8] | None = None) -> npt.NDArray[np.uint8]:
    """The scribble map of ``strokes`` drawn in order, at image ``shape`` (H, W).

    With ``base``, the strokes are drawn onto a copy of it instead of an empty map.
    """
    out = np.zeros(shape, np.uint8) if base is None else base.copy()
    for stroke in strokes:
        draw_stroke(out, stroke)
    return out


def prompts_to_dict(box: BoxTuple | None, strokes: tuple[Stroke, ...]) -> dict[str, Any]:
    """The prompts stored with an instance: ``{"box": [...], "strokes": [...]}``."""
    return {
        "box": None if box is None else [int(v) for v in box],
        "strokes": [{"label": s.label, "radius": s.radius, "points": [[x, y] for x, y in s.points]}
                    for s in strokes],
    }


def prompts_from_dict(prompts: dict | None) -> tuple[BoxTuple | None, tuple[Stroke, ...]]:
    """Inverse of :func:`prompts_to_dict`; missing keys mean no box / no strokes."""
    prompts = prompts or {}
    box = prompts.get("box")
    strokes = tuple(
        check_stroke(Stroke(int(s["label"]), float(s["radius"]),
                            tuple((float(x), float(y)) for x, y in s["points"])))
        for s in prompts.get("strokes") or ()
    )
    return (None if box is None else tuple(int(v) for v in box)), strokes


def box_around(mask: npt.NDArray[np.bool_], *, margin: float = 0.1) -> BoxTuple | None:
    """The mask's bbox grown by ``margin`` of its size on each side, clipped; None if empty."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return None
    h, w = mask.shape
    y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    dy, dx = max(1, int(margin * (y1 - y0))), max(1, int(margin * (x1 - x0)))
    return (max(0, int(x0 - dx)), max(0, int(y0 - dy)), min(w, int(x1 + dx)), min(h, int(y1 + dy)))
