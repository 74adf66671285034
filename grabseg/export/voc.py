"""PASCAL VOC segmentation: class and object palette PNGs.

Layout::

    SegmentationClass/<stem>.png     value = class registry id (0 = background)
    SegmentationObject/<stem>.png    value = instance rank, 1 = bottom of the z-order
    ImageSets/Segmentation/trainval.txt   (+ train.txt and val.txt with a split)
    class_names.txt                  line i = name of class id i (line 0 "_background_")
    classes.json                     id, name, colour, isthing of every class
    images.json                      stem -> image file, relative to the export folder
    JPEGImages/<stem>.<ext>          (only with copy_images; files are copied, not re-encoded)

Both PNGs use the standard VOC palette. Ids missing from the registry appear
in class_names.txt as ``__unused_<id>__`` so line numbers stay ids. 255 is
VOC's "void": with ``options={"boundary": w}`` a band of ``w`` pixels along
every instance border is set to 255 in both PNGs (off by default, so the
masks are exact). A class named ``__ignore__`` (labelme's void label) is
written as 255 in SegmentationClass (its instances keep their object values).
Limits: class ids must be 1..254 and an image may hold at most 254 instances.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from grabseg.export.base import Exporter, ImageItem
from grabseg.export.png import encode_palette_png, voc_palette

BACKGROUND = "_background_"
VOID = 255
#: classes written as VOC's void value instead of their id
VOID_NAMES = frozenset({"__ignore__"})


def unused_name(class_id: int) -> str:
    return f"__unused_{class_id}__"


class VocExporter(Exporter):
    """VOC SegmentationClass + SegmentationObject PNGs."""

    name = "voc"
    option_names = ("boundary",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._palette = voc_palette()
        self._ids: dict[str | None, list[str]] = {s: [] for s in self.splits}
        self._images: dict[str, str | None] = {}
        boundary = self.options.get("boundary", 0)
        if isinstance(boundary, bool) or not isinstance(boundary, int) or boundary < 0:
            raise ValueError(f"VOC boundary must be a width in pixels >= 0, got {boundary!r}")
        self._boundary = boundary

    def check_classes(self) -> None:
        for c in self.classes:
            if c.name not in VOID_NAMES and not 1 <= c.id < VOID:
                raise ValueError(
                    f"VOC writes class ids into 8-bit PNGs (1..254, 255 is void): "
                    f"class {c.name!r} has id {c.id}"
                )

    def add(self, item: ImageItem) -> None:
        if len(item.instances) > 254:
            raise ValueError(
                f"{item.record.path}: {len(item.instances)} instances; VOC SegmentationObject "
                "holds at most 254 per image"
            )
        cls = np.zeros(item.shape, np.uint8)
        obj = np.zeros(item.shape, np.uint8)
        for inst in item.instances:
            void = inst.class_def.name in VOID_NAMES
            cls[inst.mask] = VOID if void else inst.class_def.id
            obj[inst.mask] = inst.rank
        if self._boundary:
            band = _boundary_band(obj, self._boundary)
            cls[band] = VOID
            obj[band] = VOID
        for folder, labels in (("SegmentationClass", cls), ("SegmentationObject", obj)):
            png = encode_palette_png(labels, self._palette)
            self.ctx.write_bytes(f"{folder}/{item.stem}.png", png)
        self._images[item.stem] = self.ctx.image_ref(item.record, f"JPEGImages/{item.stem}")
        self._ids[item.split].append(item.stem)

    def finish(self) -> None:
        by_id = {c.id: c.name for c in self.classes if c.id < VOID}
        top = max(by_id, default=0)
        names = [BACKGROUND] + [by_id.get(i, unused_name(i)) for i in range(1, top + 1)]
        self.ctx.write_text("class_names.txt", "\n".join(names) + "\n")
        self.ctx.write_json("classes.json", [
            {"id": c.id, "name": c.name, "color": list(c.color), "isthing": bool(c.isthing)}
            for c in self.classes
        ], indent=1)
        self.ctx.write_json("images.json", self._images, indent=1)
        every = [stem for ids in self._ids.values() for stem in ids]
        self.ctx.write_text("ImageSets/Segmentation/trainval.txt", _lines(every))
        for split, ids in self._ids.items():
            if split:
                self.ctx.write_text(f"ImageSets/Segmentation/{split}.txt", _lines(ids))


def _lines(items: list[str]) -> str:
    return "".join(f"{s}\n" for s in items)


def _boundary_band(objects: np.ndarray, width: int) -> np.ndarray:
    """Pixels within ``width`` of a change of instance label (inside or outside)."""
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * width + 1, 2 * width + 1))
    high = cv2.dilate(objects, kernel)
    low = cv2.erode(objects, kernel)
    return high != low
