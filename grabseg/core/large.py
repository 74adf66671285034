"""Large-image GrabCut: coarse-to-fine cut, banded refinement, warm incremental scribbles.

:class:`LargeGrabCut` runs GrabCut on a node window (the box) of a large image:

1. *Start*: GrabCut on a ~``coarse_nodes`` copy (the standard engine) gives the first
   colour models and labels.
2. *Rounds* (up to ``iterations``, until the energy settles): refit both models from a
   fixed pixel sample, then cut the energy restricted to s x s-block-constant labellings
   (``multilevel.CoarseLevel``; block unaries via a 6-bit colour LUT evaluated at the
   mean colour of each occupied bin).
3. *Band*: the exact full-resolution energy on the pixels within ``k`` of the coarse
   boundary, of blocks that are uncertain or whose label is a region-level near-tie, and
   around scribbles the blocks contradict, all other pixels fixed to their block's label
   (``multilevel.FineGraph``); the band then grows where its cut reaches its edge
   (``large_band.BandSelection``). A band at its cap adds a dense pass first: the exact
   energy on the band and the more uncertain blocks, uncapped, in strips.

A scribble update changes the unaries of its blocks and re-solves the warm coarse graph
with ``reuse_trees``; then the fine labels are re-solved in a rectangle around what
changed: on the warm fine graph with ``reuse_trees`` when its nodes already cover the
band there, else on a fresh local graph (which becomes the warm one). Colour models stay
warm unless the scribble drifts them (``sampling.drifted``); then they are refitted and
the whole window is cut again. See docs/large-images.md.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from grabseg.core import gmm, links, sampling
from grabseg.core.energy import prior_costs
from grabseg.core.large_band import BandSelection
from grabseg.core.multilevel import BG, FG, CoarseLevel, FineGraph, Frame, block_sums
from grabseg.core.large_strokes import StrokeUpdates
from grabseg.core.params import GrabCutParams
from grabseg.core.postprocess import keep_anchored

Box = tuple[int, int, int, int]


def node_window(shape: tuple[int, int], box: Box | None, scribbles: npt.NDArray[np.uint8] | None) -> Box:
    """(y0, y1, x0, x1): the box grown to hold every foreground scribble (``grabcut.make_trimap``)."""
    h, w = shape
    if box is None:
        return 0, h, 0, w
    x0, y0, x1, y1 = box
    if scribbles is not None:
        ys, xs = np.nonzero(scribbles == FG)
        if len(ys):
            return min(y0, int(ys.min())), max(y1, int(ys.max()) + 1), min(x0, int(xs.min())), max(x1, int(xs.max()) + 1)
    return y0, y1, x0, x1


def use_large_path(params: GrabCutParams, window_pixels: int) -> bool:
    """The dispatcher: the coarse-to-fine path serves windows above ``params.large_threshold``."""
    return not params.exact and window_pixels > params.large_threshold


def dispatch(params: GrabCutParams, shape: tuple[int, int], box: Box | None,
             scribbles: npt.NDArray[np.uint8] | None) -> bool:
    """Whether ``segment`` / ``GrabCutSession`` should take this path for these prompts."""
    y0, y1, x0, x1 = node_window(shape, box, scribbles)
    return use_large_path(params, (y1 - y0) * (x1 - x0))


def block_size(params: GrabCutParams, window_pixels: int) -> int:
    """Coarse block size s >= 2 giving about ``params.large_coarse_nodes`` blocks."""
    return max(2, int(round(np.sqrt(window_pixels / max(params.large_coarse_nodes, 1)))))


class LargeGrabCut(BandSelection, StrokeUpdates):
    """Coarse-to-fine GrabCut state of one image (see the module docstring).

    Parameters
    ----------
    image : (H, W, 3) uint8
        Validated RGB (kept by reference, never modified).
    params : GrabCutParams
    rng : numpy.random.Generator
    beta : float, optional
        Contrast parameter (computed over the whole image when omitted).
    """

    def __init__(self, image: npt.NDArray[np.uint8], params: GrabCutParams, rng: np.random.Generator,
                 beta: float | None = None) -> None:
        self.image, self.params, self.rng = image, params, rng
        self.beta = links.fast_beta(image) if beta is None else beta
        self.fg_model: gmm.GaussianMixture | None = None
        self.bg_model: gmm.GaussianMixture | None = None
        self.stats: dict[str, object] = {}

    # ---- box (or first scribbles) -------------------------------------------------------
    def start(self, box: Box | None, scribbles: npt.NDArray[np.uint8] | None,
              prior: npt.NDArray[np.floating] | None, iterations: int,
              models: tuple[gmm.GaussianMixture, gmm.GaussianMixture] | None = None) -> npt.NDArray[np.bool_]:
        """Cut from prompts; warm ``models`` skip the learning (one cut). Returns the (H, W) mask."""
        p, t0 = self.params, time.perf_counter()
        self.box, self.prior_map = box, prior
        self.scribbles = None if scribbles is None else scribbles.copy()
        window = node_window(self.image.shape[:2], box, scribbles)
        f = self.frame = Frame(self.image, window)
        y0, y1, x0, x1 = window
        if scribbles is not None:
            f.hard[:] = scribbles[y0:y1, x0:x1].ravel()
        self.prior = None
        if prior is not None and p.prior_weight > 0:
            cf, cb = prior_costs(prior[y0:y1, x0:x1].ravel(), p.prior_weight)
            self.prior = np.stack([cf, cb]).astype(np.float32)
        n = f.h * f.w
        self.s = block_size(p, n)
        self.k = p.band_radius or self.s
        self.coarse = CoarseLevel(f, self.s, beta=self.beta, gamma=p.gamma)
        self._hist = np.bincount(f.codes[f.hard == 0], minlength=1 << 18).astype(np.float64)
        outside = self._outside_sample(window)
        start = self._initial(box, scribbles, prior) if models is None else None
        self.samples = sampling.Samples(self.image, window, p.large_samples, outside, self.rng)
        self._sample_blocks = self.coarse.block_of(self.samples.flat, f.w)
        t1 = time.perf_counter()
        if models is None:
            models, fg = self._start_labels(start, box)
            rounds = self._rounds(models, fg, iterations)
        else:
            self.models = models
            self._coarse_cut()
            rounds = 0
        t2 = time.perf_counter()
        self._global_band()
        self.base_models = self.models
        self.stats = {"s": self.s, "k": self.k, "window_px": n, "blocks": self.coarse.graph.n_nodes, "rounds": rounds,
                      "band_px": len(self.fine.nodes), "capped": self.capped, "dense_px": self.dense_px,
                      "grow_rounds": self.growth[0], "grown_px": self.growth[1],
                      "setup_s": t1 - t0, "coarse_s": t2 - t1, "band_s": time.perf_counter() - t2}
        return self.mask()

    def _outside_sample(self, window: Box) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.float64]]:
        """Background sample outside the window, drawn by ``GrabCutSolver`` itself (same rng use)."""
        from grabseg.core.solver import GrabCutSolver

        solver = GrabCutSolver(self.image, self.params, self.rng, beta=self.beta)
        solver.window = window
        solver._pick_outside_samples(self.image.shape[:2])
        return solver.out_rgb, solver.out_weights

    def _initial(self, box, scribbles, prior) -> tuple | None:
        """``coarse.coarse_start`` (GrabCut on a small copy, the standard engine's own start)."""
        from grabseg.core.coarse import coarse_start
        from grabseg.core.grabcut import run_native

        n, p = self.frame.h * self.frame.w, self.params
        if not p.coarse_nodes or n <= 2 * p.coarse_nodes:
            return None
        start = _Start(self.image, p, self.rng, n)
        coarse_start(start, box, scribbles, prior, run_native)
        return start.result

    def _start_labels(self, start: tuple | None, box: Box | None):
        """Models and sample labels from the small-copy start (k-means if it learned nothing)."""
        f = self.frame
        if start is None:
            fg = np.ones(len(self.samples.flat), bool) if box is not None else f.hard[self.samples.flat] == FG
            return self._kmeans_models(fg), fg
        mask, fg_model, bg_model = start
        y, x = np.divmod(self.samples.flat, f.w)
        return (fg_model, bg_model), mask[y + f.window[0], x + f.window[2]]

    def _kmeans_models(self, fg: npt.NDArray[np.bool_]) -> tuple[gmm.GaussianMixture, gmm.GaussianMixture]:
        k, out = self.params.n_components, []
        for x in (self.samples.rgb[fg], np.concatenate([self.samples.rgb[~fg], self.samples.out_rgb])):
            if len(x) == 0:
                raise ValueError("nothing to learn a colour model from (no foreground or background pixels)")
            x = x[:max(self.params.kmeans_samples, 1000)]
            out.append(gmm.fit(x, gmm.init_components(x, k, method=self.params.gmm_init, rng=self.rng), k))
        return out[0], out[1]

    def _rounds(self, models, fg: npt.NDArray[np.bool_], iterations: int) -> int:
        """GrabCut rounds on the coarse level: refit from the sample, cut; returns rounds run."""
        hard = self.frame.hard[self.samples.flat]
        before = None
        for it in range(iterations):
            fg = (fg | (hard == FG)) & (hard != BG)
            self.models = self.samples.fit(models, fg, weighted=self.params.weighted_assignment)
            models = self.models
            energy = self._coarse_cut()
            fg = self.coarse.labels.ravel()[self._sample_blocks]
            if before is not None and before - energy < self.params.tol * abs(before):
                return it + 1
            before = energy
        return iterations

    @property
    def models(self) -> tuple[gmm.GaussianMixture, gmm.GaussianMixture]:
        return self.fg_model, self.bg_model  # type: ignore[return-value]

    @models.setter
    def models(self, value: tuple[gmm.GaussianMixture, gmm.GaussianMixture]) -> None:
        self.fg_model, self.bg_model = value
        f = self.frame
        self._lut_fg, self._lut_bg = (sampling.lut_costs(m, f.bins, f.bin_rgb) for m in value)
        self._lut_d = self._lut_fg - self._lut_bg

    def _pixel_unary(self, flat: npt.NDArray[np.int64] | None, hard: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
        """cost_fg - cost_bg (LUT) of window pixels ``flat`` (all if None) with hard values ``hard``."""
        f = self.frame
        d = self._lut_d[f.codes if flat is None else f.codes[flat]]
        if self.prior is not None:
            d += self.prior[0] - self.prior[1] if flat is None else self.prior[0, flat] - self.prior[1, flat]
        lam = np.float32(self.params.lam)
        if flat is None:
            for code, value in ((FG, -lam), (BG, lam)):
                d[np.flatnonzero(hard == code)] = value
        else:
            d = np.where(hard == FG, -lam, np.where(hard == BG, lam, d)).astype(np.float32)
        return d

    def _coarse_cut(self) -> float:
        """Cut the coarse level with the current models; returns its energy (for convergence)."""
        f = self.frame
        d = self._pixel_unary(None, f.hard)
        unary = block_sums(d.reshape(f.h, f.w), self.s)
        del d
        self.coarse.set_unary(unary)
        flow = self.coarse.solve()
        return flow + float(self._hist @ self._lut_bg) + float(np.minimum(unary, 0).sum())

    # ---- full-resolution band -------------------------------------------------------------
    def _fine_graph(self, nodes: npt.NDArray[np.int64]) -> FineGraph:
        return FineGraph(self.frame, nodes, self.labels, self.models, lam=self.params.lam,
                         prior=self.prior, beta=self.beta, gamma=self.params.gamma)

    def _global_band(self) -> None:
        """Choose the band over the whole window (under the cap), cut it, grow it."""
        self._unsure = None
        factors = self.params.uncertain_boundary
        self._sensitive = self.coarse.sensitive(tuple(factors)) if factors else None
        p = self.params
        ratio = self._uncertainty() if p.uncertain_ratio > 0 or p.band_dense_ratio > 0 else None
        band, up = self._capped_band(ratio)
        band = self._fill_holes(band)
        self.labels = up.ravel().copy()
        self.free = band.ravel()
        self.decided = self.free.copy()
        dense = ratio is not None and p.band_dense_ratio > 0 and self.capped
        self.dense_px = self._dense_pass(ratio) if dense else 0
        nodes = np.flatnonzero(self.free)
        self.fine = self._fine_graph(nodes)  # the warm graph of strokes
        if not self.dense_px:  # else the strips have cut the band already; a stroke solves it
            self.labels[nodes] = self.fine.solve()
        self.growth = self._grow(nodes)

    def exact_labels(self) -> npt.NDArray[np.bool_]:
        """The exact full-resolution min-cut of the current energy (same models, scribbles,
        prior), raw (H, W) bool, by the standard solver: for verification only (at 12 MP it
        takes tens of seconds and several GB)."""
        import warnings

        from grabseg.core.grabcut import make_trimap
        from grabseg.core.solver import GrabCutSolver

        solver = GrabCutSolver(self.image, replace(self.params, exact=True), np.random.default_rng(0), beta=self.beta)
        trimap, window = make_trimap(self.image.shape[:2], self.box, self.scribbles)
        solver.build(trimap, window, prior=self.prior_map, has_box=self.box is not None)
        with warnings.catch_warnings():  # the background sample is not used here
            warnings.simplefilter("ignore", UserWarning)
            solver.init_labels()
        solver.fg_model, solver.bg_model = self.models
        solver.update_tlinks()
        solver.cut()
        return solver.mask()

    def mask(self) -> npt.NDArray[np.bool_]:
        """The current (H, W) bool mask, post-processed as ``grabcut.finish`` does."""
        out = np.zeros(self.image.shape[:2], bool)
        y0, y1, x0, x1 = self.frame.window
        win = self.labels.reshape(self.frame.h, self.frame.w).view(bool)
        if self.params.postprocess:  # all foreground and its anchors lie in the window
            anchors = None if self.scribbles is None else self.scribbles[y0:y1, x0:x1] == FG
            win = keep_anchored(win, anchors, min_fraction=self.params.min_island)
        out[y0:y1, x0:x1] = win
        return out


class _Start:
    """Stand-in solver for ``coarse.coarse_start``: records the labels and models it starts from."""

    def __init__(self, image: npt.NDArray[np.uint8], params: GrabCutParams, rng: np.random.Generator,
                 n_nodes: int) -> None:
        self.image, self.params, self.rng = image, replace(params, exact=True), rng
        self.graph = type("G", (), {"n_nodes": n_nodes})()
        self.result: tuple | None = None

    def init_from(self, mask, fg_model, bg_model) -> None:
        self.result = (mask, fg_model, bg_model)

    def init_models(self) -> None:
        self.result = None
