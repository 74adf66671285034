"""``segment``: one GrabCut from a box and/or scribbles, with either engine."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt

from grabseg.core import _validation as v
from grabseg.core import collapse, large
from grabseg.core.coarse import coarse_start
from grabseg.core.gmm import from_opencv
from grabseg.core.opencv_engine import OpenCVGrabCut
from grabseg.core.params import GrabCutParams
from grabseg.core.postprocess import keep_anchored
from grabseg.core.solver import BG, FG, UNKNOWN, GrabCutSolver

Box = tuple[int, int, int, int]


def make_trimap(
    shape: tuple[int, int], box: Box | None, scribbles: npt.NDArray[np.uint8] | None
) -> tuple[npt.NDArray[np.uint8], tuple[int, int, int, int]]:
    """Trimap (H, W) uint8 (0 unknown, 1 fg, 2 bg) and the node window (y0, y1, x0, x1).

    Outside the box is background; the window is the box grown to hold every foreground
    scribble (the whole image without a box).
    """
    h, w = shape
    if box is None:
        tri = np.full(shape, UNKNOWN, np.uint8)
        window = (0, h, 0, w)
    else:
        x0, y0, x1, y1 = box
        tri = np.full(shape, BG, np.uint8)
        tri[y0:y1, x0:x1] = UNKNOWN
        window = (y0, y1, x0, x1)
    if scribbles is not None:
        tri[scribbles == 1] = FG
        tri[scribbles == 2] = BG
        ys, xs = np.nonzero(scribbles == 1)
        if len(ys) and box is not None:
            window = (min(window[0], int(ys.min())), max(window[1], int(ys.max()) + 1),
                      min(window[2], int(xs.min())), max(window[3], int(xs.max()) + 1))
    return tri, window


def run_native(
    solver: GrabCutSolver, box: Box | None, scribbles: npt.NDArray[np.uint8] | None,
    prior: npt.NDArray[np.floating] | None, iterations: int,
) -> npt.NDArray[np.bool_]:
    """Build the graph for the prompts, initialise, iterate; returns the mask (H, W) bool."""
    trimap, window = make_trimap(solver.image.shape[:2], box, scribbles)
    solver.build(trimap, window, prior=prior, has_box=box is not None)
    solver.init_labels()
    if not solver.labels.any():
        return solver.mask()
    p = solver.params
    if p.coarse_nodes and solver.graph.n_nodes > 2 * p.coarse_nodes:
        coarse_start(solver, box, scribbles, prior, run_native)
    else:
        solver.init_models()
    solver.iterate(iterations)
    return finish(solver, scribbles)


def finish(solver: GrabCutSolver, scribbles: npt.NDArray[np.uint8] | None) -> npt.NDArray[np.bool_]:
    """The solver's labels as a full-size mask, post-processed if the params say so."""
    mask = solver.mask()
    if solver.params.postprocess:
        anchors = None if scribbles is None else scribbles == 1
        mask = keep_anchored(mask, anchors, min_fraction=solver.params.min_island)
    return mask


def segment(
    image: Any,
    box: Any = None,
    *,
    scribbles: Any = None,
    prior: Any = None,
    iterations: int = 5,
    engine: str = "native",
    rng: Any = None,
    params: GrabCutParams | None = None,
    exact: bool | None = None,
) -> npt.NDArray[np.bool_]:
    """Cut one object out of an image with GrabCut (Rother, Kolmogorov & Blake 2004).

    Parameters
    ----------
    image : (H, W, 3) uint8 array
        RGB. Grey, RGBA, 16-bit and float images are converted by
        ``grabseg.pixels.to_rgb8`` (see there). Never modified.
    box : (x0, y0, x1, y1) or grabseg.types.Box, optional
        Pixels; ``x1``, ``y1`` exclusive. Pixels outside the box are background.
    scribbles : (H, W) uint8, optional
        0 = none, 1 = foreground, 2 = background (hard constraints). Without a box the
        whole image is unknown except the scribbles, which must mark some foreground.
    prior : (H, W) float in [0, 1], optional
        Foreground probability; adds ``-w log p`` / ``-w log(1 - p)`` to the data term
        (``w = params.prior_weight``, default 1; p clipped to [1e-4, 1 - 1e-4]). The
        opencv engine only uses it to start pixels with ``p < 0.5`` as probable background.
    iterations : int
        Maximum GMM-refit / cut rounds (native stops earlier once the energy settles).
    engine : {"native", "opencv"}
        "opencv" runs ``cv2.grabCut`` (box -> its rectangle, scribbles -> GC_FGD/GC_BGD).
    rng : numpy.random.Generator, int or None
        Seeds k-means and subsampling; None is a fixed seed (deterministic).
    params : GrabCutParams, optional
        Native engine settings (defaults: docs/engine.md).
    exact : bool, optional
        Overrides ``params.exact``. Native node windows above ``params.large_threshold``
        pixels take the coarse-to-fine path of ``grabseg.core.large`` unless exact
        (docs/large-images.md); True always cuts the full-resolution graph.

    Returns
    -------
    (H, W) bool ndarray
        Foreground mask.

    Raises
    ------
    TypeError, ValueError
        For malformed inputs; the message quotes what was received.

    Warns
    -----
    UserWarning
        When no pixel is left to learn the background from (a box covering the whole
        image); the box's border ring is then used as the background sample.

    References
    ----------
    C. Rother, V. Kolmogorov, A. Blake. "GrabCut": interactive foreground extraction
    using iterated graph cuts. SIGGRAPH 2004.
    Y. Boykov, V. Kolmogorov. An experimental comparison of min-cut/max-flow algorithms
    for energy minimization in vision. PAMI 2004.
    """
    img = v.check_image(image)
    shape = img.shape[:2]
    box_t = v.check_box(box, shape)
    scr = v.check_scribbles(scribbles, shape)
    pri = v.check_prior(prior, shape)
    v.check_prompts(box_t, scr)
    iterations = v.check_iterations(iterations)
    engine = v.check_engine(engine)
    gen = v.check_rng(rng)
    if engine == "opencv":
        return OpenCVGrabCut(img, gen).start(box_t, scr, pri, iterations)
    p = params if params is not None else GrabCutParams()
    if exact is not None:
        p = replace(p, exact=bool(exact))
    def run(prior: npt.NDArray[np.floating] | None) -> npt.NDArray[np.bool_]:
        if large.dispatch(p, shape, box_t, scr):
            return large.LargeGrabCut(img, p, gen).start(box_t, scr, prior, iterations)
        return run_native(GrabCutSolver(img, p, gen), box_t, scr, prior, iterations)

    return collapse.guard(run(pri), box_t, p.collapse_fill, scr, pri, run)[0]


def cut_with_models(
    image: Any, box: Any, fg_model: npt.ArrayLike, bg_model: npt.ArrayLike, *,
    scribbles: Any = None, bgr: bool = True,
) -> npt.NDArray[np.bool_]:
    """One native min-cut with given OpenCV colour models, without learning.

    The counterpart of ``cv2.grabCut(..., cv2.GC_EVAL_FREEZE_MODEL)`` on the trimap of
    ``box`` and ``scribbles``: the same energy (constants as OpenCV, beta over the whole
    image), minimised by the native graph restricted to the box.

    Parameters
    ----------
    image : (H, W, 3) uint8
        RGB.
    box : (x0, y0, x1, y1)
    fg_model, bg_model : (1, 65) float64
        OpenCV model arrays (5 weights, 15 means, 45 covariance entries).
    scribbles : (H, W) uint8, optional
    bgr : bool
        The models were learned on the BGR image (as ``cv2.grabCut`` does).

    Returns
    -------
    (H, W) bool
    """
    img = v.check_image(image)
    box_t = v.check_box(box, img.shape[:2])
    scr = v.check_scribbles(scribbles, img.shape[:2])
    solver = GrabCutSolver(img, GrabCutParams(postprocess=False, coarse_nodes=0), np.random.default_rng(0))
    trimap, window = make_trimap(img.shape[:2], box_t, scr)
    solver.build(trimap, window)
    solver.init_labels()
    solver.fg_model, solver.bg_model = from_opencv(fg_model, bgr=bgr), from_opencv(bg_model, bgr=bgr)
    solver.update_tlinks()
    solver.cut()
    return solver.mask()
