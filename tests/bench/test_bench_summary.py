"""Known answers for the summaries built from benchmark rows."""

from __future__ import annotations

import pytest

from grabseg.bench.runner import BenchSettings
from grabseg.bench.summary import summarize


def _res(iou: float, box_s: float, stroke_s: list[float], curve: list[float]) -> dict:
    return {
        "box": {"iou": iou, "error_pct": 1.0, "error_in_box_pct": 2.0, "time_s": box_s},
        "robot": {
            "set_box_iou": curve[0], "set_box_time_s": box_s, "stop": "stop_iou",
            "n_strokes": len(stroke_s), "strokes": [{"time_s": t} for t in stroke_s],
            "iou_curve": curve, "iou_at_5": curve[min(5, len(curve) - 1)],
            "noc85": 1, "reached85": True, "noc90": 2, "reached90": len(stroke_s) < 3,
        },
    }


def test_summary_means_medians_and_ratios() -> None:
    settings = BenchSettings(max_strokes=3)
    rows = [
        {"engines": {"native": _res(0.8, 2.0, [0.1, 0.3], [0.8, 0.86, 0.91, 0.91]),
                     "opencv": _res(0.9, 1.0, [0.2], [0.86, 0.95, 0.95, 0.95])}},
        {"engines": {"native": _res(0.6, 3.0, [0.2, 0.2, 0.2], [0.6, 0.7, 0.8, 0.84]),
                     "opencv": _res(0.7, 6.0, [0.4], [0.7, 0.9, 0.9, 0.9])}},
        {"engines": {"native": {"error": "ValueError: boom"},
                     "opencv": _res(0.5, 1.0, [], [0.5, 0.5, 0.5, 0.5])}},
    ]
    s = summarize(rows, settings)
    nat, ocv = s["engines"]["native"], s["engines"]["opencv"]
    assert (nat["n_images"], nat["n_failed"], ocv["n_images"]) == (2, 1, 3)
    assert nat["box_iou_mean"] == pytest.approx(0.7)
    assert nat["box_time_s_median"] == pytest.approx(2.5)
    assert nat["strokes_total"] == 5 and nat["stroke_time_s_median"] == pytest.approx(0.2)
    assert nat["stroke_over_box_time"] == pytest.approx(0.2 / 2.5)
    assert nat["nof90"] == 1 and nat["noc90_mean"] == pytest.approx(2.0)
    assert ocv["stroke_time_s_p95"] == pytest.approx(0.39)  # 0.2 + 0.95 * (0.4 - 0.2)
    cmp_ = s["comparison"]
    # per-image native/opencv box ratios 2.0 and 0.5 (third image: native failed)
    assert cmp_["n_images"] == 2
    assert cmp_["box_time_ratio_median"] == pytest.approx(1.25)
    assert cmp_["box_time_ratio_geomean"] == pytest.approx(1.0)
    # per-image median stroke ratios 0.2/0.2 = 1 and 0.2/0.4 = 0.5
    assert cmp_["stroke_time_ratio_median"] == pytest.approx(0.75)


def test_settings_reject_stop_below_threshold() -> None:
    with pytest.raises(ValueError, match="stop_iou 0.8 is below a NoC threshold"):
        BenchSettings(stop_iou=0.8)


def test_settings_reject_duplicate_engines() -> None:
    with pytest.raises(ValueError, match="engines must be distinct"):
        BenchSettings(engines=("opencv", "opencv"))
