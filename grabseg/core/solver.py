"""Native GrabCut as small steps over one image: build -> init models -> (refit, t-links, cut)*.

:class:`GrabCutSolver` keeps what a warm session needs: beta and the n-links (computed once
per graph), the colour models, the graph (solved again with ``reuse_trees`` after t-link
changes) and the labels. :meth:`GrabCutSolver.build` takes any node set inside a window,
with the other window pixels fixed, so a coarse-to-fine path can run the same steps on a
downscaled copy and then on a band around its boundary.

Colour models are evaluated once per *distinct colour* (a table built at ``build``), not
per pixel: a 640x480 box holds 3-10x fewer distinct colours than pixels.
"""

from __future__ import annotations

import warnings

import numpy as np
import numpy.typing as npt

from grabseg.core import energy, gmm
from grabseg.core.graph import CutGraph
from grabseg.core.params import GrabCutParams

UNKNOWN, FG, BG = 0, 1, 2  # trimap values; FG/BG match the scribble codes


class GrabCutSolver:
    """Native GrabCut state for one image.

    Parameters
    ----------
    image : (H, W, 3) uint8
        RGB, already validated (kept by reference, never modified).
    params : GrabCutParams
    rng : numpy.random.Generator
    beta : float, optional
        Contrast parameter; computed over the whole image when omitted.
    """

    def __init__(self, image: npt.NDArray[np.uint8], params: GrabCutParams,
                 rng: np.random.Generator, beta: float | None = None) -> None:
        self.image, self.params, self.rng = image, params, rng
        self.beta = energy.compute_beta(image) if beta is None else beta
        self.fg_model: gmm.GaussianMixture | None = None
        self.bg_model: gmm.GaussianMixture | None = None
        self.energies: list[float] = []

    # ---- graph over a window ------------------------------------------------------------
    def build(self, trimap: npt.NDArray[np.uint8], window: tuple[int, int, int, int], *,
              prior: npt.NDArray[np.floating] | None = None, has_box: bool = True,
              nodes: npt.NDArray[np.bool_] | None = None,
              fixed_fg: npt.NDArray[np.bool_] | None = None) -> None:
        """Make the graph: nodes are the pixels of ``window`` (or ``nodes`` inside it).

        Parameters
        ----------
        trimap : (H, W) uint8
            0 unknown, 1 foreground, 2 background (hard).
        window : (y0, y1, x0, x1)
        prior : (H, W) float, optional
        has_box : bool
            Whether unknown pixels start as foreground (a box) or unlabelled (scribbles only).
        nodes : (H, W) bool, optional
            Node pixels (all of the window if None); others are fixed to ``fixed_fg``.
        fixed_fg : (H, W) bool, optional
            Labels of fixed pixels (default background), e.g. from a coarse level.
        """
        H, W = trimap.shape
        y0, y1, x0, x1 = self.window = window
        self.has_box = has_box
        py0, py1, px0, px1 = max(y0 - 1, 0), min(y1 + 1, H), max(x0 - 1, 0), min(x1 + 1, W)
        inside = np.zeros((py1 - py0, px1 - px0), bool)
        inside[y0 - py0:y1 - py0, x0 - px0:x1 - px0] = True
        if nodes is not None:
            inside &= nodes[py0:py1, px0:px1]
        in_window = inside[y0 - py0:y1 - py0, x0 - px0:x1 - px0]
        self.node_flat = None if nodes is None else np.flatnonzero(in_window)
        n = int(inside.sum())
        ids = np.full(inside.shape, -1, np.intp)
        ids[inside] = np.arange(n)
        fix = np.zeros(inside.shape, bool) if fixed_fg is None else fixed_fg[py0:py1, px0:px1]
        i, j, wt, self.border_src, self.border_snk = energy.nlinks(
            self.image[py0:py1, px0:px1], ids, fix, n, beta=self.beta, gamma=self.params.gamma)
        self.graph = CutGraph(n, len(i))
        self.graph.add_edges(i, j, wt)
        self.fixed_fg = None if fixed_fg is None else fixed_fg[y0:y1, x0:x1].copy()
        self.hard = self._take(trimap).copy()
        self.prior_cost = None
        if prior is not None and self.params.prior_weight > 0:
            self.prior_cost = energy.prior_costs(self._take(prior), self.params.prior_weight)
        self._pick_outside_samples((H, W))
        self._colour_table(self._take(self.image))

    def _take(self, arr: npt.NDArray) -> npt.NDArray:
        """Values of an (H, W, ...) array at the nodes, in node order."""
        y0, y1, x0, x1 = self.window
        flat = arr[y0:y1, x0:x1].reshape((y1 - y0) * (x1 - x0), *arr.shape[2:])
        return flat if self.node_flat is None else flat[self.node_flat]

    def _pick_outside_samples(self, shape: tuple[int, int]) -> None:
        """Background samples from outside the window (near it if ``params.bg_ring``), subsampled
        beyond ``params.bg_samples`` with weights that keep the model unbiased."""
        y0, y1, x0, x1 = self.window
        outside = np.ones(shape, bool)
        outside[y0:y1, x0:x1] = False
        if self.params.bg_ring > 0:  # only the ring near the box (as the MSR protocol's trimaps)
            r = max(1, int(round(self.params.bg_ring * np.sqrt((y1 - y0) * (x1 - x0)))))
            near = np.zeros(shape, bool)
            near[max(y0 - r, 0):y1 + r, max(x0 - r, 0):x1 + r] = True
            if (outside & near).sum() >= 100:
                outside &= near
        idx = np.flatnonzero(outside)
        weights = np.ones(len(idx))
        cap = self.params.bg_samples
        if len(idx) > cap:
            pick = np.sort(self.rng.choice(len(idx), size=cap, replace=False))
            idx, weights = idx[pick], np.full(cap, len(idx) / cap)
        self.out_rgb = self.image.reshape(-1, 3)[idx]
        self.out_weights = weights

    def _colour_table(self, node_rgb: npt.NDArray[np.uint8]) -> None:
        """Distinct colours of nodes and outside samples, and each pixel's index into them."""
        rgb = np.concatenate([node_rgb, self.out_rgb]).astype(np.int32)
        keys = (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]
        ukeys, inv = np.unique(keys, return_inverse=True)
        self.ucolors = np.stack([ukeys >> 16, (ukeys >> 8) & 255, ukeys & 255], 1).astype(np.float32)
        self.node_inv, self.out_inv = inv[:len(node_rgb)], inv[len(node_rgb):]

    # ---- colour models --------------------------------------------------------------------
    def init_labels(self) -> None:
        """Initial labels: hard pixels as given, unknown ones foreground inside a box."""
        self.labels = self.hard != BG
        self.learnable = np.ones(len(self.hard), bool) if self.has_box else self.hard != UNKNOWN
        if self.params.box_slack and self.has_box:
            ring = self._border_ring(self.params.box_slack, image_sides=False) & (self.hard == UNKNOWN)
            if (~ring & (self.hard == UNKNOWN)).any():
                self.labels &= ~ring
        if len(self.out_rgb) == 0 and not np.any(self.hard == BG):
            warnings.warn("no background pixels to learn from (the box covers the whole image and no "
                          "scribble marks background); learning the background from the image's border "
                          "ring", UserWarning, stacklevel=4)
            ring = self._border_ring() & (self.hard == UNKNOWN)
            self.labels &= ~ring
            self.learnable |= ring

    def _border_ring(self, frac: float = 0.05, image_sides: bool = True) -> npt.NDArray[np.bool_]:
        """The window's inner band of width ``frac * min(h, w)``; without ``image_sides``, only
        along window sides that are not on the image border."""
        y0, y1, x0, x1 = self.window
        H, W = self.image.shape[:2]
        h, w = y1 - y0, x1 - x0
        r = max(1, int(round(frac * min(h, w))))
        ring = np.zeros((h, w), bool)
        for side, on_border in (("top", y0 == 0), ("bottom", y1 == H), ("left", x0 == 0), ("right", x1 == W)):
            if on_border and not image_sides:
                continue
            if side == "top":
                ring[:r] = True
            elif side == "bottom":
                ring[h - r:] = True
            elif side == "left":
                ring[:, :r] = True
            else:
                ring[:, w - r:] = True
        return ring.ravel() if self.node_flat is None else ring.ravel()[self.node_flat]

    def _colour_weights(self, fg: bool) -> npt.NDArray[np.float64]:
        """Pixel count of each distinct colour among learnable nodes of one label (+ outside for bg)."""
        sel = self.learnable & (self.labels if fg else ~self.labels)
        u = len(self.ucolors)
        w = np.bincount(self.node_inv[sel], minlength=u).astype(np.float64)
        if not fg:
            w += np.bincount(self.out_inv, self.out_weights, u)
        return w

    def init_models(self) -> None:
        """Seed each model by clustering all its pixels (as distinct colours, weighted), then fit it."""
        k = self.params.n_components
        for fg in (True, False):
            w = self._colour_weights(fg)
            if w.sum() <= 0:
                continue
            used = np.flatnonzero(w)
            x, wu = self.ucolors[used], w[used]
            comp = gmm.init_components(x, k, method=self.params.gmm_init, rng=self.rng,
                                       sample_weights=wu, attempts=self.params.kmeans_attempts)
            model = gmm.fit(x, comp, k, sample_weights=wu)
            self.fg_model, self.bg_model = (model, self.bg_model) if fg else (self.fg_model, model)
        if self.fg_model is None or self.bg_model is None:
            raise ValueError("nothing to learn a colour model from (no foreground or background pixels)")
        self._log_densities()

    def init_from(self, mask: npt.NDArray[np.bool_], fg_model: gmm.GaussianMixture,
                  bg_model: gmm.GaussianMixture) -> None:
        """Start from labels (H, W) bool and models (e.g. a coarse level's); hard pixels win."""
        self.labels = (self._take(mask) | (self.hard == FG)) & (self.hard != BG)
        self.learnable = np.ones(len(self.labels), bool)
        self.fg_model, self.bg_model = fg_model, bg_model
        self._log_densities()

    def _log_densities(self) -> None:
        """Component log densities (K, U) of both models on the distinct colours, and the costs."""
        self._ld_fg = self.fg_model.component_log_densities(self.ucolors)
        self._ld_bg = self.bg_model.component_log_densities(self.ucolors)
        self._cost_fg = gmm.neg_logsumexp(self._ld_fg)
        self._cost_bg = gmm.neg_logsumexp(self._ld_bg)

    def refit_models(self) -> None:
        """Assign labelled pixels to a component of their label's model, then refit both."""
        k = self.params.n_components
        for fg in (True, False):
            w = self._colour_weights(fg)
            if w.sum() <= 0:
                continue
            model = self.fg_model if fg else self.bg_model
            if self.params.weighted_assignment:
                comp = (self._ld_fg if fg else self._ld_bg).argmax(0)
            else:
                comp = model.component_log_densities(self.ucolors, with_weights=False).argmax(0)
            new = gmm.fit(self.ucolors, comp, k, sample_weights=w)
            self.fg_model, self.bg_model = (new, self.bg_model) if fg else (self.fg_model, new)

    # ---- t-links and cut ------------------------------------------------------------------
    def update_tlinks(self, nodes: npt.NDArray[np.intp] | None = None) -> None:
        """Set t-links of ``nodes`` (all, with fresh model costs, if None)."""
        if nodes is None:
            self._log_densities()
        sel = slice(None) if nodes is None else nodes
        inv = self.node_inv[sel]
        src, snk = self._cost_bg[inv].astype(np.float64), self._cost_fg[inv].astype(np.float64)
        if self.prior_cost is not None:
            src += self.prior_cost[1][sel]
            snk += self.prior_cost[0][sel]
        hard, lam = self.hard[sel], self.params.lam
        src = np.where(hard == FG, lam, np.where(hard == BG, 0.0, src)) + self.border_src[sel]
        snk = np.where(hard == BG, lam, np.where(hard == FG, 0.0, snk)) + self.border_snk[sel]
        self.graph.set_tlinks(nodes, src, snk)

    def set_hard(self, nodes: npt.NDArray[np.intp], values: npt.NDArray[np.uint8]) -> None:
        """Change the trimap value of some nodes (0/1/2) and their t-links."""
        self.hard[nodes] = values
        self.update_tlinks(nodes)

    def cut(self) -> float:
        """Min-cut of the current graph; updates the labels and returns the energy."""
        flow = self.graph.solve()
        self.labels = self.graph.foreground()
        self.learnable = np.ones(len(self.labels), bool)
        self.energies.append(flow)
        return flow

    def iterate(self, max_rounds: int) -> int:
        """GrabCut rounds (refit models, t-links, cut) until the energy settles; returns rounds run."""
        for it in range(max_rounds):
            if it > 0 or self.learnable.all():
                self.refit_models()
            self.update_tlinks()
            before = self.energies[-1] if self.energies else None
            e = self.cut()
            if before is not None and before - e < self.params.tol * abs(before):
                return it + 1
        return max_rounds

    def mask(self) -> npt.NDArray[np.bool_]:
        """Current labels as a full-size (H, W) bool mask (fixed pixels keep their label)."""
        out = np.zeros(self.image.shape[:2], bool)
        y0, y1, x0, x1 = self.window
        if self.node_flat is None:
            out[y0:y1, x0:x1] = self.labels.reshape(y1 - y0, x1 - x0)
        else:
            n = (y1 - y0) * (x1 - x0)
            win = np.zeros(n, bool) if self.fixed_fg is None else self.fixed_fg.ravel().copy()
            win[self.node_flat] = self.labels
            out[y0:y1, x0:x1] = win.reshape(y1 - y0, x1 - x0)
        return out
