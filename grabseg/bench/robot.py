"""A robot user that corrects a GrabCut result with disc-shaped scribbles.

The protocol adapts the click robot of RITM / f-BRS to scribbles:

1. Errors are false negatives (ground-truth foreground, predicted background)
   and false positives (ground-truth background, predicted foreground). The
   ignored band (128) is never an error, and pixels already scribbled are not
   candidates (painting them again could not change anything).
2. The two error kinds are labelled separately into 8-connected regions; the
   stroke goes to the single largest region by pixel count (ties: false
   negatives first, then the region met first in raster order).
3. The stroke centre is the region's deepest point: the maximum of the
   Euclidean distance transform of that region, with everything outside the
   region (other classes, the band, and the image border) as boundary. Ties go
   to the first pixel in raster order.
4. The stroke is a disc of radius ``R`` around the centre, **clipped to the
   pixels whose ground truth is the stroke's class** (band excluded). So a
   stroke never marks a wrong label, like a careful user, but may cover
   already-correct pixels of its own class. Label 1 (foreground) for a false
   negative region, 2 (background) for a false positive one.

RITM itself clicks the deepest point over all errors of the larger-depth kind;
choosing the largest region first follows the task's protocol and differs only
when a large but thin region competes with a small thick one.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from grabseg.bench.datasets import MASK_BG, MASK_FG
from grabseg.types import SCRIBBLE_BG, SCRIBBLE_FG, SCRIBBLE_NONE


@dataclass(frozen=True)
class Stroke:
    """One robot stroke: a disc centred at ``(x, y)`` with scribble ``label`` (1 fg, 2 bg).

    ``region_px`` is the size of the error region it targets and ``depth`` the
    distance from the centre to the region's boundary (pixels).
    """

    x: int
    y: int
    label: int
    region_px: int
    depth: float


def largest_error_region(
    pred: npt.NDArray[np.bool_],
    truth: npt.NDArray[np.uint8],
    *,
    scribbles: npt.NDArray[np.uint8] | None = None,
) -> tuple[npt.NDArray[np.bool_], int] | None:
    """The largest 8-connected error region and its scribble label.

    Parameters
    ----------
    pred : (H, W) bool ndarray
        The current segmentation.
    truth : (H, W) uint8 ndarray
        0 background, 255 foreground, 128 ignored.
    scribbles : (H, W) uint8 ndarray, optional
        The current scribble map; scribbled pixels are not candidates.

    Returns
    -------
    (region, label) or None
        ``region`` is a (H, W) bool mask, ``label`` is 1 for missed foreground and
        2 for false foreground. None when there is no error left.
    """
    free = np.ones(truth.shape, bool) if scribbles is None else scribbles == SCRIBBLE_NONE
    best: tuple[int, npt.NDArray[np.bool_], int] | None = None
    for label, wrong in (
        (SCRIBBLE_FG, (truth == MASK_FG) & ~pred),
        (SCRIBBLE_BG, (truth == MASK_BG) & pred),
    ):
        n, labels, stats, _ = cv2.connectedComponentsWithStats(
            (wrong & free).astype(np.uint8), connectivity=8
        )
        if n <= 1:
            continue
        areas = stats[1:, cv2.CC_STAT_AREA]
        k = int(np.argmax(areas))
        if best is None or int(areas[k]) > best[0]:
            best = (int(areas[k]), labels == k + 1, label)
    if best is None:
        return None
    return best[1], best[2]


def deepest_point(region: npt.NDArray[np.bool_]) -> tuple[int, int, float]:
    """``(x, y, depth)`` of the region pixel farthest from the region's boundary.

    The image border counts as boundary. Ties go to the first pixel in raster order.
    """
    if not region.any():
        raise ValueError("region is empty; there is no deepest point")
    padded = np.pad(region.astype(np.uint8), 1)
    dist = cv2.distanceTransform(padded, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)[1:-1, 1:-1]
    flat = int(np.argmax(dist))
    y, x = divmod(flat, region.shape[1])
    return x, y, float(dist[y, x])


def disc(shape: tuple[int, int], x: int, y: int, radius: float) -> npt.NDArray[np.bool_]:
    """A (H, W) bool mask of the pixels within ``radius`` of ``(x, y)`` (inclusive)."""
    yy, xx = np.ogrid[: shape[0], : shape[1]]
    return (xx - x) ** 2 + (yy - y) ** 2 <= radius * radius


def next_stroke(
    pred: npt.NDArray[np.bool_],
    truth: npt.NDArray[np.uint8],
    scribbles: npt.NDArray[np.uint8],
    *,
    radius: float = 5.0,
) -> tuple[Stroke, npt.NDArray[np.uint8]] | None:
    """Place the robot's next stroke.

    Parameters
    ----------
    pred : (H, W) bool ndarray
        The current segmentation.
    truth : (H, W) uint8 ndarray
        0 background, 255 foreground, 128 ignored.
    scribbles : (H, W) uint8 ndarray
        The scribble map so far (0 none, 1 fg, 2 bg); not modified.
    radius : float
        Disc radius in pixels (>= 0; 0 paints the centre pixel only).

    Returns
    -------
    (stroke, new_scribbles) or None
        ``new_scribbles`` is a new full map with the disc painted (clipped to the
        stroke's ground-truth class). None when no error is left.
    """
    if radius < 0:
        raise ValueError(f"radius must be >= 0, got {radius}")
    found = largest_error_region(pred, truth, scribbles=scribbles)
    if found is None:
        return None
    region, label = found
    x, y, depth = deepest_point(region)
    own_class = truth == (MASK_FG if label == SCRIBBLE_FG else MASK_BG)
    out = scribbles.copy()
    out[disc(truth.shape, x, y, radius) & own_class] = label
    stroke = Stroke(x=x, y=y, label=int(label), region_px=int(region.sum()), depth=depth)
    return stroke, out
