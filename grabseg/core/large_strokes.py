"""Scribble updates of a warm ``large.LargeGrabCut`` (a mixin; see that module).

A scribble changes the unaries of the blocks it touches; the warm coarse graph is
re-solved with ``reuse_trees`` (exact). The fine labels are then re-solved in a rectangle
around the changed pixels and flipped blocks: on the warm fine graph with ``reuse_trees``
when its nodes already are the band there (only t-links change: the scribbled nodes' and
those of nodes next to fixed pixels whose label changed), else on a fresh local graph,
which becomes the warm one. The colour models stay as they are unless the scribble
*drifts* them (``sampling.drifted``): then they are refitted and the window is cut again.
"""

from __future__ import annotations

import time

import numpy as np
import numpy.typing as npt

from grabseg.core import sampling
from grabseg.core.multilevel import FG, upsample


class StrokeUpdates:
    """Mixin of ``LargeGrabCut``: :meth:`update`, :meth:`reiterate` and their helpers."""

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
            mask = self.start(self.box, scribbles, self.prior_map, 1, models=self.models)
            self.stats["path"] = "rebuild"
            return mask
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
                                              fraction=self.params.drift_fraction):
            fg = self.labels[self.samples.flat].astype(bool)
            extra = (self.frame.colours(marked), new[new != 0] == FG)
            self.models, path = self.samples.fit(self.models, fg, weighted=self.params.weighted_assignment,
                                                 extra=extra), "refit"
            self._recut()
        else:
            path = self._stroke(flat, old_hard, new)
        self.stats = {"path": path, "update_s": time.perf_counter() - t0, "fine_px": len(self.fine.nodes),
                      "grown_px": self.growth[1]}
        return self.mask()

    def reiterate(self, rounds: int) -> npt.NDArray[np.bool_]:
        """GrabCut rounds from the current labels (refit on the sample, coarse cut), then the band."""
        t0 = time.perf_counter()
        fg = self.labels[self.samples.flat].astype(bool)
        self._rounds(self.models, fg, rounds)
        self._global_band()
        self.stats = {"path": "reiterate", "update_s": time.perf_counter() - t0, "fine_px": len(self.fine.nodes)}
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
        keep = band | self._kept(flipped, (r0, r1, c0, c1)) if self.dense_px else band
        lab[r0:r1, c0:c1] = np.where(keep, old, up)
        self.decided.reshape(f.h, f.w)[r0:r1, c0:c1] = keep
        ny, nx = np.nonzero(band)
        nodes = ((ny + r0) * f.w + nx + c0).astype(np.int64)
        if np.array_equal(free[r0:r1, c0:c1], band):  # the warm graph covers the band here
            ry, rx = np.nonzero(~keep & (old != up))
            self.fine.update_fixed(self.labels, ((ry + r0) * f.w + rx + c0).astype(np.int64))
            pos = np.searchsorted(self.fine.nodes, flat)
            ok = pos < len(self.fine.nodes)
            ok[ok] = self.fine.nodes[pos[ok]] == flat[ok]
            self.fine.update_tlinks(np.unique(pos[ok]))
            self.labels[self.fine.nodes] = self.fine.solve()
            self.growth = self._grow(nodes)
            return "reuse"
        self.free[:] = False
        self.free[nodes] = True
        self.fine = self._fine_graph(nodes)
        self.labels[nodes] = self.fine.solve()
        self.growth = self._grow(nodes)
        return "local"

    def _kept(self, flipped: npt.NDArray[np.int64], rect: tuple[int, int, int, int]) -> npt.NDArray[np.bool_]:
        """Pixels of ``rect`` (r0, r1, c0, c1) whose label the dense pass chose and that keep it
        off the band: decided, unscribbled, and in a block the stroke did not flip."""
        f, (r0, r1, c0, c1) = self.frame, rect
        moved = np.zeros(self.coarse.labels.shape, np.uint8)
        moved.ravel()[flipped] = 1
        moved = upsample(moved, self.s, (f.h, f.w), rows=(r0, r1), cols=(c0, c1)).view(bool)
        hard = f.hard.reshape(f.h, f.w)[r0:r1, c0:c1]
        return self.decided.reshape(f.h, f.w)[r0:r1, c0:c1] & ~moved & (hard == 0)
