"""Dataset exports: COCO, COCO panoptic, VOC, YOLO, binary masks, labelme.

Masks are the source of truth; every format gets the *visible* masks after
``grabseg.masks.resolve_overlaps`` (higher z wins), and polygons are derived
here with their losses reported. See ``docs/export.md``.

    from grabseg.export import export_dataset
    report = export_dataset(project, "coco", "out/coco", polygons=True, split=0.8)
"""

from __future__ import annotations

from grabseg.export.api import FORMATS, Source, export_dataset
from grabseg.export.report import ExportReport, PolygonLoss

__all__ = ["FORMATS", "ExportReport", "PolygonLoss", "Source", "export_dataset"]
