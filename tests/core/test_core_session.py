"""``GrabCutSession``: box, scribble updates on warm state, erasing, both engines."""

from __future__ import annotations

import numpy as np
import pytest

from synthetic import make_disk_image
from core_helpers import iou
from grabseg.core import GrabCutSession, segment

BOX = (20, 10, 80, 70)
ENGINES = ["native", "opencv"]


def disk_with_green_patch():
    """The disk plus a green patch touching it inside the box: a false positive of a box cut."""
    image, truth = make_disk_image()
    rng = np.random.default_rng(1)
    patch = np.zeros(truth.shape, bool)
    patch[52:68, 62:78] = True
    patch &= ~truth
    image[patch] = np.clip((60, 170, 60) + rng.normal(0, 10, (patch.sum(), 3)), 0, 255).astype(np.uint8)
    return image, truth, patch


@pytest.mark.parametrize("engine", ENGINES)
def test_bg_scribble_removes_false_positive_and_erasing_restores(engine):
    image, truth, patch = disk_with_green_patch()
    session = GrabCutSession(image, engine=engine)
    first = session.set_box(BOX)
    assert first[patch].mean() > 0.9  # the patch is wrongly foreground
    scribbles = np.zeros(truth.shape, np.uint8)
    scribbles[57:64, 68:75] = 2  # a stroke inside the patch, not covering all of it
    fixed = session.update(scribbles)
    assert fixed[patch].mean() < 0.05
    assert iou(fixed, truth) > 0.95
    restored = session.update(np.zeros_like(scribbles))
    assert np.array_equal(restored, first)


@pytest.mark.parametrize("engine", ENGINES)
def test_fg_scribble_outside_the_box_is_kept(engine):
    image, truth = make_disk_image()
    session = GrabCutSession(image, engine=engine)
    session.set_box((30, 10, 80, 70))  # cuts off the left of the disk
    scribbles = np.zeros(truth.shape, np.uint8)
    scribbles[38:42, 24:29] = 1
    mask = session.update(scribbles)
    assert mask[scribbles == 1].all()
    assert mask[20:60, 30:70].sum() > 0.8 * truth[20:60, 30:70].sum()


def test_update_result_is_cached_and_history_kept():
    image, truth = make_disk_image()
    session = GrabCutSession(image)
    session.set_box(BOX)
    scribbles = np.zeros(truth.shape, np.uint8)
    scribbles[40, 50] = 2
    a = session.update(scribbles)
    b = session.update(scribbles.copy())
    assert np.array_equal(a, b) and not a[40, 50]
    assert np.array_equal(session.scribbles, scribbles)
    a[:] = True  # the returned mask is a copy
    assert not session.mask[40, 50]


@pytest.mark.parametrize("engine", ENGINES)
def test_scribbles_without_box(engine):
    image, truth = make_disk_image()
    session = GrabCutSession(image, engine=engine)
    scribbles = np.zeros(truth.shape, np.uint8)
    scribbles[2:5, 2:98] = 2
    assert not session.update(scribbles).any()  # nothing marks foreground yet
    scribbles[38:43, 45:55] = 1
    mask = session.update(scribbles)
    assert iou(mask, truth) > 0.9
    scribbles[5:8, 5:95] = 2
    assert iou(session.update(scribbles), truth) > 0.9


def test_session_box_equals_segment():
    image, _ = make_disk_image(seed=4)
    for engine in ENGINES:
        assert np.array_equal(GrabCutSession(image, engine=engine).set_box(BOX),
                              segment(image, BOX, engine=engine))


def test_new_box_clears_scribbles():
    image, truth = make_disk_image()
    session = GrabCutSession(image)
    session.set_box(BOX)
    scribbles = np.zeros(truth.shape, np.uint8)
    scribbles[40, 50] = 2
    session.update(scribbles)
    mask = session.set_box(BOX)
    assert not session.scribbles.any() and mask[40, 50]


def test_session_input_not_modified():
    image, truth = make_disk_image()
    before = image.copy()
    session = GrabCutSession(image)
    session.set_box(BOX)
    scribbles = np.zeros(truth.shape, np.uint8)
    scribbles[40, 50] = 2
    kept = scribbles.copy()
    session.update(scribbles)
    assert np.array_equal(image, before) and np.array_equal(scribbles, kept)
