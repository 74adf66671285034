"""COCO panoptic export against the format's rules (panopticapi's checks)."""

from __future__ import annotations

import json

import numpy as np
from PIL import Image

from export_scene import expected_visible
from grabseg.export import export_dataset


def _ids(png_path) -> np.ndarray:
    rgb = np.asarray(Image.open(png_path).convert("RGB")).astype(np.uint32)
    return rgb[..., 0] + 256 * rgb[..., 1] + 256 * 256 * rgb[..., 2]


def test_panoptic_passes_format_checks(scene, tmp_path):
    export_dataset(scene, "coco-panoptic", tmp_path / "out")
    data = json.loads((tmp_path / "out/annotations/panoptic.json").read_text())
    cats = {c["id"]: c for c in data["categories"]}
    assert {c["id"]: c["isthing"] for c in data["categories"]} == {1: 1, 3: 1, 5: 0}
    images = {i["id"]: i for i in data["images"]}
    assert len(data["annotations"]) == 3
    for ann in data["annotations"]:
        ids = _ids(tmp_path / "out/annotations/panoptic" / ann["file_name"])
        img = images[ann["image_id"]]
        assert ids.shape == (img["height"], img["width"])
        infos = ann["segments_info"]
        seg_ids = [s["id"] for s in infos]
        assert len(set(seg_ids)) == len(seg_ids) and 0 not in seg_ids
        assert set(np.unique(ids)) - {0} == set(seg_ids)  # no unlabeled segment in the PNG
        for s in infos:
            assert s["category_id"] in cats
            assert s["area"] == int((ids == s["id"]).sum())
        # every pixel is in at most one segment: the areas add up to the labelled pixels
        assert sum(s["area"] for s in infos) == int((ids != 0).sum())


def test_panoptic_segments_are_the_visible_masks_with_stuff_merged(scene, tmp_path):
    export_dataset(scene, "coco-panoptic", tmp_path / "out")
    data = json.loads((tmp_path / "out/annotations/panoptic.json").read_text())
    rec = scene.record_list[1]  # sub/b.png: cat over two grass regions
    img = next(i for i in data["images"] if i["file_name"].endswith(rec.path))
    ann = next(a for a in data["annotations"] if a["image_id"] == img["id"])
    ids = _ids(tmp_path / "out/annotations/panoptic" / ann["file_name"])
    want = expected_visible(rec)
    grass = np.logical_or.reduce([m for cid, m in want if cid == 5])
    cat = next(m for cid, m in want if cid == 1)
    by_cat = {s["category_id"]: s for s in ann["segments_info"]}
    assert len(ann["segments_info"]) == 2  # one cat, one merged grass segment
    assert np.array_equal(ids == by_cat[5]["id"], grass)
    assert np.array_equal(ids == by_cat[1]["id"], cat)
    x, y, w, h = by_cat[5]["bbox"]
    assert (x, y, w, h) == (0, 0, 80, 60)


def test_panoptic_ids_use_class_colours_and_stay_unique(scene, tmp_path):
    export_dataset(scene, "coco-panoptic", tmp_path / "out")
    data = json.loads((tmp_path / "out/annotations/panoptic.json").read_text())
    rec_a = next(i for i in data["images"] if i["file_name"].endswith("a.png"))
    ann = next(a for a in data["annotations"] if a["image_id"] == rec_a["id"])
    cats = [s["category_id"] for s in ann["segments_info"]]
    assert cats == [1, 1, 3]  # two cats (bottom first), then the dog
    first = ann["segments_info"][0]["id"]
    assert first == 220 + 256 * 20 + 256**2 * 60  # the cat colour
    assert ann["segments_info"][1]["id"] != first
