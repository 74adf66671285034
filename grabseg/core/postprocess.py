"""Clean-up of a cut: drop floating foreground islands that nothing anchors (OpenCV only)."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt


def keep_anchored(
    mask: npt.NDArray[np.bool_],
    anchors: npt.NDArray[np.bool_] | None = None,
    *,
    min_fraction: float = 1.0,
) -> npt.NDArray[np.bool_]:
    """Keep the 8-connected foreground components that are anchored.

    A component is kept if it touches an anchor pixel (a foreground scribble), is the
    largest one, or has at least ``min_fraction`` times the largest one's area. Rother et
    al. (2004) suggest removing such small disconnected islands.

    Parameters
    ----------
    mask : (H, W) bool
    anchors : (H, W) bool, optional
    min_fraction : float
        1.0 keeps only the largest (plus anchored) components.

    Returns
    -------
    (H, W) bool
        A new array.
    """
    out = np.zeros_like(mask)
    rows, cols = np.flatnonzero(mask.any(1)), np.flatnonzero(mask.any(0))  # bbox; faster than nonzero
    if len(rows) == 0:
        return out
    y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    crop = mask[y0:y1, x0:x1].astype(np.uint8)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(crop, connectivity=8)
    if n <= 2:
        return mask.copy()
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = np.zeros(n, bool)
    keep[1:] = areas >= min_fraction * areas.max()
    keep[1 + int(np.argmax(areas))] = True
    if anchors is not None:
        keep[np.unique(lab[anchors[y0:y1, x0:x1]])] = True
        keep[0] = False
    out[y0:y1, x0:x1] = keep[lab]
    return out
