"""Native GrabCut as small steps over one image: region -> graph -> (fit GMMs -> t-links -> cut)*.

:class:`GrabCutSolver` keeps everything a warm session needs: beta and the n-links (computed
once), the colour models, the graph (solved again with ``reuse_trees`` after t-link
changes) and the current labels. Each step is a method so a coarse-to-fine path can run
the same steps on a downscaled image and on a band (:meth:`GrabCutSolver.build` takes any
node map).
"""

from __future__ import annotations

import warnings

import numpy as np
import numpy.typing as npt

from grabseg.core import energy, gmm
from grabseg.core.graph import CutGraph
from grabseg.core.params import GrabCutParams

FG, BG, UNKNOWN = 1, 2, 0  # trimap values (the scribble codes, 0 = to be inferred)
KMEANS_SAMPLES = 10000  # pixels drawn (with replacement) to seed each model by k-means


class GrabCutSolver:
    """Native GrabCut state for one image.

    Parameters
    ----------
    image : (H, W, 3) uint8
        RGB, already validated (not copied; never modified).
    params : GrabCutParams
    rng : numpy.random.Generator
    """

    def __init__(self, image: npt.NDArray[np.uint8], params: GrabCutParams, rng: np.random.Generator):
        self.image, self.params, self.rng = image, params, rng
        self.beta = energy.compute_beta(image)
        self.fg_model: gmm.GaussianMixture | None = None
        self.bg_model: gmm.GaussianMixture | None = None
        self.energies: list[float] = []

    # ---- region and graph -------------------------------------------------------------
    def build(self, trimap: npt.NDArray[np.uint8], window: tuple[int, int, int, int],
              prior: npt.NDArray[np.floating] | None = None, box: tuple[int, int, int, int] | None = None) -> None:
        """Make every pixel of ``window`` (y0, y1, x0, x1) a node; pixels outside are background.

        ``trimap`` is (H, W) uint8 with 0 = unknown, 1 = foreground, 2 = background.
        """
        y0, y1, x0, x1 = window
        H, W = trimap.shape
        self.window, self.box = window, box
        h, w = y1 - y0, x1 - x0
        n = h * w
        py0, py1, px0, px1 = max(y0 - 1, 0), min(y1 + 1, H), max(x0 - 1, 0), min(x1 + 1, W)
        ids = np.full((py1 - py0, px1 - px0), -1, np.intp)
        ids[y0 - py0:y1 - py0, x0 - px0:x1 - px0] = np.arange(n).reshape(h, w)
        fixed_fg = np.zeros(ids.shape, bool)
        i, j, wt, self.border_src, self.border_snk = energy.nlinks(
            self.image[py0:py1, px0:px1], ids, fixed_fg, n, beta=self.beta, gamma=self.params.gamma)
        self.graph = CutGraph(n, len(i))
        self.graph.add_edges(i, j, wt)
        self.hard = trimap[y0:y1, x0:x1].ravel().copy()
        self.prior_cost = None
        if prior is not None and self.params.prior_weight > 0:
            self.prior_cost = energy.prior_costs(prior[y0:y1, x0:x1].ravel(), self.params.prior_weight)
        self._pick_outside_samples(trimap.shape)
        self._colour_table(self.image[y0:y1, x0:x1].reshape(n, 3))

    def _colour_table(self, node_rgb: npt.NDArray[np.uint8]) -> None:
        """Distinct colours of nodes and outside samples: models are evaluated once per colour."""
        rgb = np.concatenate([node_rgb, self.out_rgb]).astype(np.int32)
        keys = (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]
        ukeys, inv = np.unique(keys, return_inverse=True)
        self.ucolors = np.stack([ukeys >> 16, (ukeys >> 8) & 255, ukeys & 255], 1).astype(np.float32)
        self.node_inv, self.out_inv = inv[:len(node_rgb)], inv[len(node_rgb):]

    def _pick_outside_samples(self, shape: tuple[int, int]) -> None:
        """Background samples from outside the window: a ring near the box in full, the rest subsampled."""
        H, W = shape
        y0, y1, x0, x1 = self.window
        outside = np.ones((H, W), bool)
        outside[y0:y1, x0:x1] = False
        idx = np.flatnonzero(outside)
        weights = np.ones(len(idx))
        p = self.params
        if len(idx) > p.bg_samples:
            near = np.zeros((H, W), bool)
            r = p.bg_ring
            near[max(y0 - r, 0):y1 + r, max(x0 - r, 0):x1 + r] = True
            is_near = near.ravel()[idx]
            far = idx[~is_near]
            keep = max(p.bg_samples - int(is_near.sum()), min(len(far), 1000))
            pick = np.sort(self.rng.choice(len(far), size=min(keep, len(far)), replace=False))
            weights = np.concatenate([np.full(int(is_near.sum()), p.ring_weight),
                                      np.full(len(pick), len(far) / max(len(pick), 1))])
            idx = np.concatenate([idx[is_near], far[pick]])
        elif p.ring_weight != 1.0 and p.bg_ring > 0:
            yy, xx = np.divmod(idx, W)
            r = p.bg_ring
            near = (yy >= y0 - r) & (yy < y1 + r) & (xx >= x0 - r) & (xx < x1 + r)
            weights[near] = p.ring_weight
        self.out_rgb = self.image.reshape(-1, 3)[idx]
        self.out_weights = weights

    # ---- colour models ----------------------------------------------------------------
    def init_labels(self) -> None:
        """Initial labels: scribbles as given, unknown pixels foreground (inside a box)."""
        self.labels = self.hard != BG
        self.learnable = np.ones(len(self.hard), bool) if self.box is not None else self.hard != UNKNOWN
        if len(self.out_rgb) == 0 and not np.any(self.hard == BG):
            warnings.warn("no background pixels to learn from (the box covers the whole image); "
                          "learning the background from the box's border ring", UserWarning, stacklevel=4)
            ring = self._border_ring()
            self.labels &= ~ring
            self.learnable |= ring

    def _border_ring(self) -> npt.NDArray[np.bool_]:
        y0, y1, x0, x1 = self.window
        h, w = y1 - y0, x1 - x0
        r = max(1, int(round(0.05 * min(h, w))))
        ring = np.ones((h, w), bool)
        ring[r:h - r, r:w - r] = False
        return ring.ravel()

    def _colour_weights(self, labels: npt.NDArray[np.bool_], fg: bool) -> npt.NDArray[np.float64]:
        """Pixel count of each distinct colour among learnable nodes of one label (+ outside for bg)."""
        sel = self.learnable & (labels if fg else ~labels)
        u = len(self.ucolors)
        w = np.bincount(self.node_inv[sel], minlength=u).astype(np.float64)
        if not fg:
            w += np.bincount(self.out_inv, self.out_weights, u)
        return w

    def init_models(self) -> None:
        """Fit both models to k-means clusters of (subsampled) labelled pixels."""
        k = self.params.n_components
        for fg in (True, False):
            w = self._colour_weights(self.labels, fg)
            x = self.ucolors
            if w.sum() > 0:
                p = w / w.sum()
                pick = self.rng.choice(len(x), size=min(KMEANS_SAMPLES, int(np.ceil(w.sum()))), p=p)
                xs = x[np.sort(pick)]
                model = gmm.fit(xs, gmm.kmeans_components(xs, k, self.rng), k)
                if fg:
                    self.fg_model = model
                else:
                    self.bg_model = model
        self._log_densities()

    def init_from(self, mask: npt.NDArray[np.bool_], fg_model: gmm.GaussianMixture,
                  bg_model: gmm.GaussianMixture) -> None:
        """Start from a labelling (H, W) bool and models (e.g. from a coarse level); hard constraints win."""
        y0, y1, x0, x1 = self.window
        lab = mask[y0:y1, x0:x1].ravel()
        self.labels = (lab | (self.hard == FG)) & (self.hard != BG)
        self.learnable = np.ones(len(self.labels), bool)
        self.fg_model, self.bg_model = fg_model, bg_model
        self._log_densities()

    def _log_densities(self) -> None:
        """Component log densities (K, U) of both models on the distinct colours, and their costs."""
        self._ld_fg = self.fg_model.component_log_densities(self.ucolors)
        self._ld_bg = self.bg_model.component_log_densities(self.ucolors)
        self._cost_fg = gmm.neg_logsumexp(self._ld_fg)
        self._cost_bg = gmm.neg_logsumexp(self._ld_bg)

    def refit_models(self) -> None:
        """Assign each labelled pixel to a component of its label's model, then refit both (one EM-hard step)."""
        k, weighted = self.params.n_components, self.params.weighted_assignment
        for fg in (True, False):
            w = self._colour_weights(self.labels, fg)
            if w.sum() <= 0:
                continue
            model = self.fg_model if fg else self.bg_model
            if weighted:
                comp = (self._ld_fg if fg else self._ld_bg).argmax(0)
            else:
                comp = model.component_log_densities(self.ucolors, with_weights=False).argmax(0)
            new = gmm.fit(self.ucolors, comp, k, sample_weights=w)
            if fg:
                self.fg_model = new
            else:
                self.bg_model = new

    # ---- t-links and cut --------------------------------------------------------------
    def update_tlinks(self, nodes: npt.NDArray[np.intp] | None = None) -> None:
        """Set t-links of ``nodes`` (all if None) from the models, the prior and hard constraints."""
        if nodes is None:
            self._log_densities()
        sel = slice(None) if nodes is None else nodes
        inv = self.node_inv[sel]
        src, snk = self._cost_bg[inv].astype(np.float64), self._cost_fg[inv].astype(np.float64)
        if self.prior_cost is not None:
            src += self.prior_cost[1][sel]
            snk += self.prior_cost[0][sel]
        hard = self.hard[sel]
        lam = self.params.lam
        src = np.where(hard == FG, lam, np.where(hard == BG, 0.0, src)) + self.border_src[sel]
        snk = np.where(hard == BG, lam, np.where(hard == FG, 0.0, snk)) + self.border_snk[sel]
        self.graph.set_tlinks(nodes, src, snk)

    def cut(self) -> float:
        """Min-cut of the current graph; updates the labels and returns the energy."""
        flow = self.graph.solve()
        self.labels = self.graph.foreground()
        self.learnable = np.ones(len(self.labels), bool)
        self.energies.append(flow)
        return flow

    def iterate(self, max_iter: int) -> int:
        """GrabCut rounds (refit models, t-links, cut) until the energy settles; returns rounds run."""
        for it in range(max_iter):
            if it > 0 or self.learnable.all():
                self.refit_models()
            self.update_tlinks()
            before = self.energies[-1] if self.energies else None
            e = self.cut()
            if before is not None and before - e < self.params.tol * abs(before):
                return it + 1
        return max_iter

    def mask(self) -> npt.NDArray[np.bool_]:
        """Current labels as a full-size (H, W) bool mask."""
        out = np.zeros(self.image.shape[:2], bool)
        y0, y1, x0, x1 = self.window
        out[y0:y1, x0:x1] = self.labels.reshape(y1 - y0, x1 - x0)
        return out
