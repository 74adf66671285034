"""Export benchmark: seconds and peak memory per format on a synthetic project.

    python -m grabseg.export.benchmark --out docs/bench/export.json [--md docs/export-benchmark.md]

Builds 100 synthetic 640x480 images with 10 instances each (ellipses, some
with holes, some in two parts, overlapping), stores them in a real project
(``grabseg.project``, imported lazily here and only here; an in-memory source
is used if the store is not available), then exports every format once for
time and once under ``tracemalloc`` for peak Python/numpy memory. Reading the
records alone is timed too, so the format's own cost is the difference.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import tempfile
import time
import tracemalloc
from pathlib import Path

import cv2
import numpy as np

from grabseg.export.api import export_dataset
from grabseg.types import ClassDef, ImageRecord, Instance

CLASSES = [ClassDef(1, "cat", (230, 25, 75)), ClassDef(2, "dog", (60, 180, 75)),
           ClassDef(3, "car", (0, 130, 200)), ClassDef(4, "road", (128, 128, 128), isthing=False)]
RUNS = [("coco", False), ("coco", True), ("coco-panoptic", False), ("voc", False),
        ("yolo", False), ("masks", False), ("labelme", False)]


def synthetic_instances(rng: np.random.Generator, h: int, w: int, n: int) -> list[Instance]:
    """``n`` overlapping ellipse instances; every 4th has a hole, every 5th two parts."""
    out = []
    for k in range(n):
        canvas = np.zeros((h, w), np.uint8)
        centre = (int(rng.integers(40, w - 40)), int(rng.integers(40, h - 40)))
        axes = (int(rng.integers(15, 80)), int(rng.integers(15, 80)))
        cv2.ellipse(canvas, centre, axes, float(rng.uniform(0, 180)), 0, 360, 1, -1)
        if k % 4 == 0:
            cv2.circle(canvas, centre, max(3, min(axes) // 3), 0, -1)
        if k % 5 == 0:
            extra = (int(rng.integers(20, w - 20)), int(rng.integers(20, h - 20)))
            cv2.circle(canvas, extra, 12, 1, -1)
        out.append(Instance(class_id=int(rng.integers(1, 5)), mask=canvas.astype(bool), z=k))
    return out


def build_source(folder: Path, n_images: int, per_image: int, size: tuple[int, int]):
    """Write images and return (source, kind): a real project when available."""
    w, h = size
    rng = np.random.default_rng(0)
    records = []
    for i in range(n_images):
        path = folder / f"img_{i:03d}.jpg"
        cv2.imwrite(str(path), rng.integers(0, 255, (h, w, 3), dtype=np.uint8))
        instances = tuple(synthetic_instances(rng, h, w, per_image))
        records.append(ImageRecord(path.name, w, h, instances, abs_path=str(path)))
    try:
        from grabseg.project import Project
    except ImportError:
        return _Memory(records), "in-memory"
    project = Project.open(folder, create=True)
    ids = {info.path: info.id for info in project.images()}
    with project.transaction():
        for c in CLASSES:
            project.add_class(c.name, color=c.color, isthing=c.isthing, id=c.id)
        for rec in records:
            for inst in rec.instances:
                project.add_instance(ids[rec.path], inst, on_top=False)
    return project, "project"


class _Memory:
    def __init__(self, records: list[ImageRecord]) -> None:
        self._records = records

    def classes(self) -> list[ClassDef]:
        return list(CLASSES)

    def records(self):
        return iter(self._records)


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def measure(source, work: Path) -> list[dict]:
    rows = []
    t0 = time.perf_counter()
    n = sum(len(r.instances) for r in source.records())
    rows.append({"format": "(read records only)", "seconds": round(time.perf_counter() - t0, 3),
                 "peak_mib": None, "files": 0, "mib_written": 0.0, "instances": n})
    for fmt, polygons in RUNS:
        label = fmt + (" --polygons" if polygons else "")
        out = work / label.replace(" ", "")
        t0 = time.perf_counter()
        report = export_dataset(source, fmt, out, polygons=polygons, overwrite=True)
        seconds = time.perf_counter() - t0
        size = _folder_bytes(out)
        tracemalloc.start()
        export_dataset(source, fmt, out, polygons=polygons, overwrite=True)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        worst = report.min_polygon_iou
        rows.append({
            "format": label, "seconds": round(seconds, 3), "peak_mib": round(peak / 2**20, 1),
            "files": len(report.files), "mib_written": round(size / 2**20, 2),
            "instances": report.instances,
            "worst_polygon_iou": None if worst is None else round(worst, 4),
        })
        shutil.rmtree(out)
    return rows


def markdown(result: dict) -> str:
    lines = [
        "# Export benchmark",
        "",
        f"{result['images']} synthetic {result['size'][0]}x{result['size'][1]} images, "
        f"{result['instances']} instances, source: {result['source']}; "
        f"{result['machine']}, Python {result['python']}.",
        "Written by `python -m grabseg.export.benchmark`. Seconds are one export (wall clock);",
        "peak memory is tracemalloc's peak (Python and numpy allocations) during a second run.",
        "",
        "| format | seconds | peak MiB | files | MiB written | worst polygon IoU |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in result["rows"]:
        iou = r.get("worst_polygon_iou")
        lines.append(
            f"| {r['format']} | {r['seconds']:.2f} | {r['peak_mib'] or '-'} | {r['files']} "
            f"| {r['mib_written']} | {'-' if iou is None else iou} |"
        )
    return "\n".join(lines) + "\n"


def _save(path: Path, text: str) -> None:
    """Write ``text`` atomically (temp file + os.replace)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/bench/export.json")
    parser.add_argument("--md", default="docs/export-benchmark.md")
    parser.add_argument("--images", type=int, default=100)
    parser.add_argument("--per-image", type=int, default=10)
    args = parser.parse_args(argv)
    size = (640, 480)
    with tempfile.TemporaryDirectory(prefix="grabseg-export-bench-") as tmp:
        (Path(tmp) / "project").mkdir()
        source, kind = build_source(Path(tmp) / "project", args.images, args.per_image, size)
        try:
            rows = measure(source, Path(tmp) / "exports")
        finally:
            if hasattr(source, "close"):
                source.close()
    result = {"images": args.images, "instances": args.images * args.per_image, "size": list(size),
              "source": kind, "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
              "python": platform.python_version(), "rows": rows}
    _save(Path(args.out), json.dumps(result, indent=1) + "\n")
    _save(Path(args.md), markdown(result))
    print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
