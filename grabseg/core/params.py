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
    tol : float
        Stop iterating once a round lowers the energy by less than ``tol`` times its value
        (the ``iterations`` argument of ``segment`` stays the maximum).
    weighted_assignment : bool
        Assign pixels to ``argmax_k pi_k N_k`` as in the paper (OpenCV ignores ``pi_k``).
    bg_samples : int
        Cap on background pixels from outside the node window used to learn the
        background model; beyond it they are subsampled, weighted so the model is unbiased.
    kmeans_samples : int
        Pixels drawn to seed each colour model by k-means.
    prior_weight : float
        ``w`` of the prior data term ``-w log p`` / ``-w log(1 - p)``.
    postprocess : bool
        Keep only foreground components anchored to a foreground scribble, or the largest.
    min_island : float
        Unanchored components smaller than this fraction of the largest are dropped.
    coarse_nodes : int
        Start from a GrabCut on a downscaled copy with about this many nodes when the
        full-resolution graph has more than twice as many (0 disables). The full-resolution
        rounds that follow minimise the exact energy; the coarse start only picks the
        initial labels and colour models, which makes the first full cut cheap.
    coarse_iterations : int
        Maximum rounds on the coarse copy.
    refit_on_update : bool
        After a scribble update of a session, refit the colour models once and cut again.
    exact : bool
        Full-resolution exact cut (True). Reserved for a faster banded path on large images.
    """

    gamma: float = GAMMA
    lam: float = LAMBDA
    n_components: int = N_COMPONENTS
    tol: float = 1e-3
    weighted_assignment: bool = True
    bg_samples: int = 20000
    kmeans_samples: int = 10000
    prior_weight: float = 1.0
    postprocess: bool = True
    min_island: float = 1.0
    coarse_nodes: int = 20000
    coarse_iterations: int = 5
    refit_on_update: bool = True
    exact: bool = True
    bg_ring: float = 0
