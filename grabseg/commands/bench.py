"""``grabseg bench``: native GrabCut against cv2.grabCut on datasets with ground truth.

See ``docs/benchmarks.md`` for the protocol and ``grabseg.bench`` for the code.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from typing import Any

ENGINES = ("native", "opencv")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("datasets", nargs="+", metavar="DATASET",
                        help="dataset folder with images/, masks/ and boxes.json")
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES),
                        help="engines to run, interleaved per image (default: native opencv)")
    parser.add_argument("--iterations", type=int, default=5,
                        help="GrabCut iterations per cut (default 5)")
    parser.add_argument("--max-strokes", type=int, default=20,
                        help="robot stroke budget per image (default 20)")
    parser.add_argument("--radius", type=float, default=5.0,
                        help="robot stroke disc radius in pixels (default 5)")
    parser.add_argument("--limit", type=int, default=None,
                        help="use only the first N images of each dataset (by name)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the rng passed to segment()")
    parser.add_argument("--out", metavar="FILE.json", default=None,
                        help="write per-image rows and summaries as JSON; '{dataset}' in the "
                             "name gives one file per dataset")
    parser.add_argument("--table", metavar="FILE.md", default=None,
                        help="write each dataset's table between <!-- bench:NAME --> markers")


def command_line(args: argparse.Namespace) -> str:
    """The command that reruns this benchmark, with every setting spelled out."""
    parts = ["python", "-m", "grabseg", "bench", *args.datasets, "--engines", *args.engines,
             "--iterations", str(args.iterations), "--max-strokes", str(args.max_strokes),
             "--radius", f"{args.radius:g}"]
    if args.limit is not None:
        parts += ["--limit", str(args.limit)]
    if args.seed != 0:
        parts += ["--seed", str(args.seed)]
    if args.out:
        parts += ["--out", args.out]
    if args.table:
        parts += ["--table", args.table]
    return shlex.join(parts)


def _load_all(args: argparse.Namespace) -> list[Any]:
    from grabseg.bench.datasets import DatasetError, load_dataset

    datasets = [load_dataset(path, limit=args.limit) for path in args.datasets]
    names = [d.name for d in datasets]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise DatasetError(f"two datasets share the folder name {dupes[0]!r}; names must differ")
    return datasets


def run(args: argparse.Namespace) -> int:
    from grabseg.bench.report import machine_info, render_section, update_markdown, write_json
    from grabseg.bench.runner import BenchSettings, bench_dataset, warm_up
    from grabseg.bench.summary import summarize

    try:
        settings = BenchSettings(engines=tuple(args.engines), iterations=args.iterations,
                                 max_strokes=args.max_strokes, radius=args.radius, seed=args.seed)
        datasets = _load_all(args)
    except (ValueError, OSError) as exc:
        print(f"grabseg bench: {exc}", file=sys.stderr)
        return 2
    command = command_line(args)
    try:
        warm_up(settings)
    except Exception as exc:  # noqa: BLE001 - report any engine failure plainly
        print(f"grabseg bench: engine warm-up failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    machine = machine_info()
    results, failed = [], 0
    for ds in datasets:
        rows = bench_dataset(ds, settings)
        summary = summarize(rows, settings)
        failed += sum(s["n_failed"] for s in summary["engines"].values())
        results.append({"name": ds.name, "path": str(ds.root), "n_images": len(rows),
                        "summary": summary, "rows": rows})
    end = machine_info()
    machine["loadavg_1min_end"] = end["loadavg_1min"]
    machine["core_changed_during_run"] = end["core_sources_sha256"] != machine["core_sources_sha256"]
    if machine["core_changed_during_run"]:
        print("grabseg bench: warning: grabseg/core sources changed during the run",
              file=sys.stderr)
    base = {"schema": "grabseg-bench/1", "command": command,
            "settings": settings.to_json(), "machine": machine}
    per_dataset = bool(args.out) and "{dataset}" in args.out
    if args.out and not per_dataset:
        write_json(args.out, {**base, "datasets": results})
    for result in results:
        json_path = args.out.replace("{dataset}", result["name"]) if args.out else None
        if per_dataset:
            write_json(json_path, {**base, "datasets": [result]})
        if args.table:
            section = render_section(result, settings.to_json(), machine,
                                     command=command, json_path=json_path)
            update_markdown(args.table, result["name"], section)
        print(_summary_line(result))
    if failed:
        print(f"grabseg bench: {failed} engine run(s) failed; see 'error' in the rows",
              file=sys.stderr)
        return 1
    return 0


def _summary_line(result: dict[str, Any]) -> str:
    def f(value: float | None, digits: int) -> str:
        return "n/a" if value is None else f"{value:.{digits}f}"

    parts = [
        f"{engine}: box IoU {f(s['box_iou_mean'], 3)}, error {f(s['box_error_pct_mean'], 2)} %, "
        f"NoC@85 {f(s['noc85_mean'], 2)}, NoC@90 {f(s['noc90_mean'], 2)}"
        for engine, s in result["summary"]["engines"].items()
    ]
    return f"{result['name']} ({result['n_images']} images): " + "; ".join(parts)
