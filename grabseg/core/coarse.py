"""Coarse start: run GrabCut on a downscaled copy to pick the initial labels and models.

The first full-resolution cut of GrabCut is by far the most expensive one (the models
learned from "everything in the box is foreground" make a hard max-flow problem: 2.7 s of
a 3.8 s cv2.grabCut on a 640x480 image). Starting the full-resolution rounds from the
labels and colour models of a GrabCut on a copy with about ``params.coarse_nodes``
nodes makes that cut cheap; the rounds that follow minimise the exact full-resolution
energy. This is also the first half of a coarse-to-fine path for large images.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

import cv2
import numpy as np
import numpy.typing as npt

from grabseg.core.solver import GrabCutSolver

Box = tuple[int, int, int, int]


def scale_box(box: Box | None, sx: float, sy: float, shape: tuple[int, int]) -> Box | None:
    """A box (x0, y0, x1, y1) scaled by (sx, sy), rounded outwards, at least 1 px, inside ``shape``."""
    if box is None:
        return None
    x0, y0, x1, y1 = box
    h, w = shape
    a, b = min(int(np.floor(x0 * sx)), w - 1), min(int(np.floor(y0 * sy)), h - 1)
    return a, b, min(max(int(np.ceil(x1 * sx)), a + 1), w), min(max(int(np.ceil(y1 * sy)), b + 1), h)


def downscale(
    image: npt.NDArray[np.uint8], factor: float, box: Box | None,
    scribbles: npt.NDArray[np.uint8] | None, prior: npt.NDArray[np.floating] | None,
) -> tuple[npt.NDArray[np.uint8], Box | None, npt.NDArray[np.uint8] | None, npt.NDArray[np.float32] | None]:
    """Image (area-averaged), box, scribbles (nearest) and prior (area) shrunk by ``factor`` >= 1."""
    H, W = image.shape[:2]
    w, h = max(2, round(W / factor)), max(2, round(H / factor))
    small = cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA)
    sbox = scale_box(box, w / W, h / H, (h, w))
    sscr = None if scribbles is None else cv2.resize(scribbles, (w, h), interpolation=cv2.INTER_NEAREST)
    spri = None
    if prior is not None:
        spri = cv2.resize(prior.astype(np.float32), (w, h), interpolation=cv2.INTER_AREA)
    return small, sbox, sscr, spri


def coarse_start(
    solver: GrabCutSolver, box: Box | None, scribbles: npt.NDArray[np.uint8] | None,
    prior: npt.NDArray[np.floating] | None,
    run: Callable[[GrabCutSolver, Box | None, npt.NDArray[np.uint8] | None,
                   npt.NDArray[np.floating] | None, int], npt.NDArray[np.bool_]],
) -> None:
    """Initialise a built ``solver`` from a GrabCut (``run``) on a downscaled copy.

    ``run(solver, box, scribbles, prior, rounds) -> mask`` is the full pipeline
    (``grabcut.run_native``), called with ``coarse_nodes=0`` so it does not recurse.
    """
    p = solver.params
    factor = float(np.sqrt(solver.graph.n_nodes / p.coarse_nodes))
    small, sbox, sscr, spri = downscale(solver.image, factor, box, scribbles, prior)
    coarse = GrabCutSolver(small, replace(p, coarse_nodes=0, postprocess=False), solver.rng)
    m = run(coarse, sbox, sscr, spri, p.coarse_iterations)
    if coarse.fg_model is None or coarse.bg_model is None:  # nothing was learned there
        solver.init_models()
        return
    H, W = solver.image.shape[:2]
    big = cv2.resize(m.astype(np.uint8), (W, H), interpolation=cv2.INTER_NEAREST).astype(bool)
    solver.init_from(big, coarse.fg_model, coarse.bg_model)
