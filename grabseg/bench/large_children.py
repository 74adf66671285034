"""Measurements of ``grabseg.bench.large`` that run in a fresh process each (peak RSS per run).

    python -m grabseg.bench.large_children KIND SPEC_JSON

prints one JSON object on its last stdout line. KIND is

- ``fast``: ``GrabCutSession(image).set_box(box)`` (the default, coarse-to-fine path for
  large windows), then strokes, each ``session.update(scribbles)`` timed; strokes are the
  robot's (``bench.robot.next_stroke`` against the mask) or, without a mask, "touch-ups"
  (see :func:`touch_up`). Saves the models and masks for ``exact``;
- ``exact``: the exact full-resolution cut of the same energy (the saved models);
- ``pipeline``: ``segment(image, box, exact=True)``, the whole standard GrabCut;
- ``opencv``: ``cv2.grabCut`` init (``GC_INIT_WITH_RECT``, 0 iterations) and one ``GC_EVAL``
  iteration, timed apart.

Peak RSS is ``ru_maxrss`` of the child: everything it held, the decoded image included.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, MB (Linux ``ru_maxrss`` is in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def read_rgb(path: str) -> npt.NDArray[np.uint8]:
    image = cv2.imread(path, cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError(f"cannot read image {path!r}")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def gt_iou(mask: npt.NDArray[np.bool_], truth: npt.NDArray[np.uint8] | None) -> float | None:
    if truth is None:
        return None
    from grabseg.bench.metrics import iou

    return round(iou(mask, truth), 5)


def mask_iou(a: npt.NDArray[np.bool_], b: npt.NDArray[np.bool_]) -> float:
    union = int((a | b).sum())
    return 1.0 if union == 0 else round(int((a & b).sum()) / union, 5)


def touch_up(mask: npt.NDArray[np.bool_], box: tuple[int, int, int, int], i: int, radius: int,
             rng: np.random.Generator) -> tuple[int, int, int]:
    """A correction-like stroke without ground truth: a disc centred ``2 * radius`` px from the
    mask boundary inside the box, labelled against the mask (even ``i``: background inside
    the mask, odd: foreground outside). Returns ``(x, y, label)``."""
    x0, y0, x1, y1 = box
    inside = mask[y0:y1, x0:x1] if i % 2 == 0 else ~mask[y0:y1, x0:x1]
    dist = cv2.distanceTransform(inside.astype(np.uint8), cv2.DIST_L2, 3)
    ys, xs = np.nonzero(np.abs(dist - 2 * radius) < 1)
    if len(ys) == 0:
        ys, xs = np.nonzero(dist > 0)
    k = int(rng.integers(len(ys)))
    return int(xs[k]) + x0, int(ys[k]) + y0, 2 if i % 2 == 0 else 1


def run_fast(spec: dict[str, Any]) -> dict[str, Any]:
    from grabseg.bench.robot import disc, next_stroke
    from grabseg.core import GrabCutSession

    image = read_rgb(spec["image"])
    truth = cv2.imread(spec["mask"], cv2.IMREAD_UNCHANGED) if spec.get("mask") else None
    box = tuple(spec["box"])
    rss_image = peak_rss_mb()
    session = GrabCutSession(image, rng=spec.get("seed", 0))
    t = time.perf_counter()
    mask = session.set_box(box)
    out: dict[str, Any] = {"box_s": round(time.perf_counter() - t, 4), "rss_after_image_mb": round(rss_image, 1)}
    cut = session._large
    out["path"] = "large" if cut is not None else "standard"
    if cut is not None:
        out["stats"] = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in cut.stats.items()}
        labels = np.zeros(mask.shape, bool)
        y0, y1, x0, x1 = cut.frame.window
        labels[y0:y1, x0:x1] = cut.labels.reshape(y1 - y0, x1 - x0).view(bool)
        fg, bg = cut.models
        np.savez(spec["save"], labels=labels, mask=mask, beta=cut.beta,
                 **{f"{n}_{a}": getattr(m, a) for n, m in (("fg", fg), ("bg", bg))
                    for a in ("weights", "means", "covariances")})
    else:
        np.savez(spec["save"], mask=mask)
    out["iou_gt"] = gt_iou(mask, truth)
    out["rss_after_box_mb"] = round(peak_rss_mb(), 1)
    scribbles = np.zeros(mask.shape, np.uint8)
    strokes, rng = [], np.random.default_rng(0)
    for i in range(spec.get("strokes", 0)):
        if truth is not None:
            found = next_stroke(mask, truth, scribbles, radius=spec["radius"])
            if found is None:
                break
            scribbles = found[1]
            info = {"x": found[0].x, "y": found[0].y, "label": found[0].label}
        else:
            x, y, label = touch_up(mask, box, i, int(spec["radius"]), rng)
            scribbles = scribbles.copy()
            scribbles[disc(mask.shape, x, y, spec["radius"])] = label
            info = {"x": x, "y": y, "label": label}
        t = time.perf_counter()
        mask = session.update(scribbles)
        info["update_s"] = round(time.perf_counter() - t, 4)
        info["path"] = session._large.stats.get("path") if cut is not None else "standard"
        info["iou_gt"] = gt_iou(mask, truth)
        strokes.append(info)
    out["strokes"] = strokes
    out["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return out


def run_exact(spec: dict[str, Any]) -> dict[str, Any]:
    from grabseg.core import GrabCutParams, large
    from grabseg.core.gmm import GaussianMixture

    image = read_rgb(spec["image"])
    saved = np.load(spec["save"])
    models = tuple(GaussianMixture(saved[f"{n}_weights"], saved[f"{n}_means"], saved[f"{n}_covariances"])
                   for n in ("fg", "bg"))
    cut = large.LargeGrabCut(image, GrabCutParams(), np.random.default_rng(0), beta=float(saved["beta"]))
    cut.box, cut.scribbles, cut.prior_map = tuple(spec["box"]), None, None
    cut.fg_model, cut.bg_model = models  # (the models setter would also build LUTs of a frame)
    t = time.perf_counter()
    exact = cut.exact_labels()
    out = {"exact_s": round(time.perf_counter() - t, 2), "peak_rss_mb": round(peak_rss_mb(), 1)}
    fast = saved["labels"]
    out["iou_raw"] = mask_iou(fast, exact)
    out["pixels_differ"] = int((fast != exact).sum())
    from grabseg.core.postprocess import keep_anchored

    out["iou_postprocessed"] = mask_iou(saved["mask"], keep_anchored(exact))
    out["energy_gap"] = energy_gap(image, spec["box"], models, float(saved["beta"]), fast, exact)
    return out


def energy_gap(image: npt.NDArray[np.uint8], box, models, beta: float, fast: npt.NDArray[np.bool_],
               exact: npt.NDArray[np.bool_]) -> dict[str, float]:
    """E(fast) - E(exact) of the box's GrabCut energy (data terms where they differ, n-links
    along both cuts), absolute and relative to E(exact)'s data-plus-smoothness total."""
    from grabseg.core import links
    from grabseg.core.energy import OFFSETS
    from grabseg.core.params import GAMMA

    x0, y0, x1, y1 = box
    H, W = fast.shape
    cy0, cy1, cx0, cx1 = max(y0 - 1, 0), min(y1 + 1, H), max(x0 - 1, 0), min(x1 + 1, W)
    packed = links.pack_rgb(image[cy0:cy1, cx0:cx1]).reshape(cy1 - cy0, cx1 - cx0)
    cut_cost = []
    for lab in (fast, exact):
        crop = lab[cy0:cy1, cx0:cx1]
        total = 0.0
        for dy, dx, factor in OFFSETS:
            h, w = crop.shape
            p = (slice(0, h - dy), slice(max(-dx, 0), w - max(dx, 0)))
            q = (slice(dy, h), slice(max(dx, 0), w - max(-dx, 0)))
            differ = crop[p] != crop[q]
            total += float(links.packed_weights(packed[p][differ], packed[q][differ], beta=beta,
                                                scale=GAMMA * factor).sum())
        cut_cost.append(total)
    diff = fast != exact
    rgb = image[diff].astype(np.float32)
    cf, cb = (m.neg_log_likelihood(rgb).astype(np.float64) for m in models)
    data = float(np.where(fast[diff], cf, cb).sum() - np.where(exact[diff], cf, cb).sum())
    delta = data + cut_cost[0] - cut_cost[1]
    win = image[y0:y1, x0:x1].reshape(-1, 3).astype(np.float32)
    lab = exact[y0:y1, x0:x1].ravel()
    chunk, base = 1 << 20, cut_cost[1]
    for i in range(0, len(win), chunk):
        part = win[i:i + chunk]
        base += float(np.where(lab[i:i + chunk], models[0].neg_log_likelihood(part),
                               models[1].neg_log_likelihood(part)).sum())
    return {"delta": round(delta, 2), "relative": float(f"{delta / base:.3g}") if base else 0.0}


def run_pipeline(spec: dict[str, Any]) -> dict[str, Any]:
    from grabseg.core import segment

    image = read_rgb(spec["image"])
    truth = cv2.imread(spec["mask"], cv2.IMREAD_UNCHANGED) if spec.get("mask") else None
    t = time.perf_counter()
    mask = segment(image, tuple(spec["box"]), rng=spec.get("seed", 0), exact=True)
    out = {"pipeline_s": round(time.perf_counter() - t, 2), "peak_rss_mb": round(peak_rss_mb(), 1),
           "iou_gt": gt_iou(mask, truth)}
    if spec.get("save"):
        out["iou_vs_fast"] = mask_iou(mask, np.load(spec["save"])["mask"])
    return out


def run_opencv(spec: dict[str, Any]) -> dict[str, Any]:
    image = cv2.imread(spec["image"], cv2.IMREAD_COLOR)  # BGR, as cv2.grabCut expects
    truth = cv2.imread(spec["mask"], cv2.IMREAD_UNCHANGED) if spec.get("mask") else None
    x0, y0, x1, y1 = spec["box"]
    gc = np.zeros(image.shape[:2], np.uint8)
    fg, bg = np.zeros((1, 65)), np.zeros((1, 65))
    cv2.setRNGSeed(0)
    t = time.perf_counter()
    cv2.grabCut(image, gc, (x0, y0, x1 - x0, y1 - y0), bg, fg, 0, cv2.GC_INIT_WITH_RECT)
    t_init = time.perf_counter() - t
    t = time.perf_counter()
    cv2.grabCut(image, gc, None, bg, fg, 1, cv2.GC_EVAL)
    t_iter = time.perf_counter() - t
    mask = (gc == cv2.GC_FGD) | (gc == cv2.GC_PR_FGD)
    return {"init_s": round(t_init, 2), "iteration_s": round(t_iter, 2), "peak_rss_mb": round(peak_rss_mb(), 1),
            "iou_gt_1_iteration": gt_iou(mask, truth)}


KINDS = {"fast": run_fast, "exact": run_exact, "pipeline": run_pipeline, "opencv": run_opencv}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in KINDS:
        print(f"usage: python -m grabseg.bench.large_children {{{','.join(KINDS)}}} SPEC_JSON", file=sys.stderr)
        return 2
    print(json.dumps(KINDS[argv[0]](json.loads(argv[1]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
