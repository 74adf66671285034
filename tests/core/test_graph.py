"""Known-answer tests of the graph module (PyMaxflow wrapper) and of the n-link energy pieces."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from grabseg.core import energy
from grabseg.core.graph import CutGraph


def brute_force(n, edges, src, snk):
    """Minimum energy and its labelling by enumeration (True = source = foreground)."""
    best = (np.inf, None)
    for labels in itertools.product([False, True], repeat=n):
        lab = np.array(labels)
        e = np.where(lab, snk, src).sum()
        e += sum(w for i, j, w in edges if lab[i] != lab[j])
        best = min(best, (e, tuple(lab)), key=lambda t: t[0])
    return best


def make(n, edges, src, snk):
    g = CutGraph(n, len(edges))
    i, j, w = (np.array(c) for c in zip(*edges))
    g.add_edges(i.astype(np.intp), j.astype(np.intp), w.astype(float))
    g.set_tlinks(None, src, snk)
    return g


def test_polarity_source_is_foreground():
    g = CutGraph(2, 0)
    g.set_tlinks(None, [10.0, 0.0], [0.0, 10.0])  # node 0 expensive as bg, node 1 expensive as fg
    assert g.solve() == pytest.approx(0.0)
    assert g.foreground().tolist() == [True, False]


def test_tiny_chain_flow_and_cut():
    # 0 -- 1 -- 2; node 0 wants fg (bg costs 5), node 2 wants bg; the weak link 1-2 is cut.
    edges = [(0, 1, 4.0), (1, 2, 1.0)]
    g = make(3, edges, [5.0, 0.0, 0.0], [0.0, 0.0, 5.0])
    assert g.solve() == pytest.approx(1.0)
    assert g.foreground().tolist() == [True, True, False]


@pytest.mark.parametrize("seed", range(5))
def test_random_graph_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = 7
    edges = [(i, j, float(rng.uniform(0, 3)))
             for i in range(n) for j in range(i + 1, n) if rng.random() < 0.5]
    src, snk = rng.uniform(-2, 4, n), rng.uniform(-2, 4, n)
    g = make(n, edges, src, snk)
    flow = g.solve()
    e, lab = brute_force(n, edges, src, snk)
    assert flow == pytest.approx(e)
    assert tuple(g.foreground()) == lab


@pytest.mark.parametrize("seed", range(5))
def test_set_tlinks_then_reuse_trees_is_exact(seed):
    rng = np.random.default_rng(seed)
    n = 8
    edges = [(i, j, float(rng.uniform(0, 3)))
             for i in range(n) for j in range(i + 1, n) if rng.random() < 0.4]
    src, snk = rng.uniform(0, 4, n), rng.uniform(0, 4, n)
    g = make(n, edges, src, snk)
    g.solve()
    for _ in range(3):  # a few warm updates, with capacities going up and down
        nodes = rng.choice(n, size=3, replace=False).astype(np.intp)
        src[nodes], snk[nodes] = rng.uniform(0, 4, 3), rng.uniform(0, 4, 3)
        assert g.set_tlinks(nodes, src[nodes], snk[nodes]) == 3
        flow = g.solve()
        e, lab = brute_force(n, edges, src, snk)
        assert flow == pytest.approx(e)
        assert tuple(g.foreground()) == lab
        assert np.allclose(g.tlinks()[0], src) and np.allclose(g.tlinks()[1], snk)


def test_set_tlinks_skips_unchanged_nodes():
    g = make(3, [(0, 1, 1.0)], [1.0, 2.0, 3.0], [0.0, 0.0, 0.0])
    assert g.set_tlinks(None, [1.0, 2.0, 4.0], [0.0, 0.0, 0.0]) == 1


def test_edges_cannot_change_after_solve():
    g = make(2, [(0, 1, 1.0)], [1.0, 0.0], [0.0, 1.0])
    g.solve()
    with pytest.raises(RuntimeError, match="n-links cannot change"):
        g.add_edges(np.array([0]), np.array([1]), [1.0])


def test_beta_known_answer():
    img = np.zeros((2, 2, 3), np.uint8)
    img[0, 1] = (3, 4, 0)  # |dz|^2 = 25 for its 3 neighbours, 0 for the other 3 pairs
    # pairs: 2 horizontal, 2 vertical, 1 down-right, 1 down-left = 6 = 4WH - 3W - 3H + 2
    assert energy.compute_beta(img) == pytest.approx(1 / (2 * 75 / 6))
    assert energy.compute_beta(np.full((3, 3, 3), 7, np.uint8)) == 0.0


def test_nlinks_border_links_become_tlinks():
    crop = np.zeros((3, 3, 3), np.uint8)
    ids = np.full((3, 3), -1, np.intp)
    ids[1, 1] = 0
    fixed_fg = np.zeros((3, 3), bool)
    fixed_fg[0, :] = True  # top row fixed foreground, the rest fixed background
    i, j, w, b_src, b_snk = energy.nlinks(crop, ids, fixed_fg, 1, beta=0.0, gamma=50.0)
    assert len(i) == 0
    diag = 50.0 / np.sqrt(2)
    assert b_src[0] == pytest.approx(50.0 + 2 * diag)  # up, up-left, up-right
    assert b_snk[0] == pytest.approx(3 * 50.0 + 2 * diag)  # left, right, down + 2 lower diagonals


def test_nlinks_weights_follow_contrast():
    crop = np.zeros((1, 2, 3), np.uint8)
    crop[0, 1] = (10, 0, 0)
    ids = np.array([[0, 1]], np.intp)
    i, j, w, _, _ = energy.nlinks(crop, ids, np.zeros((1, 2), bool), 2, beta=0.01, gamma=50.0)
    assert (i.tolist(), j.tolist()) == ([0], [1])
    assert w[0] == pytest.approx(50.0 * np.exp(-0.01 * 100))


def test_prior_costs():
    fg, bg = energy.prior_costs(np.array([0.0, 0.5, 1.0]), 2.0)
    assert fg[1] == pytest.approx(-2 * np.log(0.5)) and bg[1] == pytest.approx(-2 * np.log(0.5))
    assert fg[0] == pytest.approx(-2 * np.log(1e-4)) and bg[0] == pytest.approx(0, abs=1e-3)
