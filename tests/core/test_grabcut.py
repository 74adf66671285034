"""``segment`` on synthetic images: accuracy, constraints, prior, determinism, purity."""

from __future__ import annotations

import numpy as np
import pytest

from synthetic import make_disk_image
from core_helpers import iou
from grabseg.core import GrabCutParams, segment
from grabseg.core.postprocess import keep_anchored

BOX = (20, 10, 80, 70)  # around the disk: centre (50, 40), radius 22
ENGINES = ["native", "opencv"]


@pytest.mark.parametrize("engine", ENGINES)
def test_box_finds_the_disk(disk_image, engine):
    image, truth = disk_image
    mask = segment(image, BOX, engine=engine)
    assert mask.dtype == np.bool_ and mask.shape == truth.shape
    assert iou(mask, truth) > 0.95


@pytest.mark.parametrize("engine", ENGINES)
def test_scribbles_only(disk_image, engine):
    image, truth = disk_image
    s = np.zeros(truth.shape, np.uint8)
    s[38:43, 45:55] = 1
    s[5:8, 5:95] = 2
    mask = segment(image, scribbles=s, engine=engine)
    assert iou(mask, truth) > 0.9


@pytest.mark.parametrize("engine", ENGINES)
def test_hard_constraints_win(disk_image, engine):
    image, truth = disk_image
    s = np.zeros(truth.shape, np.uint8)
    s[35:45, 45:55] = 2  # background inside the disk
    s[2:5, 2:5] = 1  # foreground outside the box
    mask = segment(image, BOX, scribbles=s, engine=engine)
    assert not mask[s == 2].any()
    assert mask[s == 1].all()
    assert iou(mask, truth & (s != 2)) > 0.9


def test_uniform_prior_changes_nothing_and_strong_prior_wins(disk_image):
    image, truth = disk_image
    base = segment(image, BOX)
    assert np.array_equal(segment(image, BOX, prior=np.full(truth.shape, 0.5)), base)
    prior = np.where(truth, 0.0, 0.5)  # "the disk is background"
    mask = segment(image, BOX, prior=prior, params=GrabCutParams(prior_weight=30.0))
    assert mask.sum() < 0.05 * truth.sum()


def test_prior_sets_the_opencv_start(disk_image):
    image, truth = disk_image
    mask = segment(image, BOX, prior=np.where(truth, 0.9, 0.1), engine="opencv")
    assert iou(mask, truth) > 0.95


@pytest.mark.parametrize("engine", ENGINES)
def test_deterministic(engine):
    image, _ = make_disk_image(seed=3)
    a = segment(image, BOX, engine=engine)
    b = segment(image, BOX, engine=engine, rng=None)
    c = segment(image, BOX, engine=engine, rng=np.random.default_rng(5))
    d = segment(image, BOX, engine=engine, rng=5)
    assert np.array_equal(a, b) and np.array_equal(c, d)


@pytest.mark.parametrize("engine", ENGINES)
def test_inputs_are_not_modified(disk_image, engine):
    image, truth = disk_image
    s = np.zeros(truth.shape, np.uint8)
    s[40, 50], s[12, 22] = 1, 2
    prior = np.where(truth, 0.8, 0.3)
    copies = image.copy(), s.copy(), prior.copy()
    segment(image, BOX, scribbles=s, prior=prior, engine=engine)
    for before, after in zip(copies, (image, s, prior)):
        assert np.array_equal(before, after)


def test_other_pixel_layouts_are_converted(disk_image):
    image, truth = disk_image
    grey16 = image[:, :, 0].astype(np.uint16) * 257  # red: the disk is much brighter
    assert iou(segment(grey16, BOX), truth) > 0.9
    rgba = np.dstack([image, np.full(truth.shape, 255, np.uint8)])
    assert iou(segment(rgba, BOX), truth) > 0.95
    assert iou(segment(image / 255.0, BOX), truth) > 0.95


def test_coarse_start_matches_plain_run():
    image, truth = make_disk_image((160, 200), radius=45, seed=1)
    box = (45, 25, 155, 135)
    coarse = segment(image, box, params=GrabCutParams(coarse_nodes=1500))
    plain = segment(image, box, params=GrabCutParams(coarse_nodes=0))
    assert iou(coarse, truth) > 0.95 and iou(plain, truth) > 0.95
    assert iou(coarse, plain) > 0.98


def test_keep_anchored_drops_floating_islands():
    m = np.zeros((20, 30), bool)
    m[2:12, 2:12] = True  # large
    m[15:18, 20:23] = True  # small island
    assert np.array_equal(keep_anchored(m), m & (np.arange(20)[:, None] < 13))
    anchors = np.zeros_like(m)
    anchors[16, 21] = True
    assert np.array_equal(keep_anchored(m, anchors), m)
    assert np.array_equal(keep_anchored(m, min_fraction=0.05), m)
    assert not keep_anchored(np.zeros_like(m)).any()


def _built_solver(image, box, params):
    from grabseg.core.grabcut import make_trimap
    from grabseg.core.solver import GrabCutSolver

    solver = GrabCutSolver(image, params, np.random.default_rng(0))
    trimap, window = make_trimap(image.shape[:2], box, None)
    solver.build(trimap, window)
    solver.init_labels()
    return solver


def test_background_model_learns_from_the_ring_around_the_box():
    image = np.zeros((100, 100, 3), np.uint8)
    image[:, :] = (0, 0, 200)  # blue everywhere...
    image[:, 80:] = (0, 200, 0)  # ...green far right, more than a ring away from the box
    box = (30, 30, 60, 60)  # ring width 0.15 * 30 = 4.5 -> 4 px
    ring = _built_solver(image, box, GrabCutParams(bg_ring=0.15))
    assert len(ring.out_rgb) == 38 * 38 - 30 * 30
    assert not (ring.out_rgb[:, 1] == 200).any()
    everything = _built_solver(image, box, GrabCutParams(bg_ring=0, bg_samples=10**6))
    assert len(everything.out_rgb) == 100 * 100 - 30 * 30
    assert (everything.out_rgb[:, 1] == 200).any()


def test_box_slack_starts_an_inner_band_as_background_except_on_image_sides():
    image, _ = make_disk_image()
    box = (0, 10, 80, 70)  # its left side is on the image border
    solver = _built_solver(image, box, GrabCutParams(box_slack=0.05))
    labels = solver.labels.reshape(60, 80)
    assert not labels[:3].any() and not labels[-3:].any() and not labels[:, -3:].any()
    assert labels[3:-3, :-3].all()  # the left band (image border) starts foreground
    assert (solver.hard == 0).all()  # the band is only a start: it stays unknown
    plain = _built_solver(image, box, GrabCutParams(box_slack=0))
    assert plain.labels.all()
