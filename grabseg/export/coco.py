"""COCO "instances" JSON: one annotation per visible instance.

Layout::

    annotations/instances.json            (or instances_train.json + instances_val.json)
    images/[<split>/]<stem>.<ext>         (only with copy_images)

``segmentation`` is compressed RLE by default (exact). With ``polygons=True``
it is a list of polygons in COCO's pixel-edge coordinates (see
``grabseg.masks``, convention "edge"), which pycocotools rasterises back
exactly; COCO polygons cannot hold holes, so an instance with a hole stays
RLE and the report says so. ``file_name`` is relative to the export folder.
``area`` is the pixel count, ``bbox`` the integer ``[x, y, w, h]``;
annotations are listed bottom-to-top (z-order) and never overlap.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grabseg import __version__
from grabseg.export.base import Exporter, ImageItem, VisibleInstance
from grabseg.export.report import KEPT_AS_RLE
from grabseg.masks import mask_area, mask_bbox, mask_to_polygons, parts_to_mask, rle_encode


def coco_categories(classes: list, *, panoptic: bool = False) -> list[dict[str, Any]]:
    """COCO category dicts for the registry (``isthing`` and ``color`` included)."""
    return [
        {
            "id": int(c.id),
            "name": c.name,
            "supercategory": "thing" if c.isthing else "stuff",
            "isthing": int(bool(c.isthing)),
            "color": [int(v) for v in c.color],
        }
        for c in classes
    ]


def coco_info(kind: str) -> dict[str, Any]:
    return {"description": f"COCO {kind} exported by grabseg", "version": __version__}


def coco_image(image_id: int, rec: Any, image_rel: str | None) -> dict[str, Any]:
    """The COCO ``images`` entry of one record (COCO and COCO panoptic)."""
    return {"id": image_id, "file_name": image_rel or rec.path,
            "width": int(rec.width), "height": int(rec.height)}


def write_coco_sets(ctx: Any, kind: str, sets: dict[str | None, dict[str, list]],
                    classes: list) -> None:
    """Write one ``annotations/{kind}[_{split}].json`` per split (COCO and COCO panoptic)."""
    categories = coco_categories(classes)
    for split, data in sorted(sets.items(), key=lambda kv: kv[0] or ""):
        name = f"{kind}_{split}.json" if split else f"{kind}.json"
        ctx.write_json(f"annotations/{name}", {
            "info": coco_info(kind),
            "licenses": [],
            "images": data["images"],
            "annotations": data["annotations"],
            "categories": categories,
        })


class CocoExporter(Exporter):
    """COCO instances with RLE (default) or polygon segmentation."""

    name = "coco"
    polygon_option = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sets: dict[str | None, dict[str, list]] = {
            s: {"images": [], "annotations": []} for s in self.splits
        }
        self._image_id = 0
        self._ann_id = 0
        self._kept_rle = 0

    def add(self, item: ImageItem) -> None:
        rec = item.record
        self._image_id += 1
        image_rel = self.ctx.image_ref(rec, f"images/{self.prefix(item.split)}{item.stem}")
        target = self._sets[item.split]
        target["images"].append(coco_image(self._image_id, rec, image_rel))
        for inst in item.instances:
            self._ann_id += 1
            target["annotations"].append({
                "id": self._ann_id,
                "image_id": self._image_id,
                "category_id": int(inst.class_def.id),
                "segmentation": self._segmentation(item, inst),
                "area": mask_area(inst.mask),
                "bbox": mask_bbox(inst.mask),
                "iscrowd": 0,
            })

    def _segmentation(self, item: ImageItem, inst: VisibleInstance) -> Any:
        if not self.polygons:
            return rle_encode(inst.mask)
        parts = mask_to_polygons(inst.mask, convention="edge")
        if any(p.holes for p in parts):
            self._kept_rle += 1
            self.ctx.report.add_loss(
                item.record.path, inst.index, inst.class_def.name, inst.mask, inst.mask,
                note=f"{KEPT_AS_RLE}: COCO polygons cannot hold holes",
            )
            return rle_encode(inst.mask)
        rebuilt = parts_to_mask(parts, item.shape, convention="edge")
        self.ctx.report.add_loss(
            item.record.path, inst.index, inst.class_def.name, inst.mask, rebuilt
        )
        return [_flat(p.exterior) for p in parts]

    def finish(self) -> None:
        write_coco_sets(self.ctx, "instances", self._sets, self.classes)
        if self._kept_rle:
            self.ctx.report.warnings.append(
                f"{self._kept_rle} instance(s) with holes were written as RLE, "
                "not polygons (COCO polygons cannot hold holes)"
            )


def _flat(ring: np.ndarray) -> list[float]:
    """``(N, 2)`` -> ``[x0, y0, x1, y1, ...]`` (quarter-pixel values are exact in 2 decimals)."""
    return [round(float(v), 2) for v in ring.reshape(-1)]
