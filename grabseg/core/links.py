"""Smoothness links of the GrabCut energy on *parts* of an image, memory-lean (numpy + OpenCV).

The energy is the one of ``energy.py``: V_pq = gamma / dist(p, q) * exp(-beta |z_p - z_q|^2)
over 8 neighbours. ``energy.nlinks`` evaluates it over a whole crop; the large-image path
needs it only where it is used:

- :func:`fast_beta` gives ``energy.compute_beta`` exactly (the integer sums are exact in
  float64) from ``cv2.norm``, ~100x faster at 12 MP;
- :func:`node_links` gives the links of an arbitrary node set (a band) and the links from
  its nodes to fixed pixels (which become t-links), touching only the nodes' neighbours;
- :func:`block_links` gives the exact restriction of the fine n-links to labellings that
  are constant on s x s blocks: the coarse edge between two blocks carries the sum of the
  fine edges that cross from one to the other (see docs/large-images.md).

Pixels are addressed in a *crop*: the node window plus a one-pixel ring where the image
has one. Ring pixels are background (outside the window everything is background).
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from grabseg.core.energy import OFFSETS

#: All eight (dy, dx, distance factor) neighbour offsets; the first four are "forward".
ALL_OFFSETS = OFFSETS + tuple((-dy, -dx, f) for dy, dx, f in OFFSETS)


def fast_beta(image: npt.NDArray[np.uint8]) -> float:
    """``energy.compute_beta(image)`` (same value) via ``cv2.norm``; image (H, W, 3) uint8."""
    h, w = image.shape[:2]
    total, count = 0.0, 0
    for dy, dx, _ in OFFSETS:
        if dy >= h or abs(dx) >= w:
            continue
        a = image[0:h - dy, max(-dx, 0):w - max(dx, 0)]
        b = image[dy:h, max(dx, 0):w - max(-dx, 0)]
        total += cv2.norm(np.ascontiguousarray(a), np.ascontiguousarray(b), cv2.NORM_L2SQR)
        count += a.shape[0] * a.shape[1]
    mean = total / max(count, 1)
    return 0.0 if mean <= np.finfo(float).eps else 1.0 / (2.0 * mean)


def pack_rgb(crop: npt.NDArray[np.uint8]) -> npt.NDArray[np.int32]:
    """(h, w, 3) uint8 -> (h * w,) int32 ``r << 16 | g << 8 | b`` (one gather per neighbour)."""
    out = crop[:, :, 0].astype(np.int32) << 16
    out |= crop[:, :, 1].astype(np.int32) << 8
    out |= crop[:, :, 2]
    return out.ravel()


def packed_weights(a: npt.NDArray[np.int32], b: npt.NDArray[np.int32], *, beta: float,
                   scale: float) -> npt.NDArray[np.float64]:
    """``scale * exp(-beta |z_a - z_b|^2)`` for packed colours (float64, as ``energy.nlinks``)."""
    d = (a >> 16) - (b >> 16)
    sq = d * d
    d = ((a >> 8) & 255) - ((b >> 8) & 255)
    sq += d * d
    d = (a & 255) - (b & 255)
    sq += d * d
    return scale * np.exp(-beta * sq.astype(np.float64))


def iter_node_links(packed: npt.NDArray[np.int32], shape: tuple[int, int],
                    window: tuple[int, int, int, int], nodes: npt.NDArray[np.int64],
                    ids: npt.NDArray[np.int32] | None, *, beta: float, gamma: float):
    """Links of a node set inside a crop, one neighbour offset at a time (bounded memory).

    Parameters
    ----------
    packed : (ch * cw,) int32
        Packed colours of the crop (:func:`pack_rgb`).
    shape : (ch, cw)
    window : (y0, y1, x0, x1)
        The node window in crop coordinates; crop pixels outside it are fixed background.
    nodes : (n,) int64
        Crop flat indices of the nodes (inside the window).
    ids : (ch * cw,) int32 or None
        Node id of each crop pixel, -1 for fixed. None: only the links to the ring are
        wanted (no node-node links; node ids are then positions in ``nodes``).
    beta, gamma : float

    Yields
    ------
    ("pair", i, j, w) : undirected node-node links (each once), int64, int64, float64
    ("fixed", n, q, w) : node id, crop flat index of the fixed neighbour, weight
    """
    ch, cw = shape
    y0, y1, x0, x1 = window
    py, px = np.divmod(nodes, cw)
    own = np.arange(len(nodes)) if ids is None else ids[nodes].astype(np.int64)
    cp = packed[nodes]
    for k, (dy, dx, factor) in enumerate(ALL_OFFSETS):
        qy, qx = py + dy, px + dx
        valid = (qy >= 0) & (qy < ch) & (qx >= 0) & (qx < cw)
        inside = valid & (qy >= y0) & (qy < y1) & (qx >= x0) & (qx < x1)
        del qy, qx
        q = nodes + (dy * cw + dx)
        if ids is None:
            qid = None
            fixed = valid & ~inside
            pairs = None
        else:
            qid = np.where(inside, ids[np.where(valid, q, 0)], -1)
            fixed = valid & (qid < 0)
            pairs = inside & (qid >= 0) if k < 4 else None
        if pairs is not None and pairs.any():
            yield ("pair", own[pairs], qid[pairs].astype(np.int64),
                   packed_weights(cp[pairs], packed[q[pairs]], beta=beta, scale=gamma * factor))
        if fixed.any():
            yield ("fixed", own[fixed], q[fixed],
                   packed_weights(cp[fixed], packed[q[fixed]], beta=beta, scale=gamma * factor))


def node_links(packed: npt.NDArray[np.int32], shape: tuple[int, int],
               window: tuple[int, int, int, int], nodes: npt.NDArray[np.int64],
               ids: npt.NDArray[np.int32] | None, *, beta: float, gamma: float):
    """All of :func:`iter_node_links` at once: ``(i, j, w, fn, fq, fw)`` (empty arrays if none)."""
    out: dict[str, list] = {"pair": [], "fixed": []}
    for kind, a, b, w in iter_node_links(packed, shape, window, nodes, ids, beta=beta, gamma=gamma):
        out[kind].append((a, b, w))
    cat = []
    for kind in ("pair", "fixed"):
        parts = out[kind]
        for slot, dtype in enumerate((np.int64, np.int64, np.float64)):
            cat.append(np.concatenate([x[slot] for x in parts]) if parts else np.zeros(0, dtype))
    return tuple(cat)


def _strided_weights(img: npt.NDArray[np.uint8], rows: slice, cols: slice, dy: int, dx: int,
                     *, beta: float, scale: float) -> npt.NDArray[np.float32]:
    """Weights of pairs p = img[rows, cols], q = p + (dy, dx), as an array of their grid."""
    a = img[rows, cols]
    rq = slice(rows.start + dy, rows.stop + dy if rows.stop is not None else None, rows.step)
    cq = slice(cols.start + dx, cols.stop + dx if cols.stop is not None else None, cols.step)
    b = img[rq, cq]
    sq = np.zeros(a.shape[:2], np.float32)
    for c in range(3):
        d = a[:, :, c].astype(np.float32) - b[:, :, c]
        sq += d * d
    sq *= -beta
    return np.exp(sq, out=sq) * np.float32(scale)


def _block_sum(arr: npt.NDArray[np.float32], s: int, axis: int, nblocks: int) -> npt.NDArray[np.float64]:
    """Sum of consecutive groups of ``s`` along ``axis`` (last group may be short), float64."""
    starts = np.arange(0, arr.shape[axis], s)
    out = np.add.reduceat(arr.astype(np.float64), starts, axis=axis)
    if out.shape[axis] < nblocks:  # nothing in the last block(s)
        pad = [(0, 0), (0, 0)]
        pad[axis] = (0, nblocks - out.shape[axis])
        out = np.pad(out, pad)
    return out


def block_links(img: npt.NDArray[np.uint8], s: int, *, beta: float, gamma: float) -> dict[str, npt.NDArray[np.float64]]:
    """Coarse n-links over s x s blocks of a window image: the exact block-constant restriction.

    Parameters
    ----------
    img : (h, w, 3) uint8
        The node window (blocks start at its top-left pixel; the last row/column of blocks
        may be partial).
    s : int
        Block size.

    Returns
    -------
    dict
        ``right`` (nby, nbx - 1), ``down`` (nby - 1, nbx), ``down_right`` (nby - 1, nbx - 1)
        and ``down_left`` (nby - 1, nbx - 1; from block (by, bx + 1) to (by + 1, bx)):
        summed weights of the fine 8-neighbour edges joining the two blocks.
    """
    h, w = img.shape[:2]
    nby, nbx = -(-h // s), -(-w // s)
    acc = {"right": np.zeros((nby, nbx)), "down": np.zeros((nby, nbx)),
           "down_right": np.zeros((nby, nbx)), "down_left": np.zeros((nby, nbx))}
    for dy, dx, factor in OFFSETS:
        kw = {"beta": beta, "scale": gamma * factor}
        xcols = None
        if dx != 0:  # pairs whose x crosses a block column boundary
            first = s - 1 if dx > 0 else s
            xcols = slice(first, w - 1 if dx > 0 else w, s)
            nx = len(range(*xcols.indices(w)))
            if nx:
                wt = _strided_weights(img, slice(0, h - dy), xcols, dy, dx, **kw)
                bx = np.arange(nx) + (0 if dx > 0 else 1)  # block column of p
                if dy:
                    cross = np.arange(h - dy) % s == s - 1  # rows that also cross
                    same = _block_sum(np.where(cross[:, None], 0, wt), s, 0, nby)
                    diag = _block_sum(wt[s - 1::s], 1, 0, nby)
                    key = "down_right" if dx > 0 else "down_left"
                    col = bx if dx > 0 else bx - 1
                    acc[key][:, col] += diag
                else:
                    same = _block_sum(wt, s, 0, nby)
                acc["right"][:, bx if dx > 0 else bx - 1] += same
        if dy:  # pairs whose y crosses a block row boundary (x staying in its block column)
            rows = slice(s - 1, h - 1, s)
            ny = len(range(*rows.indices(h)))
            if ny:
                c0, c1 = max(-dx, 0), w - max(dx, 0)
                wt = _strided_weights(img, rows, slice(c0, c1), dy, dx, **kw)
                if xcols is not None:
                    xs = np.arange(c0, c1)
                    wt[:, (xs % s) == (s - 1 if dx > 0 else 0)] = 0
                full = np.zeros((ny, w), np.float32)
                full[:, c0:c1] = wt
                acc["down"][:ny] += _block_sum(full, s, 1, nbx)
    return {"right": acc["right"][:, :nbx - 1], "down": acc["down"][:nby - 1],
            "down_right": acc["down_right"][:nby - 1, :nbx - 1],
            "down_left": acc["down_left"][:nby - 1, :nbx - 1]}
