"""Accuracy metrics against a ground-truth mask with an ignored band.

The ground truth is a uint8 ``(H, W)`` map: 0 background, 255 foreground and
128 the "mixed" band of the GrabCut database, which is never scored. All
functions here skip band pixels in both the numerator and the denominator.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from grabseg.bench.datasets import MASK_FG, MASK_IGNORE
from grabseg.types import Box


def _check(pred: npt.ArrayLike, truth: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(pred)
    t = np.asarray(truth)
    if p.dtype != np.bool_:
        raise TypeError(f"pred must be a boolean mask, got dtype {p.dtype}")
    if t.ndim != 2 or p.shape != t.shape:
        raise ValueError(f"pred and truth must be (H, W) of one shape, got {p.shape} and {t.shape}")
    return p, t


def iou(pred: npt.ArrayLike, truth: npt.ArrayLike) -> float:
    """Intersection over union of ``pred`` and the foreground of ``truth``, band excluded.

    Parameters
    ----------
    pred : (H, W) bool ndarray
        The segmentation.
    truth : (H, W) uint8 ndarray
        0 background, 255 foreground, 128 ignored.

    Returns
    -------
    float
        ``|pred & fg| / |pred | fg|`` over pixels outside the band; 1.0 when both
        are empty there.
    """
    p, t = _check(pred, truth)
    valid = t != MASK_IGNORE
    fg = t == MASK_FG
    union = np.count_nonzero((p | fg) & valid)
    if union == 0:
        return 1.0
    return float(np.count_nonzero(p & fg & valid) / union)


def error_percent(pred: npt.ArrayLike, truth: npt.ArrayLike, *, box: Box | None = None) -> float:
    """Misclassified pixels as a percentage of the scored pixels.

    Parameters
    ----------
    pred : (H, W) bool ndarray
    truth : (H, W) uint8 ndarray
        0 background, 255 foreground, 128 ignored.
    box : Box, optional
        Score only pixels inside the box (the GrabCut papers' "unknown region").
        Without it, every pixel outside the band is scored.

    Returns
    -------
    float
        ``100 * misclassified / scored``; 0.0 when no pixel is scored.
    """
    p, t = _check(pred, truth)
    scored = t != MASK_IGNORE
    if box is not None:
        inside = np.zeros_like(scored)
        inside[box.y0 : box.y1, box.x0 : box.x1] = True
        scored &= inside
    n = np.count_nonzero(scored)
    if n == 0:
        return 0.0
    wrong = np.count_nonzero((p != (t == MASK_FG)) & scored)
    return float(100.0 * wrong / n)


def carry_forward(ious: Sequence[float], max_strokes: int) -> list[float]:
    """Pad an IoU curve to ``max_strokes + 1`` entries by repeating its last value.

    ``ious[k]`` is the IoU after ``k`` strokes (``ious[0]`` is the box result).
    The robot stops early once it reaches the stop IoU (or runs out of errors);
    the strokes it did not make are scored with the last IoU it reached.
    """
    if not ious:
        raise ValueError("ious must hold at least the box-only IoU, got an empty sequence")
    if len(ious) > max_strokes + 1:
        raise ValueError(f"got {len(ious)} IoUs for at most {max_strokes} strokes")
    out = [float(v) for v in ious]
    return out + [out[-1]] * (max_strokes + 1 - len(out))


def noc(ious: Sequence[float], threshold: float, max_strokes: int) -> int:
    """Number of strokes needed to reach ``IoU >= threshold``.

    Parameters
    ----------
    ious : sequence of float
        ``ious[k]`` is the IoU after ``k`` strokes; ``ious[0]`` is the box-only result.
    threshold : float
        For example 0.85 for NoC@85.
    max_strokes : int
        The stroke budget.

    Returns
    -------
    int
        The smallest ``k <= max_strokes`` with ``ious[k] >= threshold``: 0 when the
        box alone reaches it, and ``max_strokes`` when it is never reached (the
        RITM convention; such images also count as failures, see ``reached``).
    """
    for k, value in enumerate(ious[: max_strokes + 1]):
        if value >= threshold:
            return k
    return max_strokes


def reached(ious: Sequence[float], threshold: float, max_strokes: int) -> bool:
    """True if some ``ious[k]`` with ``k <= max_strokes`` is at least ``threshold``."""
    return any(v >= threshold for v in ious[: max_strokes + 1])


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (numpy's linear interpolation); None for no values."""
    if len(values) == 0:
        return None
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def mean(values: Sequence[float]) -> float | None:
    """Arithmetic mean; None for no values."""
    if len(values) == 0:
        return None
    return float(np.mean(np.asarray(values, dtype=np.float64)))
