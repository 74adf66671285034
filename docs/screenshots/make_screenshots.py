"""Make the screenshots in docs/screenshots/ from the real app on the demo project.

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python docs/screenshots/make_screenshots.py

Opens the demo project in a temporary data folder, drags a box and paints a
background scribble with real mouse events, and captures the X screen with
ImageMagick's ``import -window root`` after each step.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def missed_part(mask) -> list[tuple[float, float]]:
    """A stroke along the largest hole of the mask (a part the box cut missed)."""
    import cv2
    import numpy as np

    filled = mask.astype(np.uint8).copy()
    contours, _ = cv2.findContours(filled, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    cv2.drawContours(filled, contours, -1, 1, -1)
    holes = (filled == 1) & ~mask
    n, labels, stats, _ = cv2.connectedComponentsWithStats(holes.astype(np.uint8), 8)
    biggest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    dist = cv2.distanceTransform((labels == biggest).astype(np.uint8), cv2.DIST_L2, 5)
    ys, xs = np.nonzero(dist >= 0.6 * dist.max())
    order = np.argsort(ys)
    picks = order[np.linspace(0, len(order) - 1, 4).astype(int)]
    return [(float(xs[k]) + 0.5, float(ys[k]) + 0.5) for k in picks]


def main() -> int:
    if not os.environ.get("DISPLAY"):
        print("run me under xvfb-run (see the module docstring)", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="grabseg-shots-"))
    os.environ["GRABSEG_DATA_DIR"] = str(tmp / "data")
    os.environ["GRABSEG_CONFIG_DIR"] = str(tmp / "config")
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    from grabseg.gui.app import create_window, make_app, open_target
    from grabseg.gui.dialogs import ShortcutsDialog, apply_theme
    from grabseg.gui.resources import demo_images_dir
    from grabseg.jobs import ProcessRunner

    app = make_app()
    apply_theme(app, "light")
    from grabseg.jobs import InlineRunner

    runner = InlineRunner() if "--inline" in sys.argv else ProcessRunner(start=True)
    window = create_window(open_target(None), runner=runner)
    window.move(0, 0)
    window.resize(1400, 900)
    boxes = json.loads((demo_images_dir() / "boxes.json").read_text())

    def pump(seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.01)

    def send(kind, x, y, button, buttons) -> None:
        pos = QPointF(*window.canvas.viewport.to_widget(x, y))
        glob = QPointF(window.canvas.mapToGlobal(pos.toPoint()))
        QApplication.sendEvent(window.canvas, QMouseEvent(kind, pos, glob, button, buttons,
                                                          Qt.KeyboardModifier.NoModifier))

    def drag(points) -> None:
        left = Qt.MouseButton.LeftButton
        send(QEvent.Type.MouseButtonPress, *points[0], left, left)
        for (ax, ay), (bx, by) in zip(points, points[1:]):
            for k in range(1, 9):
                send(QEvent.Type.MouseMove, ax + (bx - ax) * k / 8, ay + (by - ay) * k / 8,
                     Qt.MouseButton.NoButton, left)
                pump(0.01)
        send(QEvent.Type.MouseButtonRelease, *points[-1], left, Qt.MouseButton.NoButton)

    def wait_mask(previous=None) -> None:
        end = time.perf_counter() + 60
        while time.perf_counter() < end:
            pump(0.05)
            mask = window.session.draft.mask
            if mask is not None and mask is not previous and not window.controller.busy:
                return
        raise TimeoutError("no mask after 60 s")

    def shot(name: str) -> None:
        pump(0.4)
        subprocess.run(["import", "-window", "root", str(HERE / name)], check=True)
        print("wrote", HERE / name)

    coffee = next(r.id for r in window.navigator.rows if r.path == "coffee.png")
    window.open_image(coffee)
    pump(1.0)
    x0, y0, x1, y1 = boxes["coffee"]
    drag([(x0, y0), ((x0 + x1) / 2, (y0 + y1) / 2), (x1, y1)])
    wait_mask()
    shot("01-box-cut.png")
    window.tools.set_active("fg")
    window.tools.set_radius(6)
    previous = window.session.draft.mask
    stroke = missed_part(previous)
    drag(stroke)
    wait_mask(previous)
    window.canvas._mouse = QPointF(*window.canvas.viewport.to_widget(*stroke[-1]))
    shot("02-foreground-scribble.png")
    window.accept_instance()
    astronaut = next(r.id for r in window.navigator.rows if r.path == "astronaut.png")
    window.open_image(astronaut)
    window.tools.set_active("box")
    x0, y0, x1, y1 = boxes["astronaut"]
    drag([(x0, y0), (x1, y1)])
    wait_mask()
    window.accept_instance()
    apply_theme(app, "dark")
    shot("03-accepted-dark.png")
    apply_theme(app, "light")
    dialog = ShortcutsDialog(window)
    dialog.move(380, 60)
    dialog.show()
    shot("04-shortcuts.png")
    dialog.close()
    window.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
