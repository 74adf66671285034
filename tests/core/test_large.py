"""Large-image path (``grabseg.core.large``): exactness of its pieces, dispatch, strokes, dtypes."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from core_helpers import iou
from grabseg.core import GrabCutParams, GrabCutSession, energy, large, large_band, links, sampling, segment
from grabseg.core.gmm import GaussianMixture
from grabseg.core.multilevel import FineGraph, block_sums, upsample

FORCED = GrabCutParams(large_threshold=0)  # the large path even for small windows


def blob_image(h: int, w: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, tuple[int, int, int, int]]:
    """A smooth irregular red blob on a textured blue background: ``(image, truth, box)``."""
    rng = np.random.default_rng(seed)
    field = cv2.resize(rng.normal(0, 1, (8, 8)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    yy, xx = np.mgrid[:h, :w]
    radial = ((yy - h / 2) / (0.32 * h)) ** 2 + ((xx - w / 2) / (0.32 * w)) ** 2
    truth = radial + 0.35 * field < 1
    img = np.where(truth[..., None], (200, 70, 50), (40, 60, 170)).astype(np.float32)
    img += rng.normal(0, 12, img.shape).astype(np.float32)
    img = cv2.GaussianBlur(img, (0, 0), 1.2)
    ys, xs = np.nonzero(truth)
    m = max(4, h // 25)
    box = (max(int(xs.min()) - m, 0), max(int(ys.min()) - m, 0), min(int(xs.max()) + m, w), min(int(ys.max()) + m, h))
    return np.clip(img, 0, 255).astype(np.uint8), truth, box


# ---- known answers of the pieces -------------------------------------------------------------
def test_fast_beta_equals_compute_beta():
    img = np.random.default_rng(1).integers(0, 256, (37, 53, 3)).astype(np.uint8)
    assert links.fast_beta(img) == pytest.approx(energy.compute_beta(img), rel=1e-12)
    assert links.fast_beta(np.full((5, 6, 3), 9, np.uint8)) == 0.0


@pytest.mark.parametrize("h, w, s", [(23, 31, 4), (17, 9, 3), (16, 16, 2)])
def test_block_links_sum_the_fine_links_between_blocks(h, w, s):
    img = np.random.default_rng(h).integers(0, 256, (h, w, 3)).astype(np.uint8)
    beta = energy.compute_beta(img)
    got = links.block_links(img, s, beta=beta, gamma=50.0)
    nbx = -(-w // s)
    block = ((np.arange(h)[:, None] // s) * nbx + np.arange(w)[None, :] // s).ravel()
    i, j, wt, _, _ = energy.nlinks(img, np.arange(h * w).reshape(h, w), np.zeros((h, w), bool), h * w,
                                   beta=beta, gamma=50.0)
    want: dict[tuple[int, int], float] = {}
    for a, b, x in zip(block[i], block[j], wt):
        if a != b:
            key = (min(a, b), max(a, b))
            want[key] = want.get(key, 0.0) + x
    have: dict[tuple[int, int], float] = {}
    for name, (oy, ox, shift) in {"right": (0, 1, 0), "down": (1, 0, 0), "down_right": (1, 1, 0),
                                  "down_left": (1, -1, 1)}.items():
        for (by, bx), x in np.ndenumerate(got[name]):
            a, b = by * nbx + bx + shift, (by + oy) * nbx + bx + shift + ox
            if x:
                have[(min(a, b), max(a, b))] = have.get((min(a, b), max(a, b)), 0.0) + x
    assert have.keys() == want.keys()
    assert all(have[k] == pytest.approx(want[k], rel=1e-5) for k in want)


def test_node_links_match_energy_nlinks():
    rng = np.random.default_rng(2)
    crop = rng.integers(0, 256, (21, 26, 3)).astype(np.uint8)
    window = (1, 20, 1, 25)
    is_node = np.zeros(crop.shape[:2], bool)
    is_node[1:20, 1:25] = rng.random((19, 24)) < 0.5
    fixed_fg = np.zeros(crop.shape[:2], bool)
    fixed_fg[1:20, 1:25] = rng.random((19, 24)) < 0.5
    nodes = np.flatnonzero(is_node)
    ids = np.full(is_node.size, -1, np.int32)
    ids[nodes] = np.arange(len(nodes))
    i, j, w, fn, fq, fw = links.node_links(links.pack_rgb(crop), crop.shape[:2], window, nodes, ids,
                                           beta=0.01, gamma=50.0)
    i2, j2, w2, src, snk = energy.nlinks(crop, np.where(is_node, ids.reshape(is_node.shape), -1), fixed_fg,
                                         len(nodes), beta=0.01, gamma=50.0)
    assert sorted(zip(np.minimum(i, j), np.maximum(i, j), np.round(w, 9))) == \
        sorted(zip(np.minimum(i2, j2), np.maximum(i2, j2), np.round(w2, 9)))
    lab = fixed_fg.ravel()[fq]
    assert np.allclose(np.bincount(fn[lab], fw[lab], len(nodes)), src)
    assert np.allclose(np.bincount(fn[~lab], fw[~lab], len(nodes)), snk)


def test_block_sums_and_upsample():
    d = np.random.default_rng(3).normal(size=(23, 30)).astype(np.float32)
    want = np.add.reduceat(np.add.reduceat(d.astype(np.float64), np.arange(0, 23, 4), 0), np.arange(0, 30, 4), 1)
    assert np.allclose(block_sums(d, 4), want, atol=1e-4)
    blocks = np.arange(6 * 8).reshape(6, 8)
    up = upsample(blocks, 4, (23, 30))
    assert up.shape == (23, 30) and up[22, 29] == blocks[5, 7] and up[3, 4] == blocks[0, 1]
    assert np.array_equal(upsample(blocks, 4, (23, 30), rows=(5, 9), cols=(7, 13)), up[5:9, 7:13])


# ---- the coarse-to-fine cut against the exact cut ---------------------------------------------
def test_coarse_to_fine_matches_the_exact_cut_of_the_same_energy():
    image, truth, box = blob_image(1000, 1200)  # 1.2 MP
    params = GrabCutParams(large_threshold=0, large_coarse_nodes=30_000, postprocess=False)
    cut = large.LargeGrabCut(image, params, np.random.default_rng(0))
    fast = cut.start(box, None, None, 5)
    assert cut.stats["s"] >= 4 and cut.stats["band_px"] < 0.3 * cut.stats["window_px"]
    exact = cut.exact_labels()
    assert iou(fast, exact) >= 0.99
    assert iou(fast, truth) > 0.97


def test_coarse_sensitivity_known_answers():
    image, truth, box = blob_image(200, 260, seed=3)
    cut = large.LargeGrabCut(image, GrabCutParams(large_threshold=0, large_coarse_nodes=2000), np.random.default_rng(0))
    cut.start(box, None, None, 2)
    c = cut.coarse
    labels = c.labels.copy()
    assert not c.sensitive((1.0,)).any()  # the same energy: nothing flips
    free_boundary = (c.unary < -c.border).reshape(labels.shape)  # boundary costs -> 0: unaries alone
    assert np.array_equal(c.sensitive((1e-9,)), free_boundary != labels)
    assert np.array_equal(c.sensitive((1e9,)), labels)  # boundary dominates: all background (the ring)
    assert np.array_equal(c.labels, labels)  # the warm graph is restored


def test_edge_crossings_and_hole_filling_known_answers():
    labels = np.array([[1, 1, 0, 0], [1, 1, 1, 0], [0, 0, 0, 0]], np.uint8).ravel()
    decided = np.array([[1, 1, 0, 0], [1, 1, 0, 0], [1, 1, 0, 0]], bool).ravel()
    got = large_band.edge_crossings(labels, decided, np.flatnonzero(decided), labels[decided], (3, 4))
    # undecided pixels next to a decided one of another label: (0, 2) by (0, 1); (1, 2) by (2, 1), a
    # diagonal; (2, 2) by (1, 1); not (1, 3) or (0, 3) (no decided neighbour)
    assert got.tolist() == [2, 6, 10]
    image, truth, box = blob_image(200, 260, seed=3)
    cut = large.LargeGrabCut(image, GrabCutParams(large_threshold=0, large_coarse_nodes=2000), np.random.default_rng(0))
    cut.start(box, None, None, 1)
    band = np.ones((40, 50), bool)
    band[10:13, 10:13] = False  # small enclosed hole: filled
    band[20:40, 20:40] = False  # large hole: kept
    band[0:2, 45:50] = False  # touches the window edge: kept
    filled = cut._fill_holes(band)
    assert filled[10:13, 10:13].all() and not filled[20:40, 20:40].any() and not filled[0:2, 45:50].any()


def _fg_band_pixel(cut: large.LargeGrabCut) -> int:
    """A band node labelled foreground whose block is strongly foreground (a stroke won't flip it)."""
    f, c = cut.frame, cut.coarse
    nodes = cut.fine.nodes
    blocks = c.block_of(nodes, f.w)
    ok = (cut.labels[nodes] == 1) & c.labels.ravel()[blocks] & (c.unary[blocks] < -1.2 * cut.params.lam)
    return int(nodes[np.flatnonzero(ok)[len(np.flatnonzero(ok)) // 2]])


def test_stroke_with_tree_reuse_equals_a_scratch_solve_of_the_band_graph():
    image, truth, box = blob_image(300, 400, seed=4)
    session = GrabCutSession(image, params=GrabCutParams(large_threshold=0, large_coarse_nodes=800))
    session.set_box(box)
    cut = session._large
    assert cut is not None
    p = _fg_band_pixel(cut)
    y, x = divmod(p, cut.frame.w)
    scribbles = np.zeros(truth.shape, np.uint8)
    scribbles[y + cut.frame.window[0], x + cut.frame.window[2]] = 2
    mask = session.update(scribbles)
    assert cut.stats["path"] == "reuse"
    assert not mask[y + cut.frame.window[0], x + cut.frame.window[2]]
    fresh = FineGraph(cut.frame, cut.fine.nodes, cut.labels, cut.models, lam=cut.params.lam, prior=None,
                      beta=cut.beta, gamma=cut.params.gamma)
    scratch = fresh.solve()
    assert np.array_equal(scratch, cut.labels[cut.fine.nodes].astype(bool))
    assert fresh.flow == pytest.approx(cut.fine.flow, rel=1e-9)


def test_bg_stroke_removes_a_false_positive_patch_and_erasing_restores():
    image, truth, box = blob_image(300, 400, seed=5)
    patch = cv2.dilate(truth.astype(np.uint8), np.ones((31, 31), np.uint8)).astype(bool) & ~truth
    patch[:, (box[0] + box[2]) // 2:] = False  # a red crescent on the blob's left: wrongly foreground
    rng = np.random.default_rng(0)
    image[patch] = np.clip((210, 80, 60) + rng.normal(0, 10, (patch.sum(), 3)), 0, 255).astype(np.uint8)
    # k-means++ keeps the crescent in the first cut (Orchard-Bouman already drops it), which
    # is the situation a corrective stroke is for.
    session = GrabCutSession(image, params=replace(FORCED, gmm_init="kmeans++"))
    first = session.set_box(box)
    assert first[patch].mean() > 0.6  # red like the blob: wrongly foreground
    scribbles = np.zeros(truth.shape, np.uint8)
    scribbles[patch & (cv2.distanceTransform(patch.astype(np.uint8), cv2.DIST_L2, 3) > 4)] = 2
    fixed = session.update(scribbles)
    assert fixed[patch].mean() < 0.05 and iou(fixed, truth) > 0.95
    assert iou(session.update(np.zeros_like(scribbles)), first) > 0.99


def test_foreground_scribble_outside_the_box_grows_the_window():
    image, truth, box = blob_image(300, 400, seed=6)
    session = GrabCutSession(image, params=FORCED)
    session.set_box((box[0] + 30, box[1], box[2], box[3]))
    scribbles = np.zeros(truth.shape, np.uint8)
    ys, xs = np.nonzero(truth[:, :box[0] + 20])
    scribbles[ys[len(ys) // 2], xs[len(xs) // 2]] = 1
    mask = session.update(scribbles)
    assert session._large.stats["path"] == "rebuild"
    assert mask[ys[len(ys) // 2], xs[len(xs) // 2]]
    outside = scribbles.copy()
    outside[2, 2] = 2  # background outside the window changes nothing
    assert np.array_equal(session.update(outside), mask)


def test_scribbles_only_and_prior_on_the_large_path():
    image, truth, box = blob_image(240, 320, seed=7)
    scribbles = np.zeros(truth.shape, np.uint8)
    scribbles[118:122, 150:170] = 1
    scribbles[3:6, :] = 2
    assert iou(segment(image, scribbles=scribbles, params=FORCED), truth) > 0.9
    prior = np.where(truth, 0.0, 0.5)  # "the blob is background"
    mask = segment(image, box, prior=prior, params=GrabCutParams(large_threshold=0, prior_weight=30.0))
    assert mask.sum() < 0.05 * truth.sum()


def test_reiterate_refits_and_checks_its_argument():
    image, truth, box = blob_image(240, 320, seed=8)
    session = GrabCutSession(image, params=FORCED)
    session.set_box(box)
    assert iou(session.reiterate(2), truth) > 0.95
    assert session._large.stats["path"] == "reiterate"
    with pytest.raises(ValueError, match="iterations must be >= 1, got 0"):
        session.reiterate(0)


# ---- the exact switch and the dispatcher ------------------------------------------------------
def test_exact_switch_turns_the_large_path_off(monkeypatch):
    image, truth, box = blob_image(240, 320, seed=9)
    standard = segment(image, box, params=GrabCutParams(exact=True))

    def refuse(*args, **kwargs):
        raise AssertionError("the large path ran")

    monkeypatch.setattr(large.LargeGrabCut, "start", refuse)
    assert np.array_equal(segment(image, box, params=FORCED, exact=True), standard)
    assert np.array_equal(segment(image, box, params=GrabCutParams(large_threshold=0, exact=True)), standard)
    session = GrabCutSession(image, params=FORCED, exact=True)
    assert np.array_equal(session.set_box(box), standard) and session._large is None
    with pytest.raises(AssertionError, match="the large path ran"):
        segment(image, box, params=FORCED)


def test_dispatcher_threshold():
    shape, box = (100, 200), (10, 20, 60, 70)  # a 50 x 50 window
    assert large.dispatch(GrabCutParams(large_threshold=2499), shape, box, None)
    assert not large.dispatch(GrabCutParams(large_threshold=2500), shape, box, None)
    assert not large.dispatch(GrabCutParams(large_threshold=0, exact=True), shape, box, None)
    scribbles = np.zeros(shape, np.uint8)
    scribbles[90, 150] = 1  # foreground outside the box grows the window
    assert large.dispatch(GrabCutParams(large_threshold=2500), shape, box, scribbles)
    assert large.dispatch(GrabCutParams(large_threshold=19_999), shape, None, scribbles)
    assert GrabCutParams().large_threshold >= 1_000_000  # grabcut-dev sizes never take the path


def test_default_params_keep_small_images_on_the_standard_path(monkeypatch):
    image, _, box = blob_image(240, 320, seed=10)
    monkeypatch.setattr(large.LargeGrabCut, "start", lambda *a, **k: (_ for _ in ()).throw(AssertionError))
    segment(image, box)
    GrabCutSession(image).set_box(box)


# ---- memory-light state --------------------------------------------------------------------------
def test_window_sized_state_uses_at_most_four_bytes_per_pixel():
    image, _, box = blob_image(300, 400, seed=11)
    cut = large.LargeGrabCut(image, GrabCutParams(large_threshold=0, large_samples=5000), np.random.default_rng(0))
    cut.start(box, None, None, 2)
    n = cut.frame.h * cut.frame.w
    arrays = [v for obj in (cut, cut.frame) for v in vars(obj).values() if isinstance(v, np.ndarray)]
    crop = cut.frame.cshape[0] * cut.frame.cshape[1]
    big = [a for a in arrays if a.size in (n, crop, 2 * n)]
    assert big and all(a.itemsize <= 4 for a in big)
    assert cut.frame.codes.dtype == np.uint32 and int(cut.frame.codes.max()) < 1 << 18
    assert cut.labels.dtype == np.uint8 and cut.frame.hard.dtype == np.uint8
    assert cut._pixel_unary(None, cut.frame.hard).dtype == np.float32
    assert len(cut.fine.nodes) < n  # the full-resolution graph is a band, not the window


def test_band_cap_drops_uncertain_blocks_but_keeps_the_boundary_band():
    image, truth, box = blob_image(400, 500, seed=12)
    image[truth & (np.add.outer(np.arange(400), np.arange(500)) % 7 == 0)] = (40, 60, 170)  # speckles
    free = {}
    for cap in (10**9, 0):
        params = GrabCutParams(large_threshold=0, large_coarse_nodes=3000, uncertain_ratio=0.01, band_max_px=cap)
        cut = large.LargeGrabCut(image, params, np.random.default_rng(0))
        cut.start(box, None, None, 3)
        free[cap] = cut.free.copy()
    boundary = cut._band(0, cut.frame.h, 0, cut.frame.w)[0].ravel()
    assert cut._unsure is not None and not cut._unsure.any()  # all dropped under a zero cap,
    assert cut._sensitive is not None and not cut._sensitive.any()  # the sensitive blocks too
    assert free[10**9].sum() > free[0].sum() and np.array_equal(free[0], boundary)
    assert np.all(free[10**9] >= free[0])  # same models (seeded): the capped band is a subset


def test_drift_is_a_colour_neither_model_covers():
    def model(mean):
        return GaussianMixture(np.ones(1), np.array([mean], float), np.eye(3)[None] * 25.0)

    models = (model((200, 50, 50)), model((50, 50, 200)))
    fitted = np.concatenate([np.full((50, 3), (200, 50, 50)), np.full((50, 3), (50, 50, 200))]).astype(np.float32)
    ref = (float(models[0].neg_log_likelihood(fitted[:50] + 9).max()),
           float(models[1].neg_log_likelihood(fitted[50:] + 9).max()))
    green = np.full((10, 3), (40, 220, 40), np.float32)
    assert sampling.drifted(models, ref, green, fraction=0.5)
    assert not sampling.drifted(models, ref, fitted[:10], fraction=0.5)  # the other model covers it
    assert not sampling.drifted(models, ref, np.zeros((0, 3), np.float32), fraction=0.5)
