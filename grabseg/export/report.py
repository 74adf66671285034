"""What an export wrote and what it lost: ``ExportReport`` and ``PolygonLoss``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from grabseg.masks import mask_iou


#: ``PolygonLoss.note`` prefix of instances written as RLE although polygons were asked for.
KEPT_AS_RLE = "kept as RLE"


@dataclass(frozen=True)
class PolygonLoss:
    """How well one instance's polygon rasterises back to its (visible) mask.

    ``iou`` is the pixel IoU of the re-rasterised polygon against the mask;
    ``missed`` are mask pixels the polygon drops, ``added`` pixels it adds.
    ``note`` says why (e.g. "holes bridged", "kept as RLE: has holes").
    """

    image: str
    instance: int
    class_name: str
    iou: float
    missed: int
    added: int
    note: str = ""


@dataclass
class ExportReport:
    """Summary of one export.

    ``files`` are paths relative to ``out_dir`` (POSIX separators), in write
    order. ``splits`` counts images per split name ("all" without a split).
    ``polygon_losses`` has one entry per instance written as polygons.
    """

    format: str
    out_dir: Path
    images: int = 0
    instances: int = 0
    classes: int = 0
    splits: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    polygon_losses: list[PolygonLoss] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add_loss(
        self,
        image: str,
        instance: int,
        class_name: str,
        mask: npt.NDArray[np.bool_],
        rebuilt: npt.NDArray[np.bool_],
        note: str = "",
    ) -> PolygonLoss:
        """Record how ``rebuilt`` (re-rasterised polygon) differs from ``mask``."""
        loss = PolygonLoss(
            image=image,
            instance=instance,
            class_name=class_name,
            iou=mask_iou(mask, rebuilt),
            missed=int(np.count_nonzero(mask & ~rebuilt)),
            added=int(np.count_nonzero(rebuilt & ~mask)),
            note=note,
        )
        self.polygon_losses.append(loss)
        return loss

    @property
    def min_polygon_iou(self) -> float | None:
        """Worst polygon IoU, or None when nothing was written as polygons."""
        return min((p.iou for p in self.polygon_losses), default=None)

    @property
    def lossy_polygons(self) -> list[PolygonLoss]:
        """Polygon instances that do not rasterise back exactly."""
        return [p for p in self.polygon_losses if p.missed or p.added]

    def summary(self) -> str:
        """A few human-readable lines (what the CLI prints)."""
        split = ", ".join(f"{k}: {v}" for k, v in sorted(self.splits.items()))
        lines = [
            f"exported {self.images} images, {self.instances} instances, "
            f"{self.classes} classes as {self.format} to {self.out_dir}"
            + (f" ({split})" if split else ""),
            f"{len(self.files)} files written",
        ]
        if self.polygon_losses:
            kept = sum(p.note.startswith(KEPT_AS_RLE) for p in self.polygon_losses)
            lines.append(
                f"polygons: {len(self.polygon_losses) - kept} instances"
                + (f" ({kept} kept as RLE)" if kept else "")
                + f", {len(self.lossy_polygons)} not exact, worst IoU {self.min_polygon_iou:.4f}"
            )
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)
