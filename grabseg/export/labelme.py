"""labelme JSON, one file per image.

Layout::

    [<split>/]<stem>.json
    [<split>/]<stem>.<ext>      (only with copy_images; otherwise imagePath points at the original)

``imagePath`` is relative to the JSON file; ``imageData`` is null (no
embedded image). Shapes are listed bottom-to-top, and labelme paints later
shapes on top, so its own label maps keep the z-order. Every instance gets a
``group_id`` (its rank, from 1) shared by its shapes:

* an instance without holes is one ``polygon`` shape per part, vertices at
  boundary pixel centres (labelme fills polygons with their outline, which
  gives the mask back);
* an instance with holes is one ``mask`` shape (labelme >= 5.3): ``points``
  are the inclusive corners ``[[x0, y0], [x1, y1]]`` of its bbox and ``mask``
  is a base64 PNG of the mask cropped to that box, exact.

Older labelme versions cannot read ``mask`` shapes.
"""

from __future__ import annotations

import base64
import posixpath
from typing import Any

from grabseg.export.base import Exporter, ImageItem, VisibleInstance
from grabseg.export.png import encode_mask_png
from grabseg.masks import mask_bbox, mask_to_polygons, parts_to_mask

LABELME_VERSION = "5.5.0"


class LabelmeExporter(Exporter):
    """labelme JSON files (polygons; mask shapes for instances with holes)."""

    name = "labelme"

    def add(self, item: ImageItem) -> None:
        folder = item.split or ""
        rel_json = posixpath.join(folder, f"{item.stem}.json")
        image_rel = self.ctx.image_ref(item.record, posixpath.join(folder, item.stem))
        shapes: list[dict[str, Any]] = []
        for inst in item.instances:
            shapes.extend(self._shapes(item, inst))
        self.ctx.write_json(rel_json, {
            "version": LABELME_VERSION,
            "flags": {},
            "shapes": shapes,
            "imagePath": self.ctx.rel_from(image_rel, folder) if image_rel else item.record.path,
            "imageData": None,
            "imageHeight": int(item.record.height),
            "imageWidth": int(item.record.width),
        }, indent=2)

    def _shapes(self, item: ImageItem, inst: VisibleInstance) -> list[dict[str, Any]]:
        parts = mask_to_polygons(inst.mask, convention="center")
        if any(p.holes for p in parts):
            x, y, w, h = mask_bbox(inst.mask)
            crop = inst.mask[y : y + h, x : x + w]
            data = base64.b64encode(encode_mask_png(crop)).decode("ascii")
            return [_shape(inst, [[x, y], [x + w - 1, y + h - 1]], "mask", data)]
        rebuilt = parts_to_mask(parts, item.shape, convention="center")
        self.ctx.report.add_loss(
            item.record.path, inst.index, inst.class_def.name, inst.mask, rebuilt
        )
        return [
            _shape(inst, [[float(px), float(py)] for px, py in p.exterior], "polygon", None)
            for p in parts
        ]

    def finish(self) -> None:
        """Nothing beyond the per-image files."""


def _shape(inst: VisibleInstance, points: list, shape_type: str, mask: str | None) -> dict:
    return {
        "label": inst.class_def.name,
        "points": points,
        "group_id": int(inst.rank),
        "description": "",
        "shape_type": shape_type,
        "flags": {},
        "mask": mask,
    }
