"""Where the large-image path cuts at full resolution: the band and its growth (a mixin).

The band holds the pixels within ``k`` of a change of the coarse labels, plus blocks the
uncertainty test flags, *sensitive* blocks (whose coarse label flips when the boundary
costs are scaled by a factor of ``uncertain_boundary``: region-level near-ties,
``CoarseLevel.sensitive``) and scribbles the blocks contradict (:meth:`BandSelection._band`),
capped at ``band_max_px`` nodes, plus the small fixed areas it encloses. Every other
window pixel is fixed to its block's label.

**Growth** (iterative banded graph cut, Lombaert et al. 2005; Sinop & Grady 2006): where
the band's cut reaches its outer edge (a band pixel labelled unlike the fixed pixel next
to it), the fixed labels were wrong there: a thin structure continues past the band, or
the cut wants to move a whole region next to it. The band grows there by ``k`` and the
full-resolution energy is re-solved on the new pixels and the band pixels within ``k`` of
them, everything else held at its current label. Each such step is an exact min-cut of a
sub-problem, so the energy never rises; it stops when no band edge is crossed or at
``band_grow_rounds`` / ``band_grow_max_px``.

**Dense pass**: when the band reached its cap (a window full of thin structure), the
band and every block more uncertain than ``band_dense_ratio`` are first cut at full
resolution, uncapped, in row strips of at most ``band_max_px`` nodes and then across
their seams (:meth:`BandSelection._dense_pass`). See docs/large-images.md.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from grabseg.core.multilevel import BG, FG, band_of, block_sums, upsample

_NEIGHBOURS = ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1))


def edge_crossings(labels: npt.NDArray[np.uint8], decided: npt.NDArray[np.bool_], seeds: npt.NDArray[np.int64],
                   own: npt.NDArray[np.uint8], shape: tuple[int, int]) -> npt.NDArray[np.int64]:
    """Undecided pixels next to a pixel of ``seeds`` whose label ``own`` differs from theirs.

    Parameters
    ----------
    labels : (h * w,) uint8
    decided : (h * w,) bool
        Pixels whose label a full-resolution cut chose (the band and its growth).
    seeds : (n,) int64
        Decided pixels to look around (flat indices).
    own : (n,) uint8
        A labelling of the seeds (e.g. of a free-boundary cut).
    shape : (h, w)

    Returns
    -------
    (m,) int64, sorted unique flat indices of the fixed pixels the cut reaches.
    """
    h, w = shape
    y, x = np.divmod(seeds, w)
    out = []
    for dy, dx in _NEIGHBOURS:
        ok = (y + dy >= 0) & (y + dy < h) & (x + dx >= 0) & (x + dx < w)
        q = seeds[ok] + (dy * w + dx)
        out.append(q[~decided[q] & (labels[q] != own[ok])])
    return np.unique(np.concatenate(out)) if out else np.zeros(0, np.int64)


def _ranked(blocks: npt.NDArray[np.bool_] | None, key: npt.NDArray[np.float64] | None) -> npt.NDArray[np.int64]:
    """Flat indices of the True ``blocks``, ascending ``key`` (the ones to keep longest first)."""
    if blocks is None or key is None:
        return np.zeros(0, np.int64)
    flagged = np.flatnonzero(blocks.ravel())
    return flagged[np.argsort(key.ravel()[flagged], kind="stable")]


def _mask(flat: npt.NDArray[np.int64], shape: tuple[int, ...]) -> npt.NDArray[np.bool_]:
    out = np.zeros(shape, bool)
    out.ravel()[flat] = True
    return out


class BandSelection:
    """Mixin of ``LargeGrabCut``: the band (uncertain blocks, cap) and its growth."""

    def _uncertainty(self) -> npt.NDArray[np.float64]:
        """Per block: data-term gain of flipping the pixels that prefer the other label, and an
        estimate of the cut that carving them out costs (sign changes x mean edge weight)."""
        f, s = self.frame, self.s
        d = self._pixel_unary(None, f.hard).reshape(f.h, f.w)
        unary = self.coarse.unary.reshape(self.coarse.nby, self.coarse.nbx)
        neg = d < 0
        changes = np.zeros(d.shape, np.float32)
        changes[:, 1:] = neg[:, 1:] != neg[:, :-1]
        changes[1:, :] += neg[1:, :] != neg[:-1, :]
        np.maximum(d, 0, out=d)  # what flipping fg -> bg would save
        to_bg = block_sums(d, s)
        per_edge = self.coarse.outline.reshape(unary.shape) / (4 * s)
        n = block_sums(changes, s)
        cost = np.where(n > 0, np.minimum(n, 4 * s) * per_edge, 4 * s * per_edge)
        gain = np.where(self.coarse.labels, to_bg, to_bg - unary)  # bg -> fg: sum max(-d, 0) = sum max(d, 0) - sum d
        ratio = gain / np.maximum(cost, 1e-9)
        eta = self.params.uncertain_ratio
        self._unsure = ratio > eta if eta > 0 else None
        return ratio

    def _capped_band(self, ratio: npt.NDArray[np.float64] | None):
        """The global band, kept under ``params.band_max_px`` nodes (memory, time) by dropping
        uncertain blocks, lowest gain / cost first, then sensitive blocks, strongest data
        first (the boundary band itself is never cut)."""
        f, cap = self.frame, self.params.band_max_px
        band, up = self._band(0, f.h, 0, f.w)
        unsure = _ranked(self._unsure, None if ratio is None else -ratio)
        c = self.coarse
        strength = None if self._sensitive is None else np.abs(c.unary) / np.maximum(c.outline, 1e-9)
        sensitive = _ranked(self._sensitive, strength)
        self.capped = False
        while band.sum() > cap and (len(unsure) or len(sensitive)):
            self.capped = True
            if len(unsure):
                unsure = unsure[:len(unsure) // 2]
                self._unsure = _mask(unsure, self._unsure.shape)
            else:
                sensitive = sensitive[:len(sensitive) // 2]
                self._sensitive = _mask(sensitive, self._sensitive.shape)
            band, up = self._band(0, f.h, 0, f.w)
        return band, up

    def _band(self, r0: int, r1: int, c0: int, c1: int) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.uint8]]:
        """Band (nodes) and coarse labels of window rows r0:r1, cols c0:c1."""
        h, w, k = self.frame.h, self.frame.w, self.k
        e0, e1, g0, g1 = max(r0 - k, 0), min(r1 + k, h), max(c0 - k, 0), min(c1 + k, w)
        up = upsample(self.coarse.labels, self.s, (h, w), rows=(e0, e1), cols=(g0, g1)).astype(np.uint8)
        pad = ((int(e0 == 0), int(e1 == h)), (int(g0 == 0), int(g1 == w)))
        up_p = np.pad(up, pad)
        band = band_of(up_p, k)
        if self._sensitive is not None and self._sensitive.any():
            ss = np.pad(upsample(self._sensitive, self.s, (h, w), rows=(e0, e1), cols=(g0, g1)).astype(np.uint8), pad)
            band |= band_of(ss, k) | ss.astype(bool)
        if self._unsure is not None and self._unsure.any():
            uu = np.pad(upsample(self._unsure, self.s, (h, w), rows=(e0, e1), cols=(g0, g1)).astype(np.uint8), pad)
            band |= band_of(uu, k) | uu.astype(bool)
        hard = np.pad(self.frame.hard.reshape(h, w)[e0:e1, g0:g1], pad)
        contra = (((hard == FG) & (up_p == 0)) | ((hard == BG) & (up_p == 1))) & ~band
        if contra.any():  # scribbles the blocks contradict, away from their boundary
            band |= band_of(contra.astype(np.uint8), k) | contra
        t, l = r0 - e0 + pad[0][0], c0 - g0 + pad[1][0]
        return band[t:t + r1 - r0, l:l + c1 - c0], up[r0 - e0:r1 - e0, c0 - g0:c1 - g0]

    def _fill_holes(self, band: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        """The band plus its holes (fixed areas it encloses) smaller than ``band_hole_blocks``
        blocks, unless that exceeds ``band_max_px``: a region the band almost covers can then
        flip as a whole."""
        limit = self.params.band_hole_blocks * self.s * self.s
        if limit <= 0:
            return band
        n, cc, stats, _ = cv2.connectedComponentsWithStats((~band).view(np.uint8), connectivity=4)
        h, w = band.shape
        x, y, bw, bh, area = stats.T
        small = (area <= limit) & (x > 0) & (y > 0) & (x + bw < w) & (y + bh < h)
        small[0] = small[0] and not band.flat[0]
        if not small.any() or band.sum() + area[small].sum() > self.params.band_max_px:
            return band
        return band | small[cc]

    def _dense_pass(self, ratio: npt.NDArray[np.float64]) -> int:
        """Cut the full-resolution energy on the *dense* blocks (uncertainty ratio above
        ``band_dense_ratio``, dilated by ``k``) and the band, uncapped, in row strips of at most
        ``band_max_px`` nodes, each with every other pixel held at its current label (exact
        sub-problems, so the energy never rises). Marks them decided; returns the pixels cut."""
        f, k, cap = self.frame, self.k, max(self.params.band_max_px, 1)
        dense = upsample((ratio > self.params.band_dense_ratio).astype(np.uint8), self.s, (f.h, f.w))
        region = cv2.dilate(dense, np.ones((2 * k + 1, 2 * k + 1), np.uint8)).view(bool)
        del dense
        region |= self.free.reshape(f.h, f.w)
        self.decided |= region.ravel()
        cum = np.cumsum(np.count_nonzero(region, axis=1))
        strips, start = [], 0
        while start < f.h:
            base = int(cum[start - 1]) if start else 0
            end = max(int(np.searchsorted(cum, base + cap, side="right")), start + 1)
            strips.append((start, end))
            start = end
        m = max(1, min(8 * k, cap // (2 * f.w)))  # then across each seam (at most the cap), where
        # a strip saw its neighbour at the block labels
        seams = [(max(e - m, 0), min(e + m, f.h)) for _, e in strips[:-1]]
        for r0, r1 in strips + seams:
            nodes = np.flatnonzero(region[r0:r1]) + r0 * f.w
            if len(nodes):
                self.labels[nodes] = self._fine_graph(nodes).solve()
        return int(cum[-1])

    # ---- growth -------------------------------------------------------------------------------
    def _grow(self, nodes: npt.NDArray[np.int64]) -> tuple[int, int]:
        """Grow the band where its cut (over ``nodes``, solved) reaches the outer edge, and cut
        the new pixels and the decided ones within ``k`` of them, until the cut stays inside
        (see the module docstring). Returns (rounds, grown pixels)."""
        p, f = self.params, self.frame
        rounds = grown = 0
        changed = []
        while rounds < p.band_grow_rounds:
            reached = edge_crossings(self.labels, self.decided, nodes, self.labels[nodes], (f.h, f.w))
            if len(reached) == 0:
                break
            new, region = self._growth_region(reached)
            if len(new) == 0 or grown + len(region) > p.band_grow_max_px:
                break
            self.decided[new] = True
            cut = self._fine_graph(region).solve().astype(np.uint8)
            changed.append(region[self.labels[region] != cut])
            self.labels[region] = cut
            nodes, rounds, grown = region, rounds + 1, grown + len(new)
        if changed:  # the warm band graph reads the labels of its fixed neighbours
            self.fine.update_fixed(self.labels, np.concatenate(changed))
        return rounds, grown

    def _growth_region(self, reached: npt.NDArray[np.int64],
                       radius: int | None = None) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Undecided pixels within ``radius`` (default k) of ``reached`` (new) and those plus
        the decided pixels within ``k`` of them; sorted window flat indices."""
        f, k = self.frame, self.k
        g = radius or k
        y, x = np.divmod(reached, f.w)
        r0, r1 = max(int(y.min()) - g - k, 0), min(int(y.max()) + g + k + 1, f.h)
        c0, c1 = max(int(x.min()) - g - k, 0), min(int(x.max()) + g + k + 1, f.w)
        seed = np.zeros((r1 - r0, c1 - c0), np.uint8)
        seed[y - r0, x - c0] = 1
        decided = self.decided.reshape(f.h, f.w)[r0:r1, c0:c1]
        new = cv2.dilate(seed, np.ones((2 * g + 1, 2 * g + 1), np.uint8)).view(bool) & ~decided
        near = cv2.dilate(new.view(np.uint8), np.ones((2 * k + 1, 2 * k + 1), np.uint8)).view(bool)
        nodes = new | (near & decided)

        def flat(m: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
            ny, nx = np.nonzero(m)
            return ((ny + r0) * f.w + nx + c0).astype(np.int64)

        return flat(new), flat(nodes)
