"""Collapse guard (``grabseg.core.collapse``): a box cut that shrank to nothing is retried."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from core_helpers import iou
from grabseg.core import GrabCutParams, GrabCutSession, collapse, segment
from grabseg.io.images import read_image


def test_box_fill_measures_the_extent_inside_the_box():
    mask = np.zeros((50, 60), bool)
    assert collapse.box_fill(mask, (10, 10, 50, 40)) == 0.0
    mask[20:30, 15:45] = True  # 30 of 40 wide, 10 of 30 high
    assert collapse.box_fill(mask, (10, 10, 50, 40)) == pytest.approx(10 / 30)
    mask[:] = False
    mask[0:5, 0:5] = True  # outside the box counts for nothing
    assert collapse.box_fill(mask, (10, 10, 50, 40)) == 0.0


def test_centre_prior_is_an_ellipse_of_a_third_of_the_box():
    prior = collapse.centre_prior((90, 120), (0, 0, 120, 90))
    assert prior.dtype == np.float32 and np.allclose(np.unique(prior), [0.5, collapse.CENTRE_P])
    ys, xs = np.nonzero(prior > 0.5)
    assert (xs.min(), xs.max(), ys.min(), ys.max()) == (20, 100, 15, 75)


def test_a_retry_that_is_only_the_prior_ellipse_is_rejected():
    prior = collapse.centre_prior((90, 120), (0, 0, 120, 90))
    empty = np.zeros((90, 120), bool)
    assert not collapse.better_retry(empty, prior > 0.5, prior, (0, 0, 120, 90))
    shape = np.zeros((90, 120), bool)
    shape[5:85, 30:60] = True  # an object of its own, taller than the ellipse
    assert collapse.better_retry(empty, shape, prior, (0, 0, 120, 90))


def test_a_box_on_a_featureless_region_stays_empty():
    image = np.random.default_rng(0).integers(100, 140, (60, 80, 3)).astype(np.uint8)
    assert not segment(image, (20, 15, 60, 45)).any()
    assert not GrabCutSession(image).set_box((20, 15, 60, 45)).any()


@pytest.mark.data
def test_guard_rescues_a_collapsed_davis_box(shared_data):
    root = shared_data / "davis2016-val-frame0"
    box = tuple(json.loads((root / "boxes.json").read_text())["dance-twirl"])
    image = read_image(next((root / "images").glob("dance-twirl.*")))
    truth = cv2.imread(str(next((root / "masks").glob("dance-twirl.*"))), cv2.IMREAD_GRAYSCALE) > 128
    off = segment(image, box, params=GrabCutParams(collapse_fill=0))
    assert collapse.box_fill(off, box) < 0.3 and iou(off, truth) < 0.05  # GrabCut alone collapses
    on = segment(image, box)
    assert iou(on, truth) > 0.5
    session = GrabCutSession(image)
    assert np.array_equal(session.set_box(box), on)
    assert session.prior is not None  # later strokes keep the centre prior
