"""``export_dataset``: write any class-registry + records source in one format.

The source is any object with ``classes() -> list[ClassDef]`` and
``records() -> Iterator[ImageRecord]`` (the project store is one; tests use a
tiny in-memory class). This package never imports ``grabseg.project``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

from grabseg.export.base import Exporter, prepare_item
from grabseg.export.coco import CocoExporter
from grabseg.export.context import ExportContext, split_of
from grabseg.export.instance_masks import MasksExporter
from grabseg.export.labelme import LabelmeExporter
from grabseg.export.panoptic import PanopticExporter
from grabseg.export.report import ExportReport
from grabseg.export.voc import VocExporter
from grabseg.export.yolo import YoloExporter
from grabseg.types import ClassDef, ImageRecord

#: format name -> exporter class
FORMATS: dict[str, type[Exporter]] = {
    cls.name: cls
    for cls in (
        CocoExporter, PanopticExporter, VocExporter, YoloExporter, MasksExporter, LabelmeExporter
    )
}


@runtime_checkable
class Source(Protocol):
    """What ``export_dataset`` reads: a class registry and image records."""

    def classes(self) -> list[ClassDef]: ...

    def records(self) -> Iterator[ImageRecord]: ...


def export_dataset(
    source: Source,
    fmt: str,
    out_dir: str | os.PathLike[str],
    *,
    polygons: bool = False,
    split: float | None = None,
    seed: int = 0,
    copy_images: bool = False,
    overwrite: bool = False,
    options: dict | None = None,
) -> ExportReport:
    """Export ``source`` as a dataset in format ``fmt`` under ``out_dir``.

    Parameters
    ----------
    source : object with ``classes()`` and ``records()``.
    fmt : one of ``FORMATS`` ("coco", "coco-panoptic", "voc", "yolo", "masks", "labelme").
    out_dir : the dataset folder. It must not exist or be empty unless ``overwrite``.
    polygons : COCO only: write polygons instead of RLE (instances with holes stay RLE).
    split : fraction of images in "train" (the rest "val"), by a hash of the image
        path and ``seed``; None writes one unsplit set.
    copy_images : copy image files into the dataset (otherwise reference them).
    overwrite : replace an existing, non-empty ``out_dir`` (swapped in at the end).
    options : format-specific options (e.g. ``{"boundary": 3}`` for VOC).

    Returns
    -------
    ExportReport
        Counts, files written, per-instance polygon losses and warnings.

    Nothing appears at ``out_dir`` until the whole dataset is written: files go
    to a temporary folder beside it, renamed into place at the end, and deleted
    if anything fails.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {sorted(FORMATS)}")
    if split is not None and not (isinstance(split, int | float) and 0.0 < split < 1.0):
        raise ValueError(f"split must be a fraction strictly between 0 and 1, got {split!r}")
    if not isinstance(source, Source):
        raise TypeError(
            f"source must have classes() and records() methods, got {type(source).__name__}"
        )
    classes = list(source.classes())
    classes_by_id = _class_index(classes)
    report = ExportReport(format=fmt, out_dir=Path(os.path.abspath(out_dir)), classes=len(classes))
    ctx = ExportContext(out_dir, report, overwrite=overwrite, copy_images=copy_images)
    try:
        splits = ("train", "val") if split is not None else (None,)
        exporter = FORMATS[fmt](ctx, classes, polygons=polygons, options=options, splits=splits)
        for record in source.records():
            part = split_of(record.path, split, seed) if split is not None else None
            item = prepare_item(record, classes_by_id, ctx.stem(record), part, report.warnings)
            exporter.add(item)
            report.images += 1
            report.instances += len(item.instances)
            report.splits[part or "all"] = report.splits.get(part or "all", 0) + 1
        exporter.finish()
        ctx.commit()
    except BaseException:
        ctx.abort()
        raise
    return report


def _class_index(classes: list[ClassDef]) -> dict[int, tuple[int, ClassDef]]:
    by_id: dict[int, tuple[int, ClassDef]] = {}
    names: set[str] = set()
    for pos, c in enumerate(classes):
        if not isinstance(c, ClassDef):
            raise TypeError(f"classes() must return ClassDef items, got {type(c).__name__}")
        if c.id in by_id or c.name in names:
            raise ValueError(f"duplicate class id or name in the registry: {c.id} {c.name!r}")
        by_id[c.id] = (pos, c)
        names.add(c.name)
    return by_id
