"""COCO panoptic: one RGB PNG per image plus a JSON of segments.

Layout::

    annotations/panoptic.json             (or panoptic_train.json + panoptic_val.json)
    annotations/panoptic[_<split>]/<stem>.png
    images/[<split>/]<stem>.<ext>         (only with copy_images)

Every pixel belongs to at most one segment (overlaps are already resolved by
z-order); unlabeled pixels are 0 (black). A segment's id is
``R + 256*G + 256**2*B`` of its colour, unique within the image: the class
colour, jittered for the second and later segment of a colour. Thing classes
(``isthing``) give one segment per instance; the visible pixels of all
instances of a stuff class are merged into one segment per image, as the
format requires. Categories carry ``isthing`` and ``color``.
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np

from grabseg.export.base import Exporter, ImageItem
from grabseg.export.coco import coco_image, write_coco_sets
from grabseg.export.png import encode_png
from grabseg.masks import mask_area, mask_bbox


def rgb_to_id(rgb: np.ndarray) -> np.ndarray:
    """Panoptic segment ids from an ``(..., 3)`` RGB array."""
    c = np.asarray(rgb).astype(np.uint32)
    return c[..., 0] + 256 * c[..., 1] + 256 * 256 * c[..., 2]


def id_to_rgb(seg_id: int) -> tuple[int, int, int]:
    return (seg_id % 256, (seg_id // 256) % 256, (seg_id // 65536) % 256)


class PanopticExporter(Exporter):
    """COCO panoptic segmentation (things and stuff)."""

    name = "coco-panoptic"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sets: dict[str | None, dict[str, list]] = {
            s: {"images": [], "annotations": []} for s in self.splits
        }
        self._image_id = 0

    def _folder(self, split: str | None) -> str:
        return f"annotations/panoptic_{split}" if split else "annotations/panoptic"

    def add(self, item: ImageItem) -> None:
        rec = item.record
        self._image_id += 1
        image_rel = self.ctx.image_ref(rec, f"images/{self.prefix(item.split)}{item.stem}")
        segments = self._segments(item)
        ids = np.zeros(item.shape, np.uint32)
        rng = np.random.default_rng(zlib.crc32(item.stem.encode()))
        used: set[int] = set()
        info = []
        for class_def, mask in segments:
            seg_id = _unique_id(class_def.color, used, rng)
            ids[mask] = seg_id
            info.append({
                "id": seg_id,
                "category_id": int(class_def.id),
                "area": mask_area(mask),
                "bbox": mask_bbox(mask),
                "iscrowd": 0,
            })
        rgb = np.stack([ids % 256, (ids // 256) % 256, ids // 65536], axis=-1).astype(np.uint8)
        png_name = f"{item.stem}.png"
        self.ctx.write_bytes(f"{self._folder(item.split)}/{png_name}", encode_png(rgb))
        target = self._sets[item.split]
        target["images"].append(coco_image(self._image_id, rec, image_rel))
        target["annotations"].append(
            {"image_id": self._image_id, "file_name": png_name, "segments_info": info}
        )

    @staticmethod
    def _segments(item: ImageItem) -> list[tuple[Any, np.ndarray]]:
        """Thing instances one by one; stuff merged per class (at its first instance)."""
        segments: list[tuple[Any, np.ndarray]] = []
        stuff_at: dict[int, int] = {}
        for inst in item.instances:
            cid = inst.class_def.id
            if inst.class_def.isthing:
                segments.append((inst.class_def, inst.mask))
            elif cid in stuff_at:
                k = stuff_at[cid]
                segments[k] = (inst.class_def, segments[k][1] | inst.mask)
            else:
                stuff_at[cid] = len(segments)
                segments.append((inst.class_def, inst.mask))
        return segments

    def finish(self) -> None:
        write_coco_sets(self.ctx, "panoptic", self._sets, self.classes)


def _unique_id(color: tuple[int, int, int], used: set[int], rng: np.random.Generator) -> int:
    """The colour's id if free and non-zero, else a jittered colour's id."""
    base = np.asarray(color, np.int64)
    seg_id = int(rgb_to_id(base))
    tries = 0
    while seg_id == 0 or seg_id in used:
        tries += 1
        spread = 30 if tries < 100 else 128
        jitter = np.clip(base + rng.integers(-spread, spread + 1, 3), 0, 255)
        seg_id = int(rgb_to_id(jitter))
    used.add(seg_id)
    return seg_id
