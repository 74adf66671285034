"""YOLO segmentation (Ultralytics layout): one txt line per instance.

Layout::

    data.yaml                            path, train, val, nc, names
    images/[<split>/]<stem>.<ext>        (only with copy_images)
    labels/[<split>/]<stem>.txt          "<class> x1 y1 x2 y2 ..." normalised to [0, 1]

``class`` is the class's position in the registry (0-based), not its id.
Vertices are boundary pixel centres (convention "center") divided by the image
width/height, so ``cv2.fillPoly`` on ``x * W, y * H`` (what Ultralytics does)
gives the mask back. A YOLO line holds one ring, so an instance with several
parts or with holes is joined into one ring by zero-width bridges between the
nearest vertices of its rings (as Ultralytics' own COCO converter does; holes
run the other way round, so they stay empty). A bridge is drawn one pixel wide
by ``fillPoly``, so its pixels are what gets lost; the report gives the IoU per
instance. ``options={"parts": "separate"}`` writes each part of a multi-part
instance as a line of its own instead (exact pixels, but one instance becomes
several); holes are bridged either way. YOLO tools find labels from image paths (``images/`` ->
``labels/``), so without ``copy_images`` the dataset has no images and the
report warns.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from grabseg.export.base import Exporter, ImageItem, VisibleInstance
from grabseg.masks import mask_to_polygons, polygons_to_mask


def bridge_rings(rings: list[np.ndarray]) -> np.ndarray:
    """Join rings into one by zero-width bridges at nearest vertex pairs.

    The first ring is the start; every further ring is spliced in at the
    vertex of the ring built so far that is nearest to it.
    """
    merged = np.asarray(rings[0], np.float64)
    for ring in rings[1:]:
        ring = np.asarray(ring, np.float64)
        i, j = _nearest_pair(merged, ring)
        loop = np.concatenate([ring[j:], ring[: j + 1]])
        merged = np.concatenate([merged[: i + 1], loop, merged[i:]])
    return merged


def _nearest_pair(a: np.ndarray, b: np.ndarray, chunk: int = 2048) -> tuple[int, int]:
    best, best_i, best_j = np.inf, 0, 0
    for start in range(0, len(b), chunk):
        part = b[start : start + chunk]
        d = ((a[:, None, :] - part[None, :, :]) ** 2).sum(-1)
        k = int(np.argmin(d))
        i, j = divmod(k, len(part))
        if d[i, j] < best:
            best, best_i, best_j = float(d[i, j]), i, start + j
    return best_i, best_j


class YoloExporter(Exporter):
    """Ultralytics YOLO segmentation txt files plus data.yaml."""

    name = "yolo"
    option_names = ("parts",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._bridged = 0
        parts = self.options.get("parts", "bridge")
        if parts not in ("bridge", "separate"):
            raise ValueError(f"YOLO parts must be 'bridge' or 'separate', got {parts!r}")
        self._separate = parts == "separate"

    def add(self, item: ImageItem) -> None:
        lines = [line for inst in item.instances for line in self._lines(item, inst)]
        sub = self.prefix(item.split)
        self.ctx.write_text(f"labels/{sub}{item.stem}.txt", "".join(lines))
        self.ctx.image_ref(item.record, f"images/{sub}{item.stem}")

    def _lines(self, item: ImageItem, inst: VisibleInstance) -> list[str]:
        """The instance's txt line(s); records the re-rasterisation loss."""
        h, w = item.shape
        parts = mask_to_polygons(inst.mask, convention="center")
        groups = [[p] for p in parts] if self._separate else [parts]
        rings = [bridge_rings([r for p in g for r in (p.exterior, *p.holes)]) for g in groups]
        coords = [np.round(r / (w, h), 6) for r in rings]
        rebuilt = polygons_to_mask([c * (w, h) for c in coords], item.shape, convention="center")
        holes = sum(len(p.holes) for p in parts)
        bridged = holes + len(parts) > len(rings)
        self._bridged += bridged
        note = f"{len(parts)} part(s), {holes} hole(s) bridged" if bridged else ""
        self.ctx.report.add_loss(
            item.record.path, inst.index, inst.class_def.name, inst.mask, rebuilt, note=note
        )
        return [
            f"{inst.class_pos} " + " ".join(f"{v:.6f}" for v in c.reshape(-1)) + "\n"
            for c in coords
        ]

    def finish(self) -> None:
        if self.splits == (None,):
            train = val = "images"
        else:
            train, val = "images/train", "images/val"
        names = "".join(f"  {k}: {json.dumps(c.name)}\n" for k, c in enumerate(self.classes))
        self.ctx.write_text(
            "data.yaml",
            "# YOLO segmentation dataset written by grabseg\n"
            f"path: .\ntrain: {train}\nval: {val}\nnc: {len(self.classes)}\nnames:\n{names}",
        )
        if not self.ctx.copy_images:
            self.ctx.report.warnings.append(
                "YOLO tools look for images under images/ beside labels/; "
                "export with copy_images=True (--copy-images) to train on this dataset"
            )
        if self._bridged:
            self.ctx.report.warnings.append(
                f"{self._bridged} instance(s) with several parts or holes were joined into "
                "one polygon by zero-width bridges (see polygon losses)"
            )
