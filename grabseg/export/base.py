"""What exporters receive: images with their *visible* instances, overlaps settled.

``prepare_item`` runs :func:`grabseg.masks.resolve_overlaps` once per image, so
every format sees the same non-overlapping masks in the same bottom-to-top
order. An exporter subclasses :class:`Exporter` and implements ``add`` and
``finish``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Sequence

import numpy as np
import numpy.typing as npt

from grabseg.export.context import ExportContext
from grabseg.masks import resolve_overlaps
from grabseg.types import ClassDef, ImageRecord


@dataclass(frozen=True)
class VisibleInstance:
    """One instance as exported: its visible mask (after z-order) and its class.

    ``rank`` is 1 for the bottom instance of the image, counting up; ``index``
    is the instance's position in ``record.instances``.
    """

    rank: int
    index: int
    class_def: ClassDef
    class_pos: int
    mask: npt.NDArray[np.bool_]
    z: int
    id: int | None


@dataclass(frozen=True)
class ImageItem:
    """One image to export: record, unique file stem, split name (or None)."""

    record: ImageRecord
    stem: str
    split: str | None
    instances: tuple[VisibleInstance, ...]
    labels: npt.NDArray[np.int32]

    @property
    def shape(self) -> tuple[int, int]:
        return (self.record.height, self.record.width)


class Exporter:
    """Base class: one dataset format. Files go through ``self.ctx``."""

    name: ClassVar[str] = ""
    #: True when ``polygons=`` changes what this format writes.
    polygon_option: ClassVar[bool] = False
    #: names accepted in ``options=``
    option_names: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self, ctx: ExportContext, classes: Sequence[ClassDef], *, polygons: bool = False,
        options: dict | None = None, splits: Sequence[str | None] = (None,),
    ) -> None:
        self.ctx = ctx
        self.classes = list(classes)
        self.polygons = polygons
        self.options = dict(options or {})
        self.splits = tuple(splits)
        unknown = set(self.options) - set(self.option_names)
        if unknown:
            raise ValueError(
                f"unknown option(s) {sorted(unknown)} for format {self.name!r}; "
                f"it takes {sorted(self.option_names) or 'none'}"
            )
        if polygons and not self.polygon_option:
            ctx.report.warnings.append(f"polygons=True has no effect on the {self.name} format")
        self.check_classes()

    def check_classes(self) -> None:
        """Raise ValueError if this format cannot hold the registry."""

    def add(self, item: ImageItem) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        raise NotImplementedError

    def prefix(self, split: str | None) -> str:
        """``"<split>/"`` or ``""``."""
        return f"{split}/" if split else ""


def prepare_item(
    record: ImageRecord, classes_by_id: dict[int, tuple[int, ClassDef]], stem: str,
    split: str | None, warnings: list[str],
) -> ImageItem:
    """Resolve overlaps of one record into visible instances (bottom first)."""
    shape = (int(record.height), int(record.width))
    for k, inst in enumerate(record.instances):
        if inst.class_id not in classes_by_id:
            raise ValueError(
                f"{record.path}: instance {k} has class id {inst.class_id}, "
                f"which is not in the class registry {sorted(classes_by_id)}"
            )
        if np.shape(inst.mask) != shape:
            raise ValueError(
                f"{record.path}: instance {k} mask has shape {np.shape(inst.mask)}, "
                f"but the image is {shape[1]}x{shape[0]} (W x H)"
            )
    labels = resolve_overlaps(record.instances, shape)
    order = sorted(range(len(record.instances)), key=lambda k: (record.instances[k].z, k))
    visible: list[VisibleInstance] = []
    for k in order:
        inst = record.instances[k]
        mask = labels == k + 1
        if not mask.any():
            warnings.append(
                f"{record.path}: instance {k} is fully hidden by instances above it; skipped"
            )
            continue
        pos, cdef = classes_by_id[inst.class_id]
        visible.append(VisibleInstance(len(visible) + 1, k, cdef, pos, mask, inst.z, inst.id))
    return ImageItem(record, stem, split, tuple(visible), labels)
