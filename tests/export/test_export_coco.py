"""COCO instances export, read back by pycocotools (the reference reader)."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import numpy as np
import pytest
from pycocotools.coco import COCO

from export_scene import expected_visible
from grabseg.export import export_dataset
from grabseg.masks import mask_iou

pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)


def load_coco(path: Path) -> COCO:
    with contextlib.redirect_stdout(io.StringIO()):
        return COCO(str(path))


def _by_image(coco: COCO) -> dict[str, list[dict]]:
    return {
        img["file_name"]: sorted(coco.imgToAnns[img["id"]], key=lambda a: a["id"])
        for img in coco.dataset["images"]
    }


def test_rle_export_decodes_exactly_in_pycocotools(scene, tmp_path):
    report = export_dataset(scene, "coco", tmp_path / "out")
    coco = load_coco(tmp_path / "out" / "annotations" / "instances.json")
    anns = _by_image(coco)
    assert len(anns) == 3
    for rec in scene.record_list:
        file_name = next(f for f in anns if f.endswith(rec.path))
        assert (tmp_path / "out" / file_name).resolve() == Path(rec.abs_path).resolve()
        want = expected_visible(rec)
        got = anns[file_name]
        assert [a["category_id"] for a in got] == [cid for cid, _ in want]
        for a, (_, mask) in zip(got, want):
            assert np.array_equal(coco.annToMask(a).astype(bool), mask)
            assert a["area"] == int(mask.sum()) and a["iscrowd"] == 0
    assert report.instances == 6 and report.images == 3
    assert any("fully hidden" in w for w in report.warnings)


def test_categories_keep_ids_names_isthing_and_colour(scene, tmp_path):
    export_dataset(scene, "coco", tmp_path / "out")
    data = json.loads((tmp_path / "out/annotations/instances.json").read_text())
    cats = {c["id"]: c for c in data["categories"]}
    assert sorted(cats) == [1, 3, 5]
    assert cats[5]["name"] == "grass" and cats[5]["isthing"] == 0
    assert cats[1]["color"] == [220, 20, 60]


def test_polygon_export_is_exact_and_keeps_holes_as_rle(scene, tmp_path):
    report = export_dataset(scene, "coco", tmp_path / "out", polygons=True)
    coco = load_coco(tmp_path / "out" / "annotations" / "instances.json")
    kinds = []
    for rec in scene.record_list:
        img = next(i for i in coco.dataset["images"] if i["file_name"].endswith(rec.path))
        got = sorted(coco.imgToAnns[img["id"]], key=lambda a: a["id"])
        for a, (_, mask) in zip(got, expected_visible(rec)):
            kinds.append(type(a["segmentation"]).__name__)
            assert mask_iou(coco.annToMask(a).astype(bool), mask) >= 0.98
            assert np.array_equal(coco.annToMask(a).astype(bool), mask)
    assert kinds.count("dict") == 1  # the ring cat (a hole) stays RLE
    assert len(report.polygon_losses) == 6 and report.min_polygon_iou == 1.0
    assert any("kept as RLE" in p.note for p in report.polygon_losses)
    assert any("holes were written as RLE" in w for w in report.warnings)


def test_two_part_instance_is_two_polygons(scene, tmp_path):
    export_dataset(scene, "coco", tmp_path / "out", polygons=True)
    data = json.loads((tmp_path / "out/annotations/instances.json").read_text())
    dog = next(a for a in data["annotations"] if a["category_id"] == 3)
    assert isinstance(dog["segmentation"], list) and len(dog["segmentation"]) == 2


def test_split_is_deterministic_and_copies_images(scene, tmp_path):
    r1 = export_dataset(scene, "coco", tmp_path / "one", split=0.5, seed=3, copy_images=True)
    r2 = export_dataset(scene, "coco", tmp_path / "two", split=0.5, seed=3, copy_images=True)
    assert r1.splits == r2.splits and sum(r1.splits.values()) == 3
    for split in ("train", "val"):
        one = (tmp_path / f"one/annotations/instances_{split}.json").read_bytes()
        assert one == (tmp_path / f"two/annotations/instances_{split}.json").read_bytes()
        data = json.loads(one)
        for img in data["images"]:
            assert img["file_name"].startswith(f"images/{split}/")
            assert (tmp_path / "one" / img["file_name"]).is_file()
    assert not (tmp_path / "one/annotations/instances.json").exists()
