"""Synthetic in-memory export source (no project store needed).

The scene has what exports must survive: a mask with a hole, a two-part
instance, overlaps settled by z (list order differs from z order), a fully
hidden instance, two stuff regions of one class, an image without instances,
and an image in a subfolder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from grabseg.project import Project
from grabseg.types import ClassDef, ImageRecord, Instance

H, W = 60, 80
CLASSES = [
    ClassDef(1, "cat", (220, 20, 60)),
    ClassDef(3, "dog", (0, 128, 255)),
    ClassDef(5, "grass", (20, 200, 20), isthing=False),
]


@dataclass
class MemorySource:
    """The minimal export source: ``classes()`` and ``records()``."""

    class_list: list[ClassDef]
    record_list: list[ImageRecord]

    def classes(self) -> list[ClassDef]:
        return list(self.class_list)

    def records(self):
        return iter(self.record_list)


def _box(y0: int, y1: int, x0: int, x1: int) -> np.ndarray:
    m = np.zeros((H, W), bool)
    m[y0:y1, x0:x1] = True
    return m


def _disk(cy: float, cx: float, r: float) -> np.ndarray:
    yy, xx = np.mgrid[:H, :W]
    return (yy - cy) ** 2 + (xx - cx) ** 2 <= r**2


def ring_mask() -> np.ndarray:
    """A cat with a hole: annulus around (30, 20), radii 5..14."""
    return _disk(30, 20, 14) & ~_disk(30, 20, 5)


def two_part_mask() -> np.ndarray:
    return _box(5, 15, 45, 60) | _box(40, 52, 45, 75)


def scene_records(image_dir: Path) -> list[ImageRecord]:
    rng = np.random.default_rng(7)
    paths = {}
    for rel in ("a.png", "sub/b.png", "c.png"):
        p = image_dir / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(p), rng.integers(0, 255, (H, W, 3), dtype=np.uint8))
        paths[rel] = str(p)
    a = (
        Instance(1, ring_mask(), z=0),
        Instance(3, two_part_mask(), z=2),
        Instance(1, _box(25, 45, 30, 50), z=1),
    )
    b = (
        Instance(1, _disk(30, 40, 10), z=3),
        Instance(5, _box(30, 60, 0, 80), z=0),
        Instance(5, _box(0, 5, 0, 80), z=0),
        Instance(3, _box(28, 32, 38, 42), z=1),  # fully under the cat: hidden
    )
    return [
        ImageRecord("a.png", W, H, a, abs_path=paths["a.png"]),
        ImageRecord("sub/b.png", W, H, b, abs_path=paths["sub/b.png"]),
        ImageRecord("c.png", W, H, (), abs_path=paths["c.png"]),
    ]


def expected_visible(record: ImageRecord) -> list[tuple[int, np.ndarray]]:
    """(class id, visible mask) bottom to top, by painting in (z, list position) order."""
    order = sorted(range(len(record.instances)), key=lambda k: (record.instances[k].z, k))
    owner = np.full((record.height, record.width), -1)
    for k in order:
        owner[record.instances[k].mask] = k
    out = []
    for k in order:
        m = owner == k
        if m.any():
            out.append((record.instances[k].class_id, m))
    return out


def make_project(root: Path) -> Project:
    """A real project holding the synthetic scene (same ids, colours and z)."""
    records = scene_records(root)
    project = Project.open(root, create=True)  # adds the images found in root
    for c in CLASSES:
        project.add_class(c.name, color=c.color, isthing=c.isthing, id=c.id)
    by_path = {info.path: info.id for info in project.images()}
    for rec in records:
        for inst in rec.instances:
            project.add_instance(by_path[rec.path], inst, on_top=False)
    return project
