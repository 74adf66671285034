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
        Coarse-to-fine path: pixels drawn to seed each colour model by k-means (the
        standard engine runs weighted k-means over all pixels, as distinct colours).
    bg_ring : float
        The background model learns from the pixels outside the box within this distance
        of it (a fraction of sqrt(box area); pixels elsewhere are ignored unless fewer than
        100 are in the ring). 0 uses every pixel outside, as OpenCV.
    gmm_init : {"orchard_bouman", "kmeans++"}
        How each colour model's first clusters are found: Orchard-Bouman splitting (the
        GrabCut paper's choice) refined by Lloyd steps, deterministic; or k-means++ seeding
        from ``rng`` (as ``cv2.grabCut``).
    kmeans_attempts : int
        k-means++ seedings per colour model; the most compact is kept.
    box_slack : float
        Inside the box, an inner band of this width (fraction of the shorter box side) starts
        as background, on box sides not on the image border (a box is drawn with some slack
        around its object). Only the start: these pixels stay unknown to the cut. 0 disables.
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
        True turns every large-image approximation off: always the full-resolution graph.
        False (default) lets windows of more than ``large_threshold`` pixels take the
        coarse-to-fine path of ``large.py`` (docs/large-images.md).
    large_threshold : int
        Node-window pixels above which the coarse-to-fine path is used (unless ``exact``).
    large_coarse_nodes : int
        Coarse-to-fine path: about this many s x s blocks on the coarse level (s >= 2).
    band_radius : int
        Coarse-to-fine path: half-width k of the full-resolution band around the coarse
        boundary (0: k = s).
    large_samples : int
        Coarse-to-fine path: window pixels sampled to refit the colour models.
    drift_fraction : float
        Coarse-to-fine path: a scribble with more than this fraction of pixels whose colour
        neither model covers triggers a refit and a full cut (1 disables).
    uncertain_ratio : float
        Coarse-to-fine path: a block joins the band when flipping its pixels whose own data
        term prefers the other label would save more than this times an estimate of the
        cut around them (0 disables).
    band_max_px : int
        Coarse-to-fine path: soft cap on the full-resolution band (about 360 bytes a node);
        uncertain blocks (least uncertain first), then sensitive blocks (strongest data
        first), are dropped to stay under it.
    uncertain_boundary : tuple of float
        Coarse-to-fine path: the coarse level is also cut with its boundary costs scaled by
        each of these factors; blocks whose label changes join the band (region-level near
        ties between data and boundary). Empty disables.
    band_hole_blocks : int
        Coarse-to-fine path: fixed areas that the band encloses and that are smaller than
        this many blocks join the band (0 disables).
    band_grow_rounds : int
        Coarse-to-fine path: at most this many growth steps of the band where its cut
        reaches the band's outer edge (each grows it by ``k`` there and re-solves; 0 disables).
    band_grow_max_px : int
        Coarse-to-fine path: growth stops before its cuts would exceed this many nodes in all.
    collapse_fill : float
        Collapse guard (``grabseg.core.collapse``): a box-only cut whose extent covers less
        than this fraction of the box's width or height is retried once with a weak centre
        prior (0 disables).
    band_dense_ratio : float
        Coarse-to-fine path: when the band reached ``band_max_px`` (thin-structure-dense
        windows), the full-resolution energy is first cut on the band and on every block whose
        uncertainty (the ``uncertain_ratio`` test) exceeds this value, uncapped, in row strips
        of at most ``band_max_px`` nodes and then across their seams (slower; 0 disables).
    """

    gamma: float = GAMMA
    lam: float = LAMBDA
    n_components: int = N_COMPONENTS
    tol: float = 1e-3
    weighted_assignment: bool = True
    bg_samples: int = 20000
    kmeans_samples: int = 10000
    prior_weight: float = 1.0
    collapse_fill: float = 0.3
    postprocess: bool = True
    min_island: float = 1.0
    coarse_nodes: int = 20000
    coarse_iterations: int = 5
    refit_on_update: bool = True
    exact: bool = False
    large_threshold: int = 1_500_000
    large_coarse_nodes: int = 150_000
    band_radius: int = 0
    large_samples: int = 100_000
    drift_fraction: float = 0.5
    uncertain_ratio: float = 0.05
    band_max_px: int = 1_000_000
    uncertain_boundary: tuple[float, ...] = (1.6, 0.5)
    band_grow_rounds: int = 30
    band_hole_blocks: int = 64
    band_grow_max_px: int = 500_000
    band_dense_ratio: float = 0.01
    bg_ring: float = 0.15
    box_slack: float = 0.03
    kmeans_attempts: int = 1
    gmm_init: str = "orchard_bouman"
