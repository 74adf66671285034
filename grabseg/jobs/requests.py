"""Frozen, picklable request/result values exchanged with the segmentation worker."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class SegmentRequest:
    """Everything one segmentation needs, captured at request time (a snapshot).

    ``image_key`` identifies the image (the worker caches the decoded image and a
    warm ``GrabCutSession`` per key); ``image_path`` is read when the key is not
    cached. ``scribbles`` is the full current uint8 ``(H, W)`` map (0/1/2) or None.
    ``box`` is ``(x0, y0, x1, y1)``, x1/y1 exclusive. ``request_id`` increases
    monotonically per session; only the newest result is applied.
    """

    request_id: int
    image_key: str
    image_path: str
    box: tuple[int, int, int, int] | None
    scribbles: npt.NDArray[np.uint8] | None = None
    iterations: int = 5
    engine: str = "native"


@dataclass(frozen=True)
class SegmentResult:
    """The outcome of one request: a boolean ``(H, W)`` mask, or an error message."""

    request_id: int
    image_key: str
    mask: npt.NDArray[np.bool_] | None
    seconds: float
    error: str | None = None


def check_request(request: object) -> SegmentRequest:
    """``request`` itself if it is a ``SegmentRequest``; ``TypeError`` naming what it got."""
    if not isinstance(request, SegmentRequest):
        raise TypeError(f"submit() expects a SegmentRequest, got {type(request).__name__}")
    return request
