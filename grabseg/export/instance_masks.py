"""Per-instance binary mask PNGs plus an index JSON (format name "masks").

Layout::

    index.json
    masks/[<split>/]<stem>/<NNN>_<class>.png   full image size, 0 / 255, NNN = rank from 1
    images/[<split>/]<stem>.<ext>              (only with copy_images)

``NNN`` counts from the bottom of the z-order (001 is at the bottom), so the
file order is the z-order. ``index.json``::

    {"format": "grabseg-masks", "version": 1,
     "classes": [{"id", "name", "color", "isthing"}, ...],
     "images": [{"file", "width", "height", "split",
                 "instances": [{"mask", "class_id", "class", "z", "area", "bbox"}]}]}

``file`` and ``mask`` are relative to the export folder. Masks are the visible
pixels after z-order (exact; holes and parts kept).
"""

from __future__ import annotations

from typing import Any

from grabseg.export.base import Exporter, ImageItem
from grabseg.export.context import safe_name
from grabseg.export.png import encode_mask_png
from grabseg.masks import mask_area, mask_bbox


class MasksExporter(Exporter):
    """One binary PNG per visible instance and an index."""

    name = "masks"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._images: list[dict[str, Any]] = []

    def add(self, item: ImageItem) -> None:
        sub = self.prefix(item.split)
        image_rel = self.ctx.image_ref(item.record, f"images/{sub}{item.stem}")
        entries = []
        for inst in item.instances:
            rel = f"masks/{sub}{item.stem}/{inst.rank:03d}_{safe_name(inst.class_def.name)}.png"
            self.ctx.write_bytes(rel, encode_mask_png(inst.mask))
            entries.append({
                "mask": rel,
                "class_id": int(inst.class_def.id),
                "class": inst.class_def.name,
                "z": int(inst.rank),
                "area": mask_area(inst.mask),
                "bbox": mask_bbox(inst.mask),
            })
        self._images.append({
            "file": image_rel or item.record.path,
            "path": item.record.path,
            "width": int(item.record.width),
            "height": int(item.record.height),
            "split": item.split,
            "instances": entries,
        })

    def finish(self) -> None:
        self.ctx.write_json("index.json", {
            "format": "grabseg-masks",
            "version": 1,
            "classes": [
                {"id": c.id, "name": c.name, "color": list(c.color), "isthing": bool(c.isthing)}
                for c in self.classes
            ],
            "images": self._images,
        }, indent=1)
