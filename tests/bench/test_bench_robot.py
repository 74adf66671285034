"""Robot user: stroke placement on synthetic error maps."""

from __future__ import annotations

import numpy as np
import pytest

from grabseg.bench.robot import deepest_point, largest_error_region, next_stroke


def _all_fg_truth(h: int = 20, w: int = 30) -> np.ndarray:
    return np.full((h, w), 255, np.uint8)


def test_stroke_goes_to_centre_of_largest_missed_region() -> None:
    truth = _all_fg_truth()
    pred = np.ones(truth.shape, bool)
    pred[2:9, 3:10] = False  # 7x7 = 49 missed px, centre (x=6, y=5)
    pred[12:15, 15:28] = False  # 3x13 = 39 missed px (smaller)
    scribbles = np.zeros(truth.shape, np.uint8)
    stroke, out = next_stroke(pred, truth, scribbles, radius=2)
    assert (stroke.x, stroke.y, stroke.label) == (6, 5, 1)
    assert stroke.region_px == 49
    assert stroke.depth == pytest.approx(4.0)
    yy, xx = np.nonzero(out)
    assert set(out[yy, xx]) == {1}
    assert ((xx - 6) ** 2 + (yy - 5) ** 2 <= 4).all() and len(xx) == 13  # disc of radius 2
    assert not scribbles.any()  # input untouched


def test_largest_region_wins_over_deepest() -> None:
    truth = np.zeros((30, 40), np.uint8)
    truth[:, 20:] = 255
    pred = truth == 255
    pred[5:10, 2:7] = True  # false positive block 5x5 = 25 px, depth 3
    pred[20:22, 21:39] = False  # missed strip 2x18 = 36 px, depth 1
    stroke, out = next_stroke(pred, truth, np.zeros_like(truth), radius=3)
    assert stroke.label == 1 and stroke.region_px == 36
    assert 20 <= stroke.y <= 21 and 21 <= stroke.x <= 38


def test_false_positive_gets_background_label_clipped_to_background() -> None:
    truth = np.zeros((20, 20), np.uint8)
    truth[:, 10:] = 255
    pred = np.zeros(truth.shape, bool)
    pred[:, 7:] = True  # 3 columns of false foreground next to the true edge
    stroke, out = next_stroke(pred, truth, np.zeros_like(truth), radius=5)
    assert stroke.label == 2 and stroke.x == 8
    assert (out[:, 10:] == 0).all()  # never paints ground-truth foreground
    assert (out[:, :10] == 2).sum() > 3 * 3


def test_band_is_never_an_error_nor_painted() -> None:
    truth = np.zeros((15, 15), np.uint8)
    truth[4:11, 4:11] = 128
    truth[6:9, 6:9] = 255
    pred = np.zeros(truth.shape, bool)
    pred[4:11, 4:11] = True  # covers the whole band: no scored error
    pred[6:9, 6:9] = True
    assert largest_error_region(pred, truth) is None
    assert next_stroke(pred, truth, np.zeros_like(truth)) is None
    pred[6:9, 6:9] = False  # now the 3x3 core is missed
    stroke, out = next_stroke(pred, truth, np.zeros_like(truth), radius=4)
    assert (stroke.x, stroke.y, stroke.label) == (7, 7, 1)
    assert set(np.unique(out[truth == 128])) == {0}


def test_scribbled_pixels_are_not_targeted_again() -> None:
    truth = _all_fg_truth()
    pred = np.ones(truth.shape, bool)
    pred[2:9, 3:10] = False
    scribbles = np.zeros(truth.shape, np.uint8)
    scribbles[2:9, 3:10] = 1  # already painted, engine still wrong there
    assert next_stroke(pred, truth, scribbles) is None


def test_deepest_point_counts_image_border_as_boundary() -> None:
    region = np.ones((5, 9), bool)  # the whole image is one error region
    x, y, depth = deepest_point(region)
    # depth 3 along the middle row from x=2 to x=6; ties go to the first in raster order
    assert (x, y) == (2, 2) and depth == pytest.approx(3.0)


def test_deepest_point_rejects_empty_region() -> None:
    with pytest.raises(ValueError, match="region is empty"):
        deepest_point(np.zeros((3, 3), bool))


def test_negative_radius_is_rejected() -> None:
    truth = _all_fg_truth()
    with pytest.raises(ValueError, match="radius must be >= 0, got -1"):
        next_stroke(np.zeros(truth.shape, bool), truth, np.zeros_like(truth), radius=-1)
