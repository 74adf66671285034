"""labelme's own examples (shared/data/labelme-voc-examples): import, export, compare.

labelme's ``labelme2voc.py`` made the VOC PNGs in that folder from the same
JSON, so importing the JSON and exporting VOC must reproduce them; the COCO
export must be read back by pycocotools mask for mask.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np
import pytest
from pycocotools.coco import COCO

from export_scene import MemorySource, expected_visible
from grabseg.export import export_dataset
from grabseg.export.png import read_label_png
from grabseg.io.importers import ImportedDataset, read_dataset
from grabseg.masks import mask_iou
from grabseg.types import ClassDef

pytestmark = [
    pytest.mark.data,
    pytest.mark.filterwarnings(
        "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
    ),
]


def as_source(data: ImportedDataset) -> MemorySource:
    classes = [ClassDef(c.id, c.name, c.color or (128, 128, 128), c.isthing) for c in data.classes]
    return MemorySource(classes, data.records)


@pytest.fixture(scope="module")
def examples(shared_data: Path) -> Path:
    return shared_data / "labelme-voc-examples"


@pytest.fixture(scope="module")
def imported(examples: Path) -> ImportedDataset:
    return read_dataset(examples / "labelme", "labelme", labels=examples / "labels.txt")


def test_labelme_to_voc_reproduces_labelme2voc(imported, examples, tmp_path):
    assert len(imported.records) == 3 and imported.warnings == []
    export_dataset(as_source(imported), "voc", tmp_path / "voc")
    for rec in imported.records:
        stem = Path(rec.path).stem
        ours = read_label_png(tmp_path / "voc/SegmentationClass" / f"{stem}.png")
        theirs = read_label_png(examples / "voc/SegmentationClass" / f"{stem}.png")
        assert ours.shape == theirs.shape
        assert (ours == theirs).mean() >= 0.995, stem
    names = (tmp_path / "voc/class_names.txt").read_text().splitlines()
    assert names[:21] == (examples / "voc/class_names.txt").read_text().splitlines()[:21]


@pytest.mark.parametrize("polygons", [False, True])
def test_labelme_to_coco_read_by_pycocotools(imported, tmp_path, polygons):
    report = export_dataset(as_source(imported), "coco", tmp_path / "coco", polygons=polygons)
    with contextlib.redirect_stdout(io.StringIO()):
        coco = COCO(str(tmp_path / "coco/annotations/instances.json"))
    visible = sum(len(expected_visible(r)) for r in imported.records)
    assert len(coco.dataset["annotations"]) == visible
    for img in coco.dataset["images"]:
        rec = next(r for r in imported.records if img["file_name"].endswith(r.path))
        anns = sorted(coco.imgToAnns[img["id"]], key=lambda a: a["id"])
        for ann, (cid, mask) in zip(anns, expected_visible(rec), strict=True):
            assert ann["category_id"] == cid
            decoded = coco.annToMask(ann).astype(bool)
            if polygons:
                assert mask_iou(decoded, mask) >= 0.98
            else:
                assert np.array_equal(decoded, mask)
    if polygons:
        assert report.min_polygon_iou >= 0.98


def test_embedded_image_is_decoded_and_labels_match(examples, tmp_path):
    tutorial = examples / "tutorial"
    data = read_dataset(
        tutorial / "apc2016_obj3.json", "labelme",
        labels=tutorial / "apc2016_obj3_label_names.txt", image_dir=tmp_path / "imgs",
    )
    (rec,) = data.records
    written = Path(rec.abs_path)
    assert written.parent == tmp_path / "imgs" and written.suffix == ".jpg"
    from grabseg.io.images import read_image_size

    assert read_image_size(written) == (rec.width, rec.height) == (1210, 907)
    export_dataset(as_source(data), "voc", tmp_path / "voc")
    ours = read_label_png(tmp_path / "voc/SegmentationClass" / f"{written.stem}.png")
    theirs = read_label_png(tutorial / "apc2016_obj3_label.png")
    assert (ours == theirs).mean() >= 0.995
