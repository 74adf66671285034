"""Summaries of benchmark rows: per engine, and native against opencv.

Means are over images; stroke times are pooled over all strokes of all images.
Images where an engine failed are left out of that engine's summary (and of
any ratio that needs it) and counted in ``n_failed``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from grabseg.bench.metrics import mean, percentile
from grabseg.bench.runner import BenchSettings


def _ok(rows: Sequence[dict[str, Any]], engine: str) -> list[dict[str, Any]]:
    return [r["engines"][engine] for r in rows if "error" not in r["engines"][engine]]


def engine_summary(
    rows: Sequence[dict[str, Any]], engine: str, settings: BenchSettings
) -> dict[str, Any]:
    """Accuracy and timing of one engine over the rows of one dataset."""
    ok = _ok(rows, engine)
    box = [r["box"] for r in ok]
    robot = [r["robot"] for r in ok]
    stroke_times = [s["time_s"] for rb in robot for s in rb["strokes"]]
    box_times = [b["time_s"] for b in box]
    out: dict[str, Any] = {
        "n_images": len(ok),
        "n_failed": len(rows) - len(ok),
        "box_iou_mean": mean([b["iou"] for b in box]),
        "box_error_pct_mean": mean([b["error_pct"] for b in box]),
        "box_error_in_box_pct_mean": mean([b["error_in_box_pct"] for b in box]),
        "box_time_s_median": percentile(box_times, 50),
        "box_time_s_mean": mean(box_times),
        "set_box_iou_mean": mean([rb["set_box_iou"] for rb in robot]),
        "set_box_time_s_median": percentile([rb["set_box_time_s"] for rb in robot], 50),
        f"iou_at_{settings.iou_at}_mean": mean([rb[f"iou_at_{settings.iou_at}"] for rb in robot]),
        "strokes_total": len(stroke_times),
        "stroke_time_s_median": percentile(stroke_times, 50),
        "stroke_time_s_p95": percentile(stroke_times, 95),
    }
    for t in settings.thresholds:
        key = round(t * 100)
        out[f"noc{key}_mean"] = mean([rb[f"noc{key}"] for rb in robot])
        out[f"nof{key}"] = sum(not rb[f"reached{key}"] for rb in robot)
    med_box, med_stroke = out["box_time_s_median"], out["stroke_time_s_median"]
    out["stroke_over_box_time"] = (
        med_stroke / med_box if med_box and med_stroke is not None else None
    )
    return out


def _ratios(
    rows: Sequence[dict[str, Any]], a: str, b: str
) -> tuple[list[float], list[float]]:
    box, stroke = [], []
    for r in rows:
        ra, rb = r["engines"][a], r["engines"][b]
        if "error" in ra or "error" in rb:
            continue
        if rb["box"]["time_s"] > 0:
            box.append(ra["box"]["time_s"] / rb["box"]["time_s"])
        ta = [s["time_s"] for s in ra["robot"]["strokes"]]
        tb = [s["time_s"] for s in rb["robot"]["strokes"]]
        if ta and tb and np.median(tb) > 0:
            stroke.append(float(np.median(ta) / np.median(tb)))
    return box, stroke


def compare(rows: Sequence[dict[str, Any]], a: str, b: str) -> dict[str, Any]:
    """Per-image time ratios ``a / b`` (e.g. native / opencv).

    ``box_time_ratio_*`` uses the box ``segment`` time of each image;
    ``stroke_time_ratio_median`` uses, per image, the median stroke time of each
    engine (only images where both made strokes).
    """
    box, stroke = _ratios(rows, a, b)
    return {
        "engines": [a, b],
        "n_images": len(box),
        "box_time_ratio_median": percentile(box, 50),
        "box_time_ratio_geomean": float(np.exp(np.mean(np.log(box)))) if box else None,
        "box_time_ratio_min": min(box) if box else None,
        "box_time_ratio_max": max(box) if box else None,
        "stroke_time_ratio_median": percentile(stroke, 50),
        "n_images_stroke_ratio": len(stroke),
    }


def summarize(rows: Sequence[dict[str, Any]], settings: BenchSettings) -> dict[str, Any]:
    """``{"engines": {engine: engine_summary}, "comparison": compare(...) or None}``.

    The comparison is the first engine against the second when two or more ran
    (``native / opencv`` with the default engine order).
    """
    engines = settings.engines
    return {
        "engines": {e: engine_summary(rows, e, settings) for e in engines},
        "comparison": compare(rows, engines[0], engines[1]) if len(engines) > 1 else None,
    }
