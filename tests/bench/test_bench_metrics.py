"""Known answers for the benchmark metrics (IoU and error with the ignored band, NoC)."""

from __future__ import annotations

import numpy as np
import pytest

from grabseg.bench.metrics import carry_forward, error_percent, iou, noc, reached
from grabseg.types import Box

# truth: 255 fg, 0 bg, 128 band (never scored)
TRUTH = np.array(
    [
        [0, 0, 0, 0],
        [0, 255, 128, 0],
        [0, 255, 255, 128],
    ],
    np.uint8,
)


def test_iou_skips_band_pixels() -> None:
    pred = np.zeros((3, 4), bool)
    pred[1, 1:3] = True  # fg hit + band pixel (ignored)
    pred[0, 0] = True  # false positive
    # scored: intersection {(1,1)} = 1; union {(1,1),(2,1),(2,2),(0,0)} = 4
    assert iou(pred, TRUTH) == pytest.approx(1 / 4)


def test_iou_perfect_when_band_differs() -> None:
    pred = TRUTH == 255
    pred = pred | (TRUTH == 128)  # claiming the band costs nothing
    assert iou(pred, TRUTH) == 1.0


def test_iou_of_two_empty_masks_is_one() -> None:
    truth = np.full((2, 3), 128, np.uint8)
    truth[0, 0] = 0
    assert iou(np.zeros((2, 3), bool), truth) == 1.0


def test_error_percent_over_scored_pixels() -> None:
    pred = np.zeros((3, 4), bool)
    pred[0, 0] = True  # 1 FP; FNs: (1,1), (2,1), (2,2) -> 4 wrong of 10 scored
    assert error_percent(pred, TRUTH) == pytest.approx(40.0)


def test_error_percent_inside_box_only() -> None:
    pred = np.zeros((3, 4), bool)
    pred[0, 0] = True
    # box covers rows 1-2, cols 1-2: scored (1,1), (2,1), (2,2) -> all 3 wrong
    assert error_percent(pred, TRUTH, box=Box(1, 1, 3, 3)) == pytest.approx(100.0)
    # box over row 0 only: 4 scored, 1 wrong
    assert error_percent(pred, TRUTH, box=Box(0, 0, 4, 1)) == pytest.approx(25.0)


def test_metrics_reject_non_bool_prediction() -> None:
    with pytest.raises(TypeError, match="pred must be a boolean mask, got dtype uint8"):
        iou(np.zeros((3, 4), np.uint8), TRUTH)


def test_metrics_reject_shape_mismatch() -> None:
    with pytest.raises(ValueError, match=r"one shape, got \(3, 3\) and \(3, 4\)"):
        error_percent(np.zeros((3, 3), bool), TRUTH)


def test_noc_counts_strokes_to_threshold() -> None:
    curve = [0.50, 0.80, 0.86, 0.84, 0.91]
    assert noc(curve, 0.85, 20) == 2
    assert noc(curve, 0.90, 20) == 4


def test_noc_is_zero_when_the_box_alone_reaches_it() -> None:
    assert noc([0.93], 0.90, 20) == 0
    assert reached([0.93], 0.90, 20)


def test_noc_is_the_budget_when_never_reached() -> None:
    curve = [0.5, 0.6, 0.7]
    assert noc(curve, 0.85, 2) == 2
    assert not reached(curve, 0.85, 2)


def test_noc_ignores_values_beyond_the_budget() -> None:
    assert noc([0.5, 0.6, 0.95], 0.90, 1) == 1
    assert not reached([0.5, 0.6, 0.95], 0.90, 1)


def test_carry_forward_repeats_the_last_iou() -> None:
    assert carry_forward([0.7, 0.92], 4) == [0.7, 0.92, 0.92, 0.92, 0.92]
    assert carry_forward([0.95], 0) == [0.95]


def test_carry_forward_rejects_too_long_curves() -> None:
    with pytest.raises(ValueError, match="got 3 IoUs for at most 1 strokes"):
        carry_forward([0.1, 0.2, 0.3], 1)
    with pytest.raises(ValueError, match="empty"):
        carry_forward([], 3)
