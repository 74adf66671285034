"""Large-image GrabCut: coarse-to-fine cut, banded refinement, warm incremental scribbles.

:class:`LargeGrabCut` runs GrabCut on a node window (the box) of a large image:

1. *Start*: GrabCut on a ~``coarse_nodes`` copy (the standard engine) gives the first
   colour models and labels.
2. *Rounds* (up to ``iterations``, until the energy settles): refit both models from a
   fixed pixel sample, then cut the energy restricted to s x s-block-constant labellings
   (``multilevel.CoarseLevel``; block unaries via a 6-bit colour LUT).
3. *Band*: the exact full-resolution energy on the pixels within ``k`` of the coarse
   boundary (and around scribbles the blocks contradict), all other pixels fixed to their
   block's label (``multilevel.FineGraph``).

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
from grabseg.core.multilevel import BG, FG, CoarseLevel, FineGraph, Frame, band_of, block_sums, upsample
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


def block_size(params: GrabCutParams, window_pixels: int) -> int:
    """Coarse block size s >= 2 giving about ``params.large_coarse_nodes`` blocks."""
    return max(2, int(round(np.sqrt(window_pixels / max(params.large_coarse_nodes, 1)))))


class LargeGrabCut:
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
        self.samples = sampling.Samples(self.image, window, p.large_samples, p.bg_samples, self.rng)
        self._sample_blocks = self.coarse.block_of(self.samples.flat, f.w)
        self._hist = np.bincount(f.codes[f.hard == 0], minlength=1 << 18).astype(np.float64)
        t1 = time.perf_counter()
        if models is None:
            models, fg = self._initial(box, scribbles, prior)
            rounds = self._rounds(models, fg, iterations)
        else:
            self.models = models
            self._coarse_cut()
            rounds = 0
        t2 = time.perf_counter()
        self._global_band()
        self.base_models = self.models
        self.stats = {"s": self.s, "k": self.k, "window_px": n, "blocks": self.coarse.graph.n_nodes,
                      "rounds": rounds, "band_px": len(self.fine.nodes), "setup_s": t1 - t0,
                      "coarse_s": t2 - t1, "band_s": time.perf_counter() - t2}
        return self.mask()

    def _initial(self, box, scribbles, prior) -> tuple[tuple[gmm.GaussianMixture, gmm.GaussianMixture], npt.NDArray[np.bool_]]:
        """Models and sample labels from GrabCut on a small copy (the standard engine)."""
        from grabseg.core.coarse import downscale
        from grabseg.core.grabcut import run_native
        from grabseg.core.solver import GrabCutSolver

        p, f = self.params, self.frame
        factor = max(1.0, float(np.sqrt(f.h * f.w / max(p.coarse_nodes, 1))))
        small, sbox, sscr, spri = downscale(self.image, factor, box, scribbles, prior)
        solver = GrabCutSolver(small, replace(p, coarse_nodes=0, postprocess=False, exact=True), self.rng)
        m = run_native(solver, sbox, sscr, spri, p.coarse_iterations)
        H, W = self.image.shape[:2]
        y, x = np.divmod(self.samples.flat, f.w)
        sy = np.minimum(((y + f.window[0]) * m.shape[0]) // H, m.shape[0] - 1)
        sx = np.minimum(((x + f.window[2]) * m.shape[1]) // W, m.shape[1] - 1)
        fg = m[sy, sx]
        if solver.fg_model is None or solver.bg_model is None or not fg.any():
            fg = np.ones(len(fg), bool) if box is not None else f.hard[self.samples.flat] == FG
            return self._kmeans_models(fg), fg
        return (solver.fg_model, solver.bg_model), fg

    def _kmeans_models(self, fg: npt.NDArray[np.bool_]) -> tuple[gmm.GaussianMixture, gmm.GaussianMixture]:
        k, out = self.params.n_components, []
        for x in (self.samples.rgb[fg], np.concatenate([self.samples.rgb[~fg], self.samples.out_rgb])):
            if len(x) == 0:
                raise ValueError("nothing to learn a colour model from (no foreground or background pixels)")
            x = x[:self.params.kmeans_samples]
            out.append(gmm.fit(x, gmm.kmeans_components(x, k, self.rng), k))
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
        self._lut_fg, self._lut_bg = sampling.lut_costs(value[0]), sampling.lut_costs(value[1])
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
    def _band(self, r0: int, r1: int, c0: int, c1: int) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.uint8]]:
        """Band (nodes) and coarse labels of window rows r0:r1, cols c0:c1."""
        h, w, k = self.frame.h, self.frame.w, self.k
        e0, e1, g0, g1 = max(r0 - k, 0), min(r1 + k, h), max(c0 - k, 0), min(c1 + k, w)
        up = upsample(self.coarse.labels, self.s, (h, w), rows=(e0, e1), cols=(g0, g1)).astype(np.uint8)
        pad = ((int(e0 == 0), int(e1 == h)), (int(g0 == 0), int(g1 == w)))
        up_p = np.pad(up, pad)
        band = band_of(up_p, k)
        hard = np.pad(self.frame.hard.reshape(h, w)[e0:e1, g0:g1], pad)
        contra = ((hard == FG) & (up_p == 0)) | ((hard == BG) & (up_p == 1))
        if contra.any():
            band |= band_of(contra.astype(np.uint8), k) | contra
        t, l = r0 - e0 + pad[0][0], c0 - g0 + pad[1][0]
        return band[t:t + r1 - r0, l:l + c1 - c0], up[r0 - e0:r1 - e0, c0 - g0:c1 - g0]

    def _fine_graph(self, nodes: npt.NDArray[np.int64]) -> FineGraph:
        return FineGraph(self.frame, nodes, self.labels, self.models, lam=self.params.lam,
                         prior=self.prior, beta=self.beta, gamma=self.params.gamma)

    def _global_band(self) -> None:
        f = self.frame
        band, up = self._band(0, f.h, 0, f.w)
        self.labels = up.ravel().copy()
        self.free = band.ravel()
        nodes = np.flatnonzero(self.free)
        self.fine = self._fine_graph(nodes)
        self.labels[nodes] = self.fine.solve()

    def mask(self) -> npt.NDArray[np.bool_]:
        """The current (H, W) bool mask, post-processed as ``grabcut.finish`` does."""
        out = np.zeros(self.image.shape[:2], bool)
        y0, y1, x0, x1 = self.frame.window
        out[y0:y1, x0:x1] = self.labels.reshape(self.frame.h, self.frame.w).view(bool)
        if self.params.postprocess:
            anchors = None if self.scribbles is None else self.scribbles == FG
            out = keep_anchored(out, anchors, min_fraction=self.params.min_island)
        return out

    # ---- scribbles on a warm state ------------------------------------------------------------
    def update(self, scribbles: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
        """Apply the full scribble map (0 none, 1 fg, 2 bg); returns the new (H, W) mask."""
        t0 = time.perf_counter()
        old = self.scribbles if self.scribbles is not None else np.zeros(scribbles.shape, np.uint8)
        diff = np.flatnonzero(old.ravel() != scribbles.ravel())
        self.scribbles = scribbles.copy()
        if len(diff) == 0:
            return self.mask()
        H, W = self.image.shape[:2]
        ys, xs = np.divmod(diff, W)
        y0, y1, x0, x1 = self.frame.window
        values = scribbles.ravel()[diff]
        inside = (ys >= y0) & (ys < y1) & (xs >= x0) & (xs < x1)
        if np.any(values[~inside] == FG):  # the window grows: new frame, warm models
            self.stats = {"path": "rebuild"}
            return self.start(self.box, scribbles, self.prior_map, 1, models=self.models)
        flat = ((ys[inside] - y0) * self.frame.w + xs[inside] - x0).astype(np.int64)
        if len(flat) == 0:  # background scribbles outside the window change nothing
            return self.mask()
        new, old_hard = values[inside], self.frame.hard[flat].copy()
        self.frame.hard[flat] = new
        self._hist += np.bincount(self.frame.codes[flat[old_hard != 0]], minlength=1 << 18)
        self._hist -= np.bincount(self.frame.codes[flat[new != 0]], minlength=1 << 18)
        marked = flat[new != 0]
        if not scribbles.any() and self.models is not self.base_models:
            self.models, path = self.base_models, "recut"
            self._recut()
        elif len(marked) and sampling.drifted(self.models, self.samples.reference, self.frame.colours(marked),
                                              new[new != 0] == FG, fraction=self.params.drift_fraction):
            fg = self.labels[self.samples.flat].astype(bool)
            extra = (self.frame.colours(marked), new[new != 0] == FG)
            self.models, path = self.samples.fit(self.models, fg, weighted=self.params.weighted_assignment,
                                                 extra=extra), "refit"
            self._recut()
        else:
            path = self._stroke(flat, old_hard, new)
        self.stats = {"path": path, "update_s": time.perf_counter() - t0, "fine_px": len(self.fine.nodes)}
        return self.mask()

    def _recut(self) -> None:
        """Cut the whole window again with the current models (coarse level, then the band)."""
        self._coarse_cut()
        self._global_band()

    def _stroke(self, flat: npt.NDArray[np.int64], old_hard: npt.NDArray[np.uint8],
                new: npt.NDArray[np.uint8]) -> str:
        """Coarse re-solve with reuse, then the fine labels around the change; returns the path."""
        c = self.coarse
        blocks = c.block_of(flat, self.frame.w)
        delta = np.bincount(blocks, self._pixel_unary(flat, new) - self._pixel_unary(flat, old_hard))
        touched = np.flatnonzero(np.bincount(blocks, minlength=len(delta)) > 0)
        before = c.labels.copy()
        c.set_unary(c.unary[touched] + delta[touched], touched)
        c.solve()
        flipped = np.flatnonzero(before.ravel() != c.labels.ravel())
        return self._refine(flat, flipped)

    def _refine(self, flat: npt.NDArray[np.int64], flipped: npt.NDArray[np.int64]) -> str:
        """Re-solve the fine labels in a rectangle around changed pixels and flipped blocks."""
        f, s, m = self.frame, self.s, self.k + 2
        ys, xs = np.divmod(flat, f.w)
        by, bx = np.divmod(flipped, self.coarse.nbx)
        r0 = min(int(ys.min()), int(by.min()) * s if len(by) else f.h) - m
        r1 = max(int(ys.max()) + 1, (int(by.max()) + 1) * s if len(by) else 0) + m
        c0 = min(int(xs.min()), int(bx.min()) * s if len(bx) else f.w) - m
        c1 = max(int(xs.max()) + 1, (int(bx.max()) + 1) * s if len(bx) else 0) + m
        r0, r1, c0, c1 = max(r0, 0), min(r1, f.h), max(c0, 0), min(c1, f.w)
        band, up = self._band(r0, r1, c0, c1)
        lab = self.labels.reshape(f.h, f.w)
        free = self.free.reshape(f.h, f.w)
        old = lab[r0:r1, c0:c1].copy()
        lab[r0:r1, c0:c1] = np.where(band, old, up)
        if np.array_equal(free[r0:r1, c0:c1], band):  # the warm graph covers the band here
            ry, rx = np.nonzero(~band & (old != up))
            self.fine.update_fixed(self.labels, ((ry + r0) * f.w + rx + c0).astype(np.int64))
            pos = np.searchsorted(self.fine.nodes, flat)
            ok = pos < len(self.fine.nodes)
            ok[ok] = self.fine.nodes[pos[ok]] == flat[ok]
            self.fine.update_tlinks(np.unique(pos[ok]))
            self.labels[self.fine.nodes] = self.fine.solve()
            return "reuse"
        ny, nx = np.nonzero(band)
        nodes = ((ny + r0) * f.w + nx + c0).astype(np.int64)
        self.free[:] = False
        self.free[nodes] = True
        self.fine = self._fine_graph(nodes)
        self.labels[nodes] = self.fine.solve()
        return "local"
