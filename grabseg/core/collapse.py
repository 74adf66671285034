"""Collapse guard: a box cut that shrank to almost nothing gets one retry with a centre prior.

A box says "an object fills much of this"; GrabCut can still collapse when the colours
inside the box are well explained by the background model (DAVIS ``dance-twirl``: 189
pixels out of a 77,000-pixel box). When a box-only native cut's extent covers less than
``params.collapse_fill`` of the box's width or height, the cut is run once more with a weak
foreground prior on the ellipse inscribed in the box's middle third (``p = 0.8``, 0.5
elsewhere; the documented prior term of the energy). The retry is kept only if it fills
the box better and is not just the prior's ellipse (a box on a featureless region stays
empty rather than turning into a made-up blob).
"""

from __future__ import annotations

from typing import Callable

import cv2
import numpy as np
import numpy.typing as npt

Box = tuple[int, int, int, int]

#: Foreground probability of the centre prior inside its ellipse.
CENTRE_P = 0.8


def box_fill(mask: npt.NDArray[np.bool_], box: Box) -> float:
    """``min`` over both axes of (extent of ``mask`` inside ``box``) / (box side); 0 if empty."""
    x0, y0, x1, y1 = box
    crop = np.ascontiguousarray(mask[y0:y1, x0:x1], np.uint8)
    _, _, w, h = cv2.boundingRect(crop)
    return min(w / (x1 - x0), h / (y1 - y0))


def centre_prior(shape: tuple[int, int], box: Box) -> npt.NDArray[np.float32]:
    """(H, W) float32: ``CENTRE_P`` on the ellipse with radii a third of the box sides, 0.5 elsewhere."""
    x0, y0, x1, y1 = box
    ellipse = np.zeros(shape, np.uint8)
    centre = ((x0 + x1) // 2, (y0 + y1) // 2)
    axes = (max(1, (x1 - x0) // 3), max(1, (y1 - y0) // 3))
    cv2.ellipse(ellipse, centre, axes, 0, 0, 360, 1, -1)
    prior = np.full(shape, 0.5, np.float32)
    prior[ellipse > 0] = CENTRE_P
    return prior


def better_retry(first: npt.NDArray[np.bool_], retry: npt.NDArray[np.bool_],
                 prior: npt.NDArray[np.float32], box: Box) -> bool:
    """True if ``retry`` fills ``box`` better than ``first`` and is not the prior's ellipse."""
    ellipse = prior > 0.5
    overlap = (retry & ellipse).sum() / max(int((retry | ellipse).sum()), 1)
    return box_fill(retry, box) > box_fill(first, box) and overlap < 0.9


def applies(fill_limit: float, box: Box | None, scribbles: npt.NDArray[np.uint8] | None,
            prior: npt.NDArray[np.floating] | None, mask: npt.NDArray[np.bool_]) -> bool:
    """Whether a result is a collapsed box-only cut that the guard should retry."""
    if fill_limit <= 0 or box is None or prior is not None:
        return False
    if scribbles is not None and scribbles.any():
        return False
    return box_fill(mask, box) < fill_limit


def guard(mask: npt.NDArray[np.bool_], box: Box | None, fill_limit: float,
          scribbles: npt.NDArray[np.uint8] | None, prior: npt.NDArray[np.floating] | None,
          run: Callable[[npt.NDArray[np.float32]], npt.NDArray[np.bool_]],
          ) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float32] | None]:
    """``(mask, None)``, or ``(retry, centre prior)`` when ``mask`` collapsed and
    ``run(prior) -> mask`` with the centre prior does better."""
    if box is None or not applies(fill_limit, box, scribbles, prior, mask):
        return mask, None
    centre = centre_prior(mask.shape, box)
    retry = run(centre)
    return (retry, centre) if better_retry(mask, retry, centre, box) else (mask, None)
