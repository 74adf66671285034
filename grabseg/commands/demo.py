"""``grabseg demo``: run the engine on the bundled demo images without a window.

For each demo image with a box in ``resources/demo/boxes.json`` it writes the
mask (``<name>_mask.png``) and an overlay picture (``<name>_overlay.png``) into
``--out``, and prints IoU-free timings (the demo images have no ground truth).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

#: Where the bundled demo images live (repository checkout or installed tree).
DEMO_DIR = Path(__file__).resolve().parents[2] / "resources" / "demo"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="grabseg-demo-out", help="output folder")
    parser.add_argument("--engine", default="native", choices=("native", "opencv"))
    parser.add_argument("--iterations", type=int, default=5)


def overlay(image, mask, *, color=(255, 64, 32), alpha=0.5):
    """RGB picture: ``mask`` tinted over ``image`` with its contour drawn."""
    import cv2
    import numpy as np

    out = image.astype(np.float32)
    out[mask] = (1 - alpha) * out[mask] + alpha * np.asarray(color, np.float32)
    out = out.astype(np.uint8)
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
    cv2.drawContours(out, contours, -1, (255, 255, 0), 2)
    return out


def run(args: argparse.Namespace) -> int:
    import cv2

    from grabseg.core import segment
    from grabseg.io.images import read_image

    boxes = json.loads((DEMO_DIR / "boxes.json").read_text())
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, box in boxes.items():
        path = next(DEMO_DIR.glob(f"{name}.*"))
        image = read_image(path)
        t0 = time.perf_counter()
        mask = segment(image, tuple(box), iterations=args.iterations, engine=args.engine, rng=0)
        seconds = time.perf_counter() - t0
        cv2.imwrite(str(out_dir / f"{name}_mask.png"), mask.astype("uint8") * 255)
        pic = overlay(image, mask)
        cv2.rectangle(pic, (box[0], box[1]), (box[2] - 1, box[3] - 1), (0, 255, 0), 2)
        cv2.imwrite(str(out_dir / f"{name}_overlay.png"), pic[:, :, ::-1])
        print(f"{name}: {image.shape[1]}x{image.shape[0]}, box {box}, "
              f"{mask.mean() * 100:.1f}% foreground, {seconds:.2f} s ({args.engine})")
    print(f"masks and overlays written to {out_dir.resolve()}")
    return 0
