"""Run the engines over a dataset: box-only cuts and the robot user, interleaved per image.

For every image, each engine runs in turn (the order alternates from one
image to the next, so machine load and cache warmth hit every engine alike):

1. **box**: ``grabseg.core.segment(image, box, iterations=..., engine=..., rng=...)``
   timed with ``time.perf_counter`` around the call only;
2. **robot**: ``GrabCutSession(image, engine=..., iterations=..., rng=...)``,
   ``set_box(box)`` then up to ``max_strokes`` calls of ``update(scribbles)``
   placed by ``grabseg.bench.robot.next_stroke``; each call is timed alone.

Both get a fresh ``numpy.random.default_rng([seed, image_index])``, so the robot
starts from the same cut the box-only figures score (GrabCut's k-means start
makes single cuts seed-sensitive).

Before the first image, every engine makes one untimed box cut and one stroke
on a small synthetic image (``warm_up``), so one-off costs such as lazy imports
do not land on the first image's timings.

An engine that raises on an image is recorded in that image's row (``error``)
and left out of the summary; the other engines still run.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from grabseg.bench.datasets import BenchItem, Dataset, load_item
from grabseg.bench.metrics import carry_forward, error_percent, iou, noc, reached
from grabseg.bench.robot import next_stroke
from grabseg.types import Box

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BenchSettings:
    """What one benchmark run does (all of it goes into the JSON output)."""

    engines: tuple[str, ...] = ("native", "opencv")
    iterations: int = 5
    max_strokes: int = 20
    radius: float = 5.0
    thresholds: tuple[float, ...] = (0.85, 0.90)
    stop_iou: float = 0.90
    iou_at: int = 5
    seed: int = 0

    def __post_init__(self) -> None:
        if not self.engines or len(set(self.engines)) != len(self.engines):
            raise ValueError(f"engines must be distinct and not empty, got {self.engines}")
        if self.iterations < 1 or self.max_strokes < 0 or self.radius < 0:
            raise ValueError(
                "need iterations >= 1, max_strokes >= 0 and radius >= 0, got "
                f"{self.iterations}, {self.max_strokes}, {self.radius}"
            )
        if self.stop_iou < max(self.thresholds):
            raise ValueError(f"stop_iou {self.stop_iou} is below a NoC threshold {self.thresholds}")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _engine_api() -> tuple[Callable[..., Any], Callable[..., Any]]:
    from grabseg.core import GrabCutSession, segment

    return segment, GrabCutSession


def _as_mask(result: Any, shape: tuple[int, ...], what: str) -> npt.NDArray[np.bool_]:
    mask = np.asarray(result)
    if mask.dtype != np.bool_ or mask.shape != shape:
        raise TypeError(
            f"{what} must return a bool {shape} mask, got {mask.dtype} {mask.shape}"
        )
    return mask


def run_box(
    image: npt.NDArray[np.uint8], truth: npt.NDArray[np.uint8], box: Box, *,
    engine: str, iterations: int, rng: np.random.Generator,
) -> dict[str, Any]:
    """One timed box-only ``segment`` call and its accuracy."""
    segment, _ = _engine_api()
    t0 = time.perf_counter()
    result = segment(image, box.as_tuple(), iterations=iterations, engine=engine, rng=rng)
    elapsed = time.perf_counter() - t0
    pred = _as_mask(result, truth.shape, "segment()")
    return {
        "iou": iou(pred, truth),
        "error_pct": error_percent(pred, truth),
        "error_in_box_pct": error_percent(pred, truth, box=box),
        "time_s": elapsed,
    }


def run_robot(
    image: npt.NDArray[np.uint8], truth: npt.NDArray[np.uint8], box: Box, *,
    engine: str, settings: BenchSettings, rng: np.random.Generator,
) -> dict[str, Any]:
    """The robot user on one image with one engine (see ``grabseg.bench.robot``).

    The robot stops before its next stroke once the IoU reaches
    ``settings.stop_iou`` or no error is left; the IoU curve is then carried
    forward to ``max_strokes`` strokes for NoC and IoU@k.
    """
    _, session_cls = _engine_api()
    session = session_cls(image, engine=engine, iterations=settings.iterations, rng=rng)
    t0 = time.perf_counter()
    pred = _as_mask(session.set_box(box.as_tuple()), truth.shape, "GrabCutSession.set_box()")
    set_box_s = time.perf_counter() - t0
    scribbles = np.zeros(truth.shape, np.uint8)
    ious = [iou(pred, truth)]
    strokes: list[dict[str, Any]] = []
    stop = "max_strokes"
    while len(strokes) < settings.max_strokes:
        if ious[-1] >= settings.stop_iou:
            stop = "stop_iou"
            break
        placed = next_stroke(pred, truth, scribbles, radius=settings.radius)
        if placed is None:
            stop = "no_error"
            break
        stroke, scribbles = placed
        t0 = time.perf_counter()
        result = session.update(scribbles.copy())
        elapsed = time.perf_counter() - t0
        pred = _as_mask(result, truth.shape, "GrabCutSession.update()")
        ious.append(iou(pred, truth))
        strokes.append({**asdict(stroke), "time_s": elapsed, "iou": ious[-1]})
    curve = carry_forward(ious, settings.max_strokes)
    out: dict[str, Any] = {
        "set_box_iou": ious[0],
        "set_box_time_s": set_box_s,
        "stop": stop,
        "n_strokes": len(strokes),
        "strokes": strokes,
        "iou_curve": curve,
        f"iou_at_{settings.iou_at}": curve[min(settings.iou_at, settings.max_strokes)],
    }
    for t in settings.thresholds:
        out[f"noc{round(t * 100)}"] = noc(curve, t, settings.max_strokes)
        out[f"reached{round(t * 100)}"] = reached(curve, t, settings.max_strokes)
    return out


def _run_engine(
    image: npt.NDArray[np.uint8], truth: npt.NDArray[np.uint8], item: BenchItem,
    index: int, engine: str, settings: BenchSettings,
) -> dict[str, Any]:
    seed = [settings.seed, index]
    try:
        box = run_box(image, truth, item.box, engine=engine,
                      iterations=settings.iterations, rng=np.random.default_rng(seed))
        robot = run_robot(image, truth, item.box, engine=engine, settings=settings,
                          rng=np.random.default_rng(seed))
    except Exception as exc:  # noqa: BLE001 - one engine failing must not end the run
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {"box": box, "robot": robot}


def _describe(engine: str, result: dict[str, Any], settings: BenchSettings) -> str:
    if "error" in result:
        return f"{engine} FAILED ({result['error']})"
    box, robot = result["box"], result["robot"]
    times = [s["time_s"] for s in robot["strokes"]]
    stroke = f"{np.median(times):.2f}s/stroke" if times else "no strokes"
    nocs = " ".join(
        f"NoC@{round(t * 100)} {robot[f'noc{round(t * 100)}']}" for t in settings.thresholds
    )
    return f"{engine} IoU {box['iou']:.3f} {box['time_s']:.2f}s, {nocs}, {stroke}"


def warm_up(settings: BenchSettings) -> None:
    """One untimed box cut and one update per engine on a 40x48 synthetic image."""
    segment, session_cls = _engine_api()
    yy, xx = np.mgrid[:40, :48]
    inside = (yy - 20) ** 2 + (xx - 24) ** 2 <= 100
    image = np.where(inside[..., None], np.uint8(200), np.uint8(40)).repeat(3, axis=2)
    image = np.ascontiguousarray(image + np.arange(3, dtype=np.uint8) * 20)
    scribbles = np.zeros((40, 48), np.uint8)
    scribbles[20, 24] = 1
    for engine in settings.engines:
        segment(image, (8, 6, 40, 34), iterations=1, engine=engine,
                rng=np.random.default_rng(0))
        session = session_cls(image, engine=engine, iterations=1)
        session.set_box((8, 6, 40, 34))
        session.update(scribbles)


def bench_dataset(
    dataset: Dataset, settings: BenchSettings, *, progress: Progress | None = None
) -> list[dict[str, Any]]:
    """Run every engine on every item; return one row per image.

    ``progress`` receives one line per image (default: print to stderr).
    """
    say = progress or (lambda line: print(line, file=sys.stderr, flush=True))
    rows = []
    n = len(dataset.items)
    for index, item in enumerate(dataset.items):
        image, truth = load_item(item)
        order = settings.engines if index % 2 == 0 else settings.engines[::-1]
        results = {e: _run_engine(image, truth, item, index, e, settings) for e in order}
        rows.append({
            "name": item.name,
            "width": int(image.shape[1]),
            "height": int(image.shape[0]),
            "box": list(item.box.as_tuple()),
            "engine_order": list(order),
            "engines": {e: results[e] for e in settings.engines},
        })
        parts = " | ".join(_describe(e, results[e], settings) for e in settings.engines)
        say(f"[{dataset.name} {index + 1}/{n}] {item.name}: {parts}")
    return rows
