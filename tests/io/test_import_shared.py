"""Importers on labelme's example exports (shared/data/labelme-voc-examples)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np
import pytest
from pycocotools.coco import COCO

from grabseg.export.png import read_label_png
from grabseg.io.importers import read_dataset
from grabseg.masks import mask_iou

pytestmark = [
    pytest.mark.data,
    pytest.mark.filterwarnings(
        "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
    ),
]


@pytest.fixture(scope="module")
def examples(shared_data: Path) -> Path:
    return shared_data / "labelme-voc-examples"


def test_coco_import_matches_pycocotools(examples):
    data = read_dataset(examples / "coco" / "annotations.json", "coco")
    with contextlib.redirect_stdout(io.StringIO()):
        ref = COCO(str(examples / "coco" / "annotations.json"))
    assert "_background_" not in [c.name for c in data.classes] and len(data.classes) == 20
    assert data.warnings == [] and len(data.records) == 3
    ious = []
    for img, rec in zip(ref.dataset["images"], data.records, strict=True):
        assert rec.abs_path == str(examples / "coco" / img["file_name"])
        anns = ref.imgToAnns[img["id"]]
        assert [a["category_id"] for a in anns] == [i.class_id for i in rec.instances]
        for ann, inst in zip(anns, rec.instances):
            ious.append(mask_iou(inst.mask, ref.annToMask(ann).astype(bool)))
    # pycocotools' polygon rasteriser rounds edges its own way: boundary pixels only
    assert min(ious) >= 0.99 and np.mean(ious) >= 0.998


def test_voc_import_rebuilds_labelme_class_maps(examples):
    data = read_dataset(examples / "voc", "voc")
    assert [c.name for c in data.classes][:3] == ["aeroplane", "bicycle", "bird"]
    assert len(data.records) == 3 and all(r.abs_path for r in data.records)
    for rec in data.records:
        stem = Path(rec.path).stem
        cls = read_label_png(examples / "voc/SegmentationClass" / f"{stem}.png")
        obj = read_label_png(examples / "voc/SegmentationObject" / f"{stem}.png")
        rebuilt = np.zeros_like(cls)
        for inst in sorted(rec.instances, key=lambda i: i.z):
            rebuilt[inst.mask] = inst.class_id
        keep = cls != 255  # labelme's __ignore__ regions are void: not imported
        assert np.array_equal(rebuilt[keep], cls[keep])
        assert len(rec.instances) == len(set(np.unique(obj)) - {0})
