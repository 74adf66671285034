"""``cv2.grabCut`` behind the grabseg interface (engine="opencv").

OpenCV works in BGR, so the RGB image is flipped before every call; its 1x65 model
arrays are therefore in BGR order. cv2's k-means draws from OpenCV's global RNG, which
is seeded from ``rng`` before each call so results are reproducible.
"""

from __future__ import annotations

import warnings

import cv2
import numpy as np
import numpy.typing as npt

#: Iterations of ``GC_EVAL`` run per scribble update of a session.
UPDATE_ITERATIONS = 1


def base_trimap(
    shape: tuple[int, int],
    box: tuple[int, int, int, int] | None,
    prior: npt.NDArray[np.floating] | None = None,
) -> npt.NDArray[np.uint8]:
    """OpenCV trimap before scribbles, (H, W) uint8.

    Outside the box GC_BGD, inside GC_PR_FGD (GC_PR_BGD where ``prior < 0.5``). Without a
    box every pixel starts GC_PR_BGD. A box covering the whole image gets its border
    ring as GC_PR_BGD (with a UserWarning) so there is a background to learn from.
    """
    if box is None:
        m = np.full(shape, cv2.GC_PR_BGD, np.uint8)
    else:
        x0, y0, x1, y1 = box
        m = np.full(shape, cv2.GC_BGD, np.uint8)
        m[y0:y1, x0:x1] = cv2.GC_PR_FGD
    if prior is not None:
        m[(m == cv2.GC_PR_FGD) & (prior < 0.5)] = cv2.GC_PR_BGD
    if not np.isin(m, (cv2.GC_BGD, cv2.GC_PR_BGD)).any():
        warnings.warn("no background pixels to learn from (the box covers the whole image); "
                      "learning the background from the box's border ring", UserWarning, stacklevel=4)
        r = max(1, int(round(0.05 * min(shape))))
        ring = np.ones(shape, bool)
        ring[r:-r, r:-r] = False
        m[ring] = cv2.GC_PR_BGD
    return m


def with_scribbles(
    base: npt.NDArray[np.uint8], scribbles: npt.NDArray[np.uint8] | None
) -> npt.NDArray[np.uint8]:
    """A copy of ``base`` with scribbles as GC_FGD (1) / GC_BGD (2)."""
    m = base.copy()
    if scribbles is not None:
        m[scribbles == 1] = cv2.GC_FGD
        m[scribbles == 2] = cv2.GC_BGD
    return m


def to_mask(gc_mask: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
    """(H, W) bool foreground from an OpenCV trimap (GC_FGD or GC_PR_FGD)."""
    return (gc_mask == cv2.GC_FGD) | (gc_mask == cv2.GC_PR_FGD)


class OpenCVGrabCut:
    """cv2.grabCut state for one image: the trimap and the two 1x65 BGR models.

    Parameters
    ----------
    image : (H, W, 3) uint8
        RGB.
    rng : numpy.random.Generator
    """

    def __init__(self, image: npt.NDArray[np.uint8], rng: np.random.Generator) -> None:
        self.bgr = np.ascontiguousarray(image[:, :, ::-1])
        self.rng = rng
        self.gc_mask: npt.NDArray[np.uint8] | None = None
        self.bgd_model = np.zeros((1, 65), np.float64)
        self.fgd_model = np.zeros((1, 65), np.float64)

    def _run(self, iterations: int, mode: int) -> npt.NDArray[np.bool_]:
        assert self.gc_mask is not None
        fg = np.isin(self.gc_mask, (cv2.GC_FGD, cv2.GC_PR_FGD)).any()
        bg = np.isin(self.gc_mask, (cv2.GC_BGD, cv2.GC_PR_BGD)).any()
        if not (fg and bg):  # cv2 asserts on an empty class; the answer is the trimap itself
            return to_mask(self.gc_mask)
        cv2.setRNGSeed(int(self.rng.integers(2**31 - 1)))
        cv2.grabCut(self.bgr, self.gc_mask, None, self.bgd_model, self.fgd_model, iterations, mode)
        return to_mask(self.gc_mask)

    def start(self, box: tuple[int, int, int, int] | None, scribbles: npt.NDArray[np.uint8] | None,
              prior: npt.NDArray[np.floating] | None, iterations: int) -> npt.NDArray[np.bool_]:
        """Initialise the models from box/scribbles (GC_INIT_WITH_MASK) and iterate."""
        self.base = base_trimap(self.bgr.shape[:2], box, prior)
        self.gc_mask = with_scribbles(self.base, scribbles)
        self.bgd_model[:] = 0
        self.fgd_model[:] = 0
        mask = self._run(iterations, cv2.GC_INIT_WITH_MASK)
        self._start = (self.gc_mask.copy(), self.bgd_model.copy(), self.fgd_model.copy())
        return mask

    def update(self, old: npt.NDArray[np.uint8], new: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
        """Apply changed scribbles to the trimap and run GC_EVAL with the warm models.

        Clearing every scribble restores the state (and mask) right after :meth:`start`.
        """
        assert self.gc_mask is not None
        if not new.any() and old.any():
            gc_mask, bgd, fgd = self._start
            self.gc_mask, self.bgd_model[:], self.fgd_model[:] = gc_mask.copy(), bgd, fgd
            return to_mask(self.gc_mask)
        changed = old != new
        m = self.gc_mask
        m[changed] = with_scribbles(self.base, new)[changed]
        mode = cv2.GC_EVAL if self.fgd_model.any() else cv2.GC_INIT_WITH_MASK
        return self._run(UPDATE_ITERATIONS, mode)
