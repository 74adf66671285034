"""Constants and tunable settings of the native GrabCut engine."""

from __future__ import annotations

from dataclasses import dataclass

#: Smoothness weight gamma (Rother et al. 2004; OpenCV).
GAMMA = 50.0
#: Hard-constraint t-link capacity, OpenCV's 9 * gamma (effectively infinite, see energy.py).
LAMBDA = 9.0 * GAMMA
#: Components per colour model.
N_COMPONENTS = 5


@dataclass(frozen=True)
class GrabCutParams:
    """Settings of the native engine; the defaults are the measured best (docs/engine.md).

    Attributes
    ----------
    gamma, lam : float
        Smoothness weight and hard-constraint capacity.
    n_components : int
        Gaussians per colour model.
    iterations : int
        Maximum number of GMM-refit / min-cut rounds for a box.
    tol : float
        Stop early once an iteration lowers the energy by less than ``tol`` times its value.
    weighted_assignment : bool
        Assign each pixel to ``argmax_k pi_k N_k`` as in the paper (OpenCV ignores ``pi_k``).
    bg_samples : int
        Cap on background pixels from outside the region used to learn the background
        model; beyond it they are subsampled (with weights so proportions are kept).
    bg_ring : int
        Width in pixels of the ring around the box whose pixels are always used for the
        background model (never subsampled).
    ring_weight : float
        Extra weight of ring pixels in the background model (1 = plain ML, as OpenCV).
    prior_weight : float
        ``w`` of the prior data term ``-w log p`` / ``-w log(1 - p)``.
    postprocess : bool
        Keep only foreground components anchored to a foreground scribble or the largest one.
    min_island : float
        Components smaller than this fraction of the largest are dropped unless anchored.
    refit_on_update : bool
        After a scribble update, refit the colour models once and cut again.
    exact : bool
        Full-resolution exact cut (True). Reserved for a coarse-to-fine path on large images.
    """

    gamma: float = GAMMA
    lam: float = LAMBDA
    n_components: int = N_COMPONENTS
    iterations: int = 5
    tol: float = 1e-3
    weighted_assignment: bool = True
    bg_samples: int = 20000
    bg_ring: int = 0
    ring_weight: float = 1.0
    prior_weight: float = 1.0
    postprocess: bool = False
    min_island: float = 1.0
    refit_on_update: bool = True
    exact: bool = True
    coarse_nodes: int = 0
    coarse_iterations: int = 5
    restarts: int = 1
