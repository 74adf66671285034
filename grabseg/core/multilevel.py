"""Coarse-to-fine pieces of the large-image path: a block graph and a fine node-set graph.

:class:`Frame` holds one node window of an image: its crop (window plus a one-pixel ring),
packed colours, 6-bit colour codes and the hard-constraint map. :class:`CoarseLevel` is the
GrabCut energy restricted to labellings constant on s x s blocks (block unaries are sums of
pixel unaries, block n-links sums of the fine n-links between the two blocks, scaled by
:data:`ISOTROPY`), so a coarse labelling costs what its upsampled labelling costs at full
resolution, with staircase boundaries priced like the smooth boundaries of a fine cut.
:class:`FineGraph` is the full-resolution energy on a node set (a band) with every other
window pixel fixed to a given label; its t-links can be changed and the cut re-solved with
``reuse_trees`` (exact). Maths and measurements: docs/large-images.md.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from grabseg.core import links
from grabseg.core.gmm import GaussianMixture
from grabseg.core.graph import CutGraph

UNKNOWN, FG, BG = 0, 1, 2  # hard-constraint codes (as the trimap of solver.py)
#: Scale of the coarse n-links: a block boundary is a staircase, whose length averaged over
#: uniformly distributed boundary orientations is 4/pi times the Euclidean length that the
#: fine 8-connected cut pays, so pi/4 makes the coarse boundary cost unbiased on average.
ISOTROPY = float(np.pi / 4)


class Frame:
    """One node window ``(y0, y1, x0, x1)`` of an (H, W, 3) uint8 image, memory-lean.

    Attributes: ``h, w`` (window), ``crop`` (cy0, cy1, cx0, cx1 in image coordinates),
    ``cshape``, ``cwin`` (window inside the crop), ``packed`` (crop, int32),
    ``codes`` (window, uint32 6-bit-per-channel colour codes), ``bins`` / ``bin_rgb`` (the
    occupied codes and the mean colour of their pixels), ``hard`` (window, uint8).
    """

    def __init__(self, image: npt.NDArray[np.uint8], window: tuple[int, int, int, int]) -> None:
        H, W = image.shape[:2]
        y0, y1, x0, x1 = self.window = window
        self.image = image
        self.h, self.w = y1 - y0, x1 - x0
        cy0, cy1, cx0, cx1 = self.crop = (max(y0 - 1, 0), min(y1 + 1, H), max(x0 - 1, 0), min(x1 + 1, W))
        self.cshape = (cy1 - cy0, cx1 - cx0)
        self.cwin = (y0 - cy0, y1 - cy0, x0 - cx0, x1 - cx0)
        self.packed = links.pack_rgb(image[cy0:cy1, cx0:cx1])
        win = image[y0:y1, x0:x1]
        codes = (win[:, :, 0] >> 2).astype(np.uint32) << 12
        codes |= (win[:, :, 1] >> 2).astype(np.uint32) << 6
        codes |= win[:, :, 2] >> 2
        self.codes = codes.ravel()
        self.bins, self.bin_rgb = _bin_means(win, self.codes)
        self.hard = np.zeros(self.h * self.w, np.uint8)
        self._ids = np.full(self.cshape[0] * self.cshape[1], -1, np.int32)

    def to_crop(self, flat: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Window flat indices -> crop flat indices."""
        y, x = np.divmod(flat, self.w)
        return (y + self.cwin[0]) * self.cshape[1] + x + self.cwin[2]

    def to_window(self, cflat: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Crop flat indices -> window flat indices, -1 for ring pixels."""
        y, x = np.divmod(cflat, self.cshape[1])
        y, x = y - self.cwin[0], x - self.cwin[2]
        ok = (y >= 0) & (y < self.h) & (x >= 0) & (x < self.w)
        return np.where(ok, y * self.w + x, -1)

    def colours(self, flat: npt.NDArray[np.int64]) -> npt.NDArray[np.float32]:
        """(n, 3) float32 RGB of window pixels."""
        p = self.packed[self.to_crop(flat)]
        return np.stack([(p >> 16) & 255, (p >> 8) & 255, p & 255], 1).astype(np.float32)

    def ring_links(self, *, beta: float, gamma: float) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Window flat index and summed weight of the links from window pixels to the ring."""
        h, w = self.h, self.w
        edge = np.zeros((h, w), bool)
        edge[[0, -1], :] = True
        edge[:, [0, -1]] = True
        flat = np.flatnonzero(edge)
        *_, fn, _, fw = links.node_links(self.packed, self.cshape, self.cwin, self.to_crop(flat), None,
                                         beta=beta, gamma=gamma)
        return flat, np.bincount(fn, fw, len(flat))


def _bin_means(win: npt.NDArray[np.uint8], codes: npt.NDArray[np.uint32],
               chunk: int = 1 << 20) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Occupied 6-bit colour bins and the mean colour of the window pixels in each (chunked,
    so no float64 copy of the window is made)."""
    flat = win.reshape(-1, 3)
    count = np.zeros(1 << 18)
    sums = np.zeros((3, 1 << 18))
    for i in range(0, len(codes), chunk):
        c = codes[i:i + chunk]
        count += np.bincount(c, minlength=1 << 18)
        for ch in range(3):
            sums[ch] += np.bincount(c, flat[i:i + chunk, ch], 1 << 18)
    used = np.flatnonzero(count)
    return used, (sums[:, used] / count[used]).T.astype(np.float32)


def block_sums(d: npt.NDArray[np.float32], s: int) -> npt.NDArray[np.float64]:
    """Sums over s x s blocks of an (h, w) float32 map (last blocks may be partial): (nby, nbx)."""
    h, w = d.shape
    hb, wb = h // s, w // s
    out = np.zeros((-(-h // s), -(-w // s)))
    if hb and wb:
        out[:hb, :wb] = cv2.resize(d[:hb * s, :wb * s], (wb, hb), interpolation=cv2.INTER_AREA) * float(s * s)
    if w > wb * s:
        out[:, wb] = np.add.reduceat(d[:, wb * s:].sum(1, dtype=np.float64), np.arange(0, h, s))
    if h > hb * s:
        out[hb, :wb] = np.add.reduceat(d[hb * s:, :wb * s].sum(0, dtype=np.float64), np.arange(0, wb * s, s))
    return out


def upsample(blocks: npt.NDArray, s: int, shape: tuple[int, int],
             rows: tuple[int, int] | None = None, cols: tuple[int, int] | None = None) -> npt.NDArray:
    """Block labels (nby, nbx) -> pixel labels of ``shape`` (or of its ``rows`` x ``cols`` part)."""
    r0, r1 = rows or (0, shape[0])
    c0, c1 = cols or (0, shape[1])
    sub = blocks[r0 // s:(r1 - 1) // s + 1, c0 // s:(c1 - 1) // s + 1]
    big = np.repeat(np.repeat(sub, s, 0), s, 1)
    return big[r0 - (r0 // s) * s:r1 - (r0 // s) * s, c0 - (c0 // s) * s:c1 - (c0 // s) * s]


def band_of(labels: npt.NDArray[np.uint8], k: int) -> npt.NDArray[np.bool_]:
    """Pixels within ``k`` (Chebyshev distance) of a label change of an (h, w) uint8 map."""
    kernel = np.ones((2 * k + 1, 2 * k + 1), np.uint8)
    return cv2.dilate(labels, kernel) != cv2.erode(labels, kernel)


class CoarseLevel:
    """The energy restricted to block-constant labellings, as a warm graph over blocks.

    Parameters
    ----------
    frame : Frame
    s : int
        Block size.
    beta, gamma : float
    """

    def __init__(self, frame: Frame, s: int, *, beta: float, gamma: float) -> None:
        y0, y1, x0, x1 = frame.window
        self.s, self.shape = s, (frame.h, frame.w)
        self.nby, self.nbx = -(-frame.h // s), -(-frame.w // s)
        nb = self.nby * self.nbx
        bl = links.block_links(frame.image[y0:y1, x0:x1], s, beta=beta, gamma=gamma * ISOTROPY)
        ids = np.arange(nb).reshape(self.nby, self.nbx)
        pairs = ((ids[:, :-1], ids[:, 1:], bl["right"]), (ids[:-1], ids[1:], bl["down"]),
                 (ids[:-1, :-1], ids[1:, 1:], bl["down_right"]), (ids[:-1, 1:], ids[1:, :-1], bl["down_left"]))
        i = np.concatenate([a.ravel() for a, _, _ in pairs])
        j = np.concatenate([b.ravel() for _, b, _ in pairs])
        wt = np.concatenate([c.ravel() for _, _, c in pairs])
        keep = wt > 0
        self.outline = np.bincount(i, wt, nb) + np.bincount(j, wt, nb)  # cost of isolating a block
        self.graph = CutGraph(nb, int(keep.sum()))
        self.graph.add_edges(i[keep], j[keep], wt[keep])
        flat, ring = frame.ring_links(beta=beta, gamma=gamma)
        by, bx = np.divmod(flat, frame.w)
        self.border = np.bincount((by // s) * self.nbx + bx // s, ring, nb)
        self.outline += self.border
        self.unary = np.zeros(nb)
        self.labels = np.zeros((self.nby, self.nbx), bool)

    def block_of(self, flat: npt.NDArray[np.int64], width: int) -> npt.NDArray[np.int64]:
        """Block index of window flat indices (window width ``width``)."""
        y, x = np.divmod(flat, width)
        return (y // self.s) * self.nbx + x // self.s

    def set_unary(self, unary: npt.NDArray[np.float64], blocks: npt.NDArray[np.int64] | None = None) -> None:
        """Set block unaries ``sum (cost_fg - cost_bg)`` of all blocks, or of ``blocks``."""
        if blocks is None:
            self.unary = unary.ravel().astype(np.float64)
            d = self.unary
        else:
            self.unary[blocks] = unary
            d = self.unary[blocks]
        self.graph.set_tlinks(blocks, np.maximum(-d, 0.0),
                              np.maximum(d, 0.0) + (self.border if blocks is None else self.border[blocks]))

    def sensitive(self, factors: tuple[float, ...]) -> npt.NDArray[np.bool_]:
        """(nby, nbx) bool: blocks whose label changes when the boundary costs are scaled by any
        of ``factors`` (cut with the unaries divided by it: the same minimiser), i.e. regions
        decided by a near-tie between their data and their boundary. The graph is restored."""
        base = self.labels.copy()
        out = np.zeros(base.shape, bool)
        for factor in factors:
            d = self.unary / factor
            self.graph.set_tlinks(None, np.maximum(-d, 0.0), np.maximum(d, 0.0) + self.border)
            self.graph.solve()
            out |= self.graph.foreground().reshape(base.shape) != base
        self.set_unary(self.unary)
        self.solve()
        return out

    def solve(self) -> float:
        """Cut (reusing trees after the first); returns the flow and updates ``labels``."""
        flow = self.graph.solve()
        self.labels = self.graph.foreground().reshape(self.nby, self.nbx)
        return flow


class FineGraph:
    """Full-resolution energy on window pixels ``nodes``; every other pixel fixed to ``fixed``.

    Parameters
    ----------
    frame : Frame
    nodes : (n,) int64
        Sorted window flat indices.
    fixed : (h * w,) uint8
        0/1 labels of the window (read at the non-node neighbours; outside is background).
    models : (fg, bg) GaussianMixture
    lam : float
        Hard-constraint capacity.
    prior : (2, h * w) float32 or None
        Prior costs (foreground, background) per window pixel.
    beta, gamma : float
    """

    def __init__(self, frame: Frame, nodes: npt.NDArray[np.int64], fixed: npt.NDArray[np.uint8],
                 models: tuple[GaussianMixture, GaussianMixture], *, lam: float,
                 prior: npt.NDArray[np.float32] | None, beta: float, gamma: float) -> None:
        self.frame, self.nodes, self.lam, self.prior = frame, nodes, lam, prior
        cnodes = frame.to_crop(nodes)
        ids = frame._ids
        ids[cnodes] = np.arange(len(nodes), dtype=np.int32)
        self.graph = CutGraph(len(nodes), 4 * len(nodes))  # at most 4 links per node
        fixed_links: list[tuple] = []
        try:  # links are added one neighbour offset at a time: no graph-sized temporaries
            for kind, a, b, w in links.iter_node_links(frame.packed, frame.cshape, frame.cwin, cnodes, ids,
                                                       beta=beta, gamma=gamma):
                if kind == "pair":
                    self.graph.add_edges(a, b, w)
                else:
                    fixed_links.append((a, b, w))
        finally:
            ids[cnodes] = -1
        if fixed_links:
            self.fn = np.concatenate([x[0] for x in fixed_links])
            self.fq = frame.to_window(np.concatenate([x[1] for x in fixed_links]))
            self.fw = np.concatenate([x[2] for x in fixed_links])
        else:
            self.fn, self.fq, self.fw = np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        self.set_models(models, fixed)

    def set_models(self, models: tuple[GaussianMixture, GaussianMixture], fixed: npt.NDArray[np.uint8]) -> None:
        """Exact data costs of the nodes under ``models``, borders from ``fixed``, all t-links."""
        rgb = self.frame.colours(self.nodes)
        self.cost_fg = models[0].neg_log_likelihood(rgb)
        self.cost_bg = models[1].neg_log_likelihood(rgb)
        self.border_src = np.zeros(len(self.nodes))
        self.border_snk = np.zeros(len(self.nodes))
        self.update_fixed(fixed, None)

    def update_fixed(self, fixed: npt.NDArray[np.uint8], changed: npt.NDArray[np.int64] | None) -> None:
        """Borders from the fixed labels (h * w,); ``changed`` (window flat indices) limits it."""
        lab = np.where(self.fq >= 0, fixed[np.maximum(self.fq, 0)], 0).astype(bool)
        n = len(self.nodes)
        if changed is None:
            self.border_src = np.bincount(self.fn[lab], self.fw[lab], n)
            self.border_snk = np.bincount(self.fn[~lab], self.fw[~lab], n)
            self.update_tlinks(None)
            return
        touched = np.unique(self.fn[np.isin(self.fq, changed)])
        if len(touched) == 0:
            return
        mine = np.isin(self.fn, touched)
        self.border_src[touched] = np.bincount(self.fn[mine & lab], self.fw[mine & lab], n)[touched]
        self.border_snk[touched] = np.bincount(self.fn[mine & ~lab], self.fw[mine & ~lab], n)[touched]
        self.update_tlinks(touched)

    def update_tlinks(self, idx: npt.NDArray[np.int64] | None) -> None:
        """t-links of node ids ``idx`` (all if None) from data costs, hard map, prior, borders."""
        sel = slice(None) if idx is None else idx
        hard = self.frame.hard[self.nodes[sel]]
        src = self.cost_bg[sel].astype(np.float64)
        snk = self.cost_fg[sel].astype(np.float64)
        if self.prior is not None:
            src += self.prior[1, self.nodes[sel]]
            snk += self.prior[0, self.nodes[sel]]
        src = np.where(hard == FG, self.lam, np.where(hard == BG, 0.0, src)) + self.border_src[sel]
        snk = np.where(hard == BG, self.lam, np.where(hard == FG, 0.0, snk)) + self.border_snk[sel]
        self.graph.set_tlinks(idx, src, snk)

    def solve(self) -> npt.NDArray[np.bool_]:
        """Cut (``reuse_trees`` after the first solve); (n,) bool foreground of the nodes."""
        self.flow = self.graph.solve()
        return self.graph.foreground()
