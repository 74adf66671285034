"""The GrabCut Gibbs energy in pieces: contrast parameter, n-links, t-links (numpy only).

E(alpha) = sum_n D_n(alpha_n) + sum_{(m,n) in C} V_mn [alpha_m != alpha_n], with

- data term D = -log sum_k pi_k N_k(z) of the label's colour model, optionally plus a
  prior term ``-w log p`` (foreground) / ``-w log(1 - p)`` (background);
- smoothness V_mn = gamma exp(-beta |z_m - z_n|^2) / dist(m, n) over 8 neighbours
  (diagonals get gamma / sqrt 2), beta = 1 / (2 <|z_m - z_n|^2>) over all 8-neighbour pairs;
- hard constraints as t-links of capacity ``lam`` (OpenCV's 9 gamma = 450; since an
  8-neighbourhood can cut at most 4 gamma + 4 gamma / sqrt 2 = 341.4 < 450, a
  constrained pixel can never flip, so it is an infinite constraint in effect).

Graphs are built over a *node map* (an int array of node ids, -1 for "not a node") on a
crop of the image; non-node pixels of the crop have a fixed label, and the n-link from a
node to a fixed neighbour becomes a t-link of that node, so a graph restricted to a region
has exactly the energy of the whole-image graph with those pixels fixed.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from grabseg.core.gmm import GaussianMixture

#: (dy, dx, distance factor) of the four "forward" 8-neighbour directions.
OFFSETS: tuple[tuple[int, int, float], ...] = (
    (0, 1, 1.0),
    (1, 0, 1.0),
    (1, 1, float(np.sqrt(0.5))),
    (1, -1, float(np.sqrt(0.5))),
)
PRIOR_EPS = 1e-4
Ids = npt.NDArray[np.intp]
Caps = npt.NDArray[np.float64]


def _pair_slices(h: int, w: int, dy: int, dx: int) -> tuple[tuple[slice, slice], tuple[slice, slice]]:
    """Slices selecting p and q = p + (dy, dx) over all pairs inside an (h, w) grid."""
    rows_p, rows_q = slice(0, h - dy), slice(dy, h)
    if dx >= 0:
        cols_p, cols_q = slice(0, w - dx), slice(dx, w)
    else:
        cols_p, cols_q = slice(-dx, w), slice(0, w + dx)
    return (rows_p, cols_p), (rows_q, cols_q)


def _sq_diff(image: npt.NDArray[np.uint8], dy: int, dx: int) -> npt.NDArray[np.int32]:
    p, q = _pair_slices(image.shape[0], image.shape[1], dy, dx)
    a, b = image[p], image[q]
    out = np.zeros(a.shape[:2], np.int32)
    for c in range(3):  # per channel: a strided sum over the last axis is slow
        d = a[:, :, c].astype(np.int32) - b[:, :, c]
        out += d * d
    return out


def compute_beta(image: npt.NDArray[np.uint8]) -> float:
    """beta = 1 / (2 <|z_m - z_n|^2>) over all 8-neighbour pairs, each counted once.

    Parameters
    ----------
    image : (H, W, 3) uint8

    Returns
    -------
    float
        0 for a constant image (as OpenCV).
    """
    total, count = 0, 0
    for dy, dx, _ in OFFSETS:
        s = _sq_diff(image, dy, dx)
        total += int(s.sum(dtype=np.int64))
        count += s.size
    mean = total / max(count, 1)
    return 0.0 if mean <= np.finfo(float).eps else 1.0 / (2.0 * mean)


def nlinks(
    crop: npt.NDArray[np.uint8],
    node_ids: npt.NDArray[np.intp],
    fixed_fg: npt.NDArray[np.bool_],
    n_nodes: int,
    *,
    beta: float,
    gamma: float,
) -> tuple[Ids, Ids, Caps, Caps, Caps]:
    """Edges among nodes, and t-links to fixed neighbours, for an image crop.

    Parameters
    ----------
    crop : (h, w, 3) uint8
        The image under the node map (include a one-pixel ring of fixed pixels around
        the nodes wherever the image has one, so border links are counted).
    node_ids : (h, w) int
        Node id of each pixel, -1 for fixed (non-node) pixels.
    fixed_fg : (h, w) bool
        Label of fixed pixels (True = foreground); ignored at nodes.
    n_nodes : int
    beta, gamma : float

    Returns
    -------
    i, j : (E,) int
        End nodes of each n-link.
    w : (E,) float64
        n-link capacities.
    border_source, border_sink : (n_nodes,) float64
        Summed weight of links to fixed foreground (source) / background (sink) neighbours.
    """
    h, w = node_ids.shape
    ii, jj, ww = [], [], []
    b_src = np.zeros(n_nodes)
    b_snk = np.zeros(n_nodes)
    for dy, dx, factor in OFFSETS:
        if dy >= h or abs(dx) >= w:
            continue
        p, q = _pair_slices(h, w, dy, dx)
        wt = (gamma * factor) * np.exp(-beta * _sq_diff(crop, dy, dx).astype(np.float64))
        a, b = node_ids[p], node_ids[q]
        both = (a >= 0) & (b >= 0)
        ii.append(a[both])
        jj.append(b[both])
        ww.append(wt[both])
        one_sided = ((a, fixed_fg[q], (a >= 0) & (b < 0)), (b, fixed_fg[p], (b >= 0) & (a < 0)))
        for node, other_fixed_fg, sel in one_sided:
            n, wsel, fg = node[sel], wt[sel], other_fixed_fg[sel]
            b_src += np.bincount(n[fg], wsel[fg], n_nodes)
            b_snk += np.bincount(n[~fg], wsel[~fg], n_nodes)
    return np.concatenate(ii), np.concatenate(jj), np.concatenate(ww), b_src, b_snk


def data_costs(
    colors: npt.NDArray[np.float32],
    fg: GaussianMixture,
    bg: GaussianMixture,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """GMM data term: ``(cost_fg, cost_bg)``, each (N,), for colours (N, 3) float32."""
    return fg.neg_log_likelihood(colors), bg.neg_log_likelihood(colors)


def prior_costs(
    prior: npt.NDArray[np.floating], weight: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Prior data term ``(-w log p, -w log(1 - p))`` with p clipped to ``[1e-4, 1 - 1e-4]``.

    Parameters
    ----------
    prior : (N,) float
        Foreground probability in [0, 1].
    weight : float
        ``w``; 0 disables the prior.
    """
    p = np.clip(prior.astype(np.float64), PRIOR_EPS, 1.0 - PRIOR_EPS)
    return -weight * np.log(p), -weight * np.log1p(-p)
