"""Benchmark: how long the GUI event loop stalls while annotating a 12-megapixel image.

    python -m grabseg.gui.bench_stall --out docs/bench/ui-stall.json

Runs the real main window (offscreen unless a display is set) with the real
``ProcessRunner``. A 10 ms ``QTimer`` stamps every tick; the longest gap between
ticks is the longest stall. The script opens an upscaled grabcut-dev image,
drags a box and paints scribbles with mouse events spread over time, and records
per phase the longest stall and the time from release until the new mask is
painted. Writes JSON and (with ``--md``) the table between the
``<!-- bench:ui-stall -->`` markers of a markdown file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

TICK_MS = 10


def make_image(shared: Path, name: str, megapixels: float, folder: Path):
    """Upscale a grabcut-dev image to about ``megapixels`` MP; returns (path, box scaled)."""
    import cv2

    src = next((shared / "grabcut-dev" / "images").glob(f"{name}.*"))
    image = cv2.imread(str(src), cv2.IMREAD_COLOR)
    h, w = image.shape[:2]
    f = (megapixels * 1e6 / (h * w)) ** 0.5
    big = cv2.resize(image, (round(w * f), round(h * f)), interpolation=cv2.INTER_CUBIC)
    path = folder / f"{name}_x{f:.2f}.png"
    cv2.imwrite(str(path), big, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    box = json.loads((shared / "grabcut-dev" / "boxes.json").read_text())[name]
    sy, sx = big.shape[0] / h, big.shape[1] / w
    scaled = (round(box[0] * sx), round(box[1] * sy), round(box[2] * sx), round(box[3] * sy))
    return path, scaled, big.shape[1], big.shape[0]


class StallMeter:
    """Stamps a 10 ms timer; ``mark(phase)`` starts a new phase."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.phase, self.last, self.worst = "start", time.perf_counter(), {}

    def _tick(self) -> None:
        now = time.perf_counter()
        gap = now - self.last
        self.last = now
        self.worst[self.phase] = max(self.worst.get(self.phase, 0.0), gap)

    def mark(self, phase: str) -> None:
        self._tick()
        self.phase = phase

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()


def run(out: Path, md: Path | None, *, name: str, megapixels: float) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    from grabseg.gui.app import create_window, make_app
    from grabseg.jobs import ProcessRunner
    from grabseg.project import Project

    shared = Path(os.environ.get("GRABSEG_SHARED_DATA", Path(__file__).resolve().parents[3]
                                 / "shared" / "data"))
    app = make_app()
    tmp = Path(tempfile.mkdtemp(prefix="grabseg-bench-"))
    os.environ.setdefault("GRABSEG_CONFIG_DIR", str(tmp / "config"))
    folder = tmp / "imgs"
    folder.mkdir()
    path, box, width, height = make_image(shared, name, megapixels, folder)
    small = next((shared / "grabcut-dev" / "images").glob(f"{name}.*"))
    shutil.copyfile(small, folder / f"a_small{small.suffix}")  # opens first, cheaply
    meter = StallMeter()
    runner = ProcessRunner(start=True)
    project = Project.open(folder, create=True)
    big_id = next(i.id for i in project.images() if i.path == path.name)
    window = create_window(project, runner=runner)
    window.resize(1280, 800)
    for _ in range(50):  # let the worker start and the window settle
        app.processEvents()
        time.sleep(0.02)
    meter.start()
    painted: list[tuple[float, object]] = []  # (time, draft mask shown by that paint)
    original_paint = window.canvas.paintEvent

    def paint_hook(event) -> None:
        original_paint(event)
        if window.session is not None and window.canvas.scene.draft_layer is not None:
            painted.append((time.perf_counter(), window.session.draft.mask))

    window.canvas.paintEvent = paint_hook

    def pump(seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.002)

    def send(kind, x, y, button, buttons) -> None:
        pos = QPointF(*window.canvas.viewport.to_widget(x, y))
        QApplication.sendEvent(window.canvas, QMouseEvent(kind, pos, pos, button, buttons,
                                                          Qt.KeyboardModifier.NoModifier))

    def gesture(points, moves: int = 25) -> float:
        left = Qt.MouseButton.LeftButton
        send(QEvent.Type.MouseButtonPress, *points[0], left, left)
        for k in range(1, moves + 1):
            t = k / moves
            seg = min(int(t * (len(points) - 1)), len(points) - 2)
            u = t * (len(points) - 1) - seg
            (ax, ay), (bx, by) = points[seg], points[seg + 1]
            send(QEvent.Type.MouseMove, ax + (bx - ax) * u, ay + (by - ay) * u,
                 Qt.MouseButton.NoButton, left)
            pump(0.015)
        send(QEvent.Type.MouseButtonRelease, *points[-1], left, Qt.MouseButton.NoButton)
        return time.perf_counter()

    def wait_painted(since: float, previous, timeout: float = 600.0) -> float | None:
        """Seconds from ``since`` until the first paint showing a mask other than ``previous``."""
        end = since + timeout
        while time.perf_counter() < end:
            pump(0.005)
            shown = [t for t, mask in painted if t > since and mask is not None
                     and mask is not previous]
            if shown and not window.controller.busy:
                return shown[0] - since
        return None

    results: dict = {"phases": []}
    t0 = time.perf_counter()
    meter.mark("open image")
    window.open_image(big_id)  # a large image decodes on a thread
    while window.image_id != big_id and time.perf_counter() - t0 < 60:
        pump(0.005)
    opened = time.perf_counter() - t0
    pump(0.3)
    results["phases"].append({"phase": "open image", "longest_stall_ms":
                              round(meter.worst.get("open image", 0) * 1000, 1),
                              "release_to_mask_painted_ms": None,
                              "status_bar": f"image shown after {opened * 1000:.0f} ms"})
    meter.mark("drag box + cut")
    x0, y0, x1, y1 = box
    released = gesture([(x0, y0), ((x0 + x1) / 2, (y0 + y1) / 2), (x1, y1)])
    shown = wait_painted(released, None)
    engine = window.status.timing.text()
    results["phases"].append(_phase("drag box + cut", meter, shown, engine))
    mask = window.session.draft.mask
    strokes = _stroke_plans(mask, box)
    for label, tool, pts in strokes:
        window.tools.set_active(tool)
        window.tools.set_radius(max(4.0, width / 400))
        meter.mark(label)
        previous = window.session.draft.mask
        released = gesture(pts)
        shown = wait_painted(released, previous)
        results["phases"].append(_phase(label, meter, shown, window.status.timing.text()))
    meter.mark("end")
    pump(0.1)
    elapsed = time.perf_counter() - t0
    window.close()
    shutil.rmtree(tmp, ignore_errors=True)
    results.update(
        image=f"{name} upscaled to {width}x{height} ({width * height / 1e6:.1f} MP)",
        tick_ms=TICK_MS, wall_seconds=round(elapsed, 2), python=platform.python_version(),
        machine=f"{platform.machine()} {os.cpu_count()} cpu",
        platform=os.environ["QT_QPA_PLATFORM"],
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(out, json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    if md is not None and md.exists():
        _replace_block(md, table)
    print(table)
    return results


def _phase(label: str, meter: StallMeter, shown: float | None, timing: str) -> dict:
    worst = meter.worst.get(label, 0.0)
    return {"phase": label, "longest_stall_ms": round(worst * 1000, 1),
            "release_to_mask_painted_ms": None if shown is None else round(shown * 1000),
            "status_bar": timing}


def _stroke_plans(mask, box) -> list[tuple[str, str, list[tuple[float, float]]]]:
    """A background stroke across the box's top band and a foreground one inside the mask."""
    import numpy as np

    x0, y0, x1, y1 = box
    bg = [(x0 + (x1 - x0) * 0.1, y0 + (y1 - y0) * 0.04), (x0 + (x1 - x0) * 0.5,
                                                           y0 + (y1 - y0) * 0.04)]
    plans = [("background stroke + cut", "bg", bg)]
    if mask is not None and mask.any():
        ys, xs = np.nonzero(mask)
        cx, cy = float(np.median(xs)), float(np.median(ys))
        plans.append(("foreground stroke + cut", "fg", [(cx - 20, cy), (cx + 20, cy)]))
    return plans


def markdown(results: dict) -> str:
    lines = [f"Image: {results['image']}; 10 ms timer; {results['machine']}; "
             f"QT_QPA_PLATFORM={results['platform']}.", "",
             "| phase | longest event-loop stall (ms) | release → mask painted (ms) "
             "| status bar |",
             "| --- | --- | --- | --- |"]
    for p in results["phases"]:
        shown = p["release_to_mask_painted_ms"]
        shown = "n/a" if p["phase"] == "open image" else ("timed out" if shown is None else shown)
        lines.append(f"| {p['phase']} | {p['longest_stall_ms']} | {shown} | {p['status_bar']} |")
    return "\n".join(lines)


def _replace_block(md: Path, table: str) -> None:
    text = md.read_text(encoding="utf-8")
    pattern = re.compile(r"(<!-- bench:ui-stall -->\n).*?(\n<!-- /bench:ui-stall -->)", re.S)
    if pattern.search(text):
        _write_atomic(md, pattern.sub(lambda m: m.group(1) + table + m.group(2), text))


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temp file beside ``path``, then ``os.replace`` it."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/bench/ui-stall.json"))
    parser.add_argument("--md", type=Path, default=Path("docs/gui.md"))
    parser.add_argument("--image", default="banana1", help="grabcut-dev image name")
    parser.add_argument("--megapixels", type=float, default=12.0)
    args = parser.parse_args(argv)
    run(args.out, args.md, name=args.image, megapixels=args.megapixels)
    return 0


if __name__ == "__main__":
    sys.exit(main())
