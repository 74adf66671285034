"""Benchmark of the large-image path (docs/large-images.md).

    python -m grabseg.bench.large [--shared ../shared/data] [--out docs/bench/large.json]
        [--md docs/large-images.md] [--megapixels 12] [--limit N] [--strokes 10]
        [--exact 5] [--pipeline 3] [--opencv 3] [--native-seeds 3] [--no-photos]

Data: every grabcut-dev image upscaled to about ``--megapixels`` MP (``cv2.INTER_CUBIC``;
masks ``INTER_NEAREST``; boxes scaled), and the real photos of ``large-photos`` with the
boxes in :data:`PHOTO_BOXES`. Per image, in a fresh process each (``large_children``):
the first mask from the box and the strokes on the warm session (timed one by one; the
robot's strokes, radius 5 px times the upscale factor, or touch-ups on the photos), peak
RSS; on subsets the exact cut of the same energy (IoU, energy gap), the whole standard
GrabCut (``exact=True``) and one ``cv2.grabCut`` iteration. In-process: grabcut-dev at its
own size, the standard path against the large path forced (``large_threshold=0``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from grabseg.bench.report import machine_info, update_markdown, write_json

#: Boxes (x0, y0, x1, y1; x1, y1 exclusive) chosen by eye for the photos of large-photos.
PHOTO_BOXES: dict[str, tuple[int, int, int, int]] = {
    "branch_pablo-garcia-saldana": (0, 288, 4896, 2880),  # the conifer branch
    "lantern_mr-lee": (671, 392, 1846, 1958),  # the paper lantern
    "leaf_alex-wing": (1448, 799, 2797, 2098),  # the green leaf
    "pier_paul-carmona": (615, 1709, 5470, 3646),  # the pier
    "walruses_jay-ruzesky": (0, 744, 4579, 2576),  # the walrus group
}
REPO = Path(__file__).resolve().parents[2]


def upscale(image: npt.NDArray[np.uint8], mask: npt.NDArray[np.uint8], box: tuple[int, int, int, int],
            megapixels: float) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8], tuple[int, int, int, int], float]:
    """Image (INTER_CUBIC), mask (INTER_NEAREST) and box scaled to about ``megapixels`` MP.

    Returns ``(image, mask, box, factor)``; the box is rounded and stays inside the image.
    """
    h, w = image.shape[:2]
    f = float(np.sqrt(megapixels * 1e6 / (h * w)))
    size = (round(w * f), round(h * f))
    big = cv2.resize(image, size, interpolation=cv2.INTER_CUBIC)
    big_mask = cv2.resize(mask, size, interpolation=cv2.INTER_NEAREST)
    sx, sy = size[0] / w, size[1] / h
    x0, y0, x1, y1 = box
    scaled = (round(x0 * sx), round(y0 * sy), min(round(x1 * sx), size[0]), min(round(y1 * sy), size[1]))
    return big, big_mask, scaled, f


def prepare(shared: Path, work: Path, megapixels: float, limit: int | None, photos: bool) -> list[dict[str, Any]]:
    """Write the upscaled grabcut-dev images (PNG) and masks; list every benchmark item."""
    dev = shared / "grabcut-dev"
    boxes = json.loads((dev / "boxes.json").read_text())
    items = []
    for name in sorted(boxes)[:limit]:
        src = next((dev / "images").glob(f"{name}.*"))
        image = cv2.imread(str(src), cv2.IMREAD_COLOR)
        mask = cv2.imread(str(dev / "masks" / f"{name}.png"), cv2.IMREAD_UNCHANGED)
        big, big_mask, box, f = upscale(image, mask, tuple(boxes[name]), megapixels)
        path, mpath = work / f"{name}.png", work / f"{name}_mask.png"
        cv2.imwrite(str(path), big, [cv2.IMWRITE_PNG_COMPRESSION, 1])
        cv2.imwrite(str(mpath), big_mask)
        items.append({"set": f"grabcut-dev x{megapixels:g}MP", "name": name, "image": str(path), "mask": str(mpath),
                      "box": list(box), "factor": round(f, 3), "size": [big.shape[1], big.shape[0]],
                      "radius": round(5 * f, 1)})
    if photos:
        for name, box in PHOTO_BOXES.items():
            path = shared / "large-photos" / f"{name}.jpg"
            w, h = _jpeg_size(path)
            items.append({"set": "large-photos", "name": name, "image": str(path), "mask": None, "box": list(box),
                          "size": [w, h], "radius": 20})
    return items


def _jpeg_size(path: Path) -> tuple[int, int]:
    from PIL import Image

    with Image.open(path) as im:
        return im.size


def child(kind: str, spec: dict[str, Any], timeout: float = 1800) -> dict[str, Any]:
    """Run one ``large_children`` measurement in a fresh process; its JSON, or ``{"error": ...}``."""
    cmd = [sys.executable, "-m", "grabseg.bench.large_children", kind, json.dumps(spec)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=REPO)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["exit %d" % done.returncode])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def affordable(item: dict[str, Any], bytes_per_px: float = 650.0) -> bool:
    """Whether the exact cut of the item's box fits in 80 % of the available memory."""
    import psutil

    x0, y0, x1, y1 = item["box"]
    return (x1 - x0) * (y1 - y0) * bytes_per_px < 0.8 * psutil.virtual_memory().available


def native_comparison(shared: Path, seeds: int, limit: int | None, log) -> dict[str, Any]:
    """grabcut-dev at its own size: the standard path against the large path forced on."""
    from grabseg.bench.datasets import load_dataset, load_item
    from grabseg.bench.metrics import iou
    from grabseg.core import GrabCutParams, segment

    data = load_dataset(shared / "grabcut-dev", limit=limit)
    rows = []
    for item in data.items:
        image, truth = load_item(item)
        row: dict[str, Any] = {"name": item.name}
        for seed in range(seeds):
            masks = {}
            for label, params in (("standard", GrabCutParams(exact=True)), ("large", GrabCutParams(large_threshold=0)),
                                  ("default", GrabCutParams())):
                t = time.perf_counter()
                masks[label] = segment(image, item.box.as_tuple(), rng=seed, params=params)
                row.setdefault(f"{label}_s", []).append(round(time.perf_counter() - t, 3))
                if label != "default":
                    row.setdefault(f"{label}_iou", []).append(round(iou(masks[label], truth), 5))
            row.setdefault("default_identical", []).append(bool(np.array_equal(masks["default"], masks["standard"])))
        rows.append(row)
        log(f"native {item.name}: standard {np.mean(row['standard_iou']):.4f} large {np.mean(row['large_iou']):.4f}")
    per_seed = {k: [round(float(np.mean([r[f'{k}_iou'][s] for r in rows])), 5) for s in range(seeds)]
                for k in ("standard", "large")}
    return {"rows": rows, "mean_iou_per_seed": per_seed,
            "default_params_identical_to_standard": int(sum(sum(r["default_identical"]) for r in rows)),
            "runs": len(rows) * seeds,
            "mean_iou": {k: round(float(np.mean(v)), 5) for k, v in per_seed.items()},
            "difference_points": round(100 * (np.mean(per_seed["large"]) - np.mean(per_seed["standard"])), 2)}


def _pct(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 4) if values else None


def _sig(values: list[float], q: float = 50) -> float | None:
    """Percentile to 3 significant digits (relative energy gaps are ~1e-5)."""
    return float(f"{np.percentile(values, q):.3g}") if values else None


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per data set: box-time and stroke-time percentiles, peak RSS, accuracy, paths."""
    out: dict[str, Any] = {}
    for name in sorted({r["set"] for r in rows}):
        part = [r for r in rows if r["set"] == name and "error" not in r["fast"]]
        box = [r["fast"]["box_s"] for r in part]
        strokes = [s["update_s"] for r in part for s in r["fast"]["strokes"]]
        paths: dict[str, int] = {}
        for r in part:
            for s in r["fast"]["strokes"]:
                paths[s.get("path", "?")] = paths.get(s.get("path", "?"), 0) + 1
        exact = [r["exact"] for r in part if "exact" in r and "error" not in r["exact"]]
        ious = [r["fast"]["iou_gt"] for r in part if r["fast"]["iou_gt"] is not None]
        out[name] = {
            "images": len(part), "box_s_median": _pct(box, 50), "box_s_p95": _pct(box, 95),
            "box_s_max": max(box) if box else None, "strokes": len(strokes),
            "stroke_s_median": _pct(strokes, 50), "stroke_s_p95": _pct(strokes, 95),
            "stroke_paths": paths, "peak_rss_mb_max": max((r["fast"]["peak_rss_mb"] for r in part), default=None),
            "peak_rss_mb_median": _pct([r["fast"]["peak_rss_mb"] for r in part], 50),
            "mean_iou_gt": round(float(np.mean(ious)), 4) if ious else None,
            "exact_images": len(exact),
            "iou_vs_exact_median": _pct([e["iou_raw"] for e in exact], 50),
            "iou_vs_exact_min": min((e["iou_raw"] for e in exact), default=None),
            "iou_vs_exact_below_099": sum(e["iou_raw"] < 0.99 for e in exact),
            "energy_gap_relative_median": _sig([e["energy_gap"]["relative"] for e in exact]),
            "energy_gap_relative_max": _sig([e["energy_gap"]["relative"] for e in exact], 100),
        }
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    log = (lambda msg: print(msg, file=sys.stderr, flush=True))
    shared = Path(args.shared)
    with tempfile.TemporaryDirectory(prefix="grabseg-large-") as tmp:
        work = Path(tmp)
        items = prepare(shared, work, args.megapixels, args.limit, not args.no_photos)
        log(f"{len(items)} images prepared in {work}")
        dev = [i for i in items if i["mask"] is not None]
        picks = {dev[k]["name"] for k in np.linspace(0, len(dev) - 1, min(args.exact, len(dev))).round().astype(int)} \
            if dev and args.exact else set()
        rows = []
        for item in items:
            spec = {**item, "strokes": args.strokes, "seed": 0, "save": str(work / f"{item['name']}.npz")}
            row = {"set": item["set"], "name": item["name"], "box": item["box"], "size": item["size"],
                   "fast": child("fast", spec)}
            log(f"{item['name']}: {json.dumps({k: row['fast'].get(k) for k in ('box_s', 'iou_gt', 'peak_rss_mb', 'error')})}")
            exact_wanted = item["name"] in picks or (item["mask"] is None and args.exact)
            if exact_wanted and "error" not in row["fast"] and row["fast"]["path"] == "large":
                row["exact"] = child("exact", spec) if affordable(item) else {"error": "not enough memory"}
                log(f"  exact: {row['exact']}")
            if item["name"] in sorted(picks)[:args.pipeline]:
                row["pipeline"] = child("pipeline", spec)
                log(f"  pipeline: {row['pipeline']}")
            if item["name"] in sorted(picks)[:args.opencv]:
                row["opencv"] = child("opencv", spec)
                log(f"  opencv: {row['opencv']}")
            rows.append(row)
    native = native_comparison(shared, args.native_seeds, args.limit, log) if args.native_seeds else None
    from grabseg.core import GrabCutParams

    params = {k: getattr(GrabCutParams(), k) for k in ("large_threshold", "large_coarse_nodes", "band_radius",
                                                       "large_samples", "drift_fraction", "uncertain_ratio",
                                                       "uncertain_boundary", "band_max_px", "band_hole_blocks",
                                                       "band_grow_rounds", "band_grow_max_px", "band_dense_ratio")}
    return {"machine": machine_info(), "settings": {**vars(args), "params": params},
            "summary": summarise(rows), "native_size": native, "rows": rows}


def _dense(stats: dict) -> str:
    """' (+N dense)' when the dense pass cut N pixels (``band_dense_ratio``)."""
    return f" (+{stats['dense_px']} dense)" if stats.get("dense_px") else ""


def _v(value: Any, fmt: str = "{}") -> str:
    return "–" if value is None else fmt.format(value)


def render(result: dict[str, Any]) -> str:
    """The ``bench:large`` markdown section: summary, per-image rows, native-size comparison."""
    m = result["machine"]
    lines = ["<!-- bench:large -->", f"Run {m['date']} on {m['cpu_model']} ({m['cpu_usable']} usable CPUs, "
             f"load {m['loadavg_1min']}), Python {m['python']}, OpenCV {m['opencv']}, PyMaxflow {m['pymaxflow']}, "
             f"commit {m.get('git_commit')}. Params: {result['settings']['params']}.", "",
             "| data | images | first mask median / p95 / max (s) | stroke median / p95 (ms) | strokes (paths) "
             "| peak RSS median / max (MB) | mean IoU vs GT | IoU vs exact median / min (n, of them < 0.99) "
             "| energy gap median / max |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, s in result["summary"].items():
        ms = [None if v is None else round(1000 * v) for v in (s["stroke_s_median"], s["stroke_s_p95"])]
        lines.append(f"| {name} | {s['images']} | {_v(s['box_s_median'])} / {_v(s['box_s_p95'])} / {_v(s['box_s_max'])} "
                     f"| {_v(ms[0])} / {_v(ms[1])} | {s['strokes']} ({s['stroke_paths']}) "
                     f"| {_v(s['peak_rss_mb_median'])} / {_v(s['peak_rss_mb_max'])} | {_v(s['mean_iou_gt'])} "
                     f"| {_v(s['iou_vs_exact_median'])} / {_v(s['iou_vs_exact_min'])} ({s['exact_images']}, "
                     f"{s.get('iou_vs_exact_below_099', '–')}) "
                     f"| {_v(s['energy_gap_relative_median'])} / {_v(s.get('energy_gap_relative_max'))} |")
    lines += ["", "| image | MP | window MP | s | band px | first mask s | strokes median ms | peak RSS MB | IoU vs GT "
              "| vs exact: IoU, gap, exact s, exact RSS MB | standard GrabCut: s, RSS MB, IoU vs GT, IoU vs fast "
              "| cv2.grabCut: init s, 1 iteration s, RSS MB, IoU vs GT |", "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in result["rows"]:
        f = r["fast"]
        if "error" in f:
            lines.append(f"| {r['name']} | error: {f['error']} |" + " |" * 10)
            continue
        st, e, p, o = f.get("stats", {}), r.get("exact", {}), r.get("pipeline", {}), r.get("opencv", {})
        strokes = [s["update_s"] for s in f["strokes"]]
        ex = (f"{e['iou_raw']}, {e['energy_gap']['relative']}, {e['exact_s']}, {e['peak_rss_mb']}" if "iou_raw" in e
              else e.get("error", ""))
        pi = (f"{p['pipeline_s']}, {p['peak_rss_mb']}, {_v(p['iou_gt'])}, {p.get('iou_vs_fast')}" if "pipeline_s" in p
              else p.get("error", ""))
        oc = (f"{o['init_s']}, {o['iteration_s']}, {o['peak_rss_mb']}, {_v(o['iou_gt_1_iteration'])}" if "init_s" in o
              else o.get("error", ""))
        lines.append(f"| {r['name']} | {r['size'][0] * r['size'][1] / 1e6:.1f} | {_v(st.get('window_px'), '{:.2e}')} "
                     f"| {_v(st.get('s'))} | {_v(st.get('band_px'))}{_dense(st)} | {f['box_s']} "
                     f"| {_v(round(1000 * float(np.median(strokes))) if strokes else None)} | {f['peak_rss_mb']} "
                     f"| {_v(f['iou_gt'])} | {ex} | {pi} | {oc} |")
    nat = result.get("native_size")
    if nat:
        lines += ["", f"grabcut-dev at its own size ({len(nat['rows'])} images, seeds 0..{len(nat['mean_iou_per_seed']['standard']) - 1}): "
                  f"mean IoU standard path {nat['mean_iou']['standard']} (per seed {nat['mean_iou_per_seed']['standard']}), "
                  f"large path forced {nat['mean_iou']['large']} (per seed {nat['mean_iou_per_seed']['large']}); "
                  f"difference {nat['difference_points']} IoU points. With the default parameters (the dispatcher) "
                  f"{nat['default_params_identical_to_standard']} of {nat['runs']} masks are identical to the standard "
                  "path's."]
    lines.append("<!-- /bench:large -->")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grabseg.bench.large", description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default=os.environ.get("GRABSEG_SHARED_DATA", str(REPO.parent / "shared" / "data")))
    parser.add_argument("--out", default=str(REPO / "docs" / "bench" / "large.json"))
    parser.add_argument("--md", default=str(REPO / "docs" / "large-images.md"))
    parser.add_argument("--megapixels", type=float, default=12.0)
    parser.add_argument("--limit", type=int, default=None, help="first N grabcut-dev images only")
    parser.add_argument("--strokes", type=int, default=10, help="strokes per image on the warm session")
    parser.add_argument("--exact", type=int, default=5,
                        help="grabcut-dev images with the exact same-energy cut (25: all; > 0 also every photo)")
    parser.add_argument("--pipeline", type=int, default=3, help="of those, images with the whole standard GrabCut")
    parser.add_argument("--opencv", type=int, default=3, help="of those, images with one cv2.grabCut iteration")
    parser.add_argument("--native-seeds", type=int, default=3, help="seeds of the native-size comparison (0: skip)")
    parser.add_argument("--no-photos", action="store_true", help="skip the large-photos set")
    args = parser.parse_args(argv)
    if args.megapixels <= 0 or args.strokes < 0 or min(args.exact, args.pipeline, args.opencv, args.native_seeds) < 0:
        parser.error("--megapixels must be > 0 and the counts >= 0")
    if not (Path(args.shared) / "grabcut-dev" / "boxes.json").is_file():
        parser.error(f"no grabcut-dev under --shared {args.shared}")
    result = run(args)
    write_json(args.out, result)
    update_markdown(args.md, "large", render(result))
    print(json.dumps(result["summary"], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
