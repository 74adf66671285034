"""labelme and binary-mask exports, read back with the importers and with plain PIL."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from export_scene import expected_visible
from grabseg.export import export_dataset
from grabseg.io.importers import read_dataset


def _same_as_visible(scene, data) -> None:
    names = {c.id: c.name for c in scene.class_list}
    got_names = {c.id: c.name for c in data.classes}
    assert len(data.records) == len(scene.record_list)
    for rec in scene.record_list:
        stems = {Path(rec.path).stem, Path(rec.path).with_suffix("").as_posix().replace("/", "__")}
        back = next(r for r in data.records if Path(r.abs_path or "").stem in stems)
        want = expected_visible(rec)
        got = sorted(back.instances, key=lambda i: i.z)
        assert [names[c] for c, _ in want] == [got_names[i.class_id] for i in got]
        for inst, (_, mask) in zip(got, want):
            assert np.array_equal(inst.mask, mask)


def test_labelme_json_reimports_exactly(scene, tmp_path):
    report = export_dataset(scene, "labelme", tmp_path / "out", copy_images=True)
    data = read_dataset(tmp_path / "out", "labelme")
    _same_as_visible(scene, data)
    assert report.min_polygon_iou == 1.0


def test_labelme_json_layout_and_labelme_style_drawing(scene, tmp_path):
    export_dataset(scene, "labelme", tmp_path / "out")
    doc = json.loads((tmp_path / "out/a.json").read_text())
    assert doc["imageData"] is None and (doc["imageHeight"], doc["imageWidth"]) == (60, 80)
    assert (tmp_path / "out" / doc["imagePath"]).resolve() == Path(scene.record_list[0].abs_path)
    kinds = [(s["label"], s["shape_type"], s["group_id"]) for s in doc["shapes"]]
    assert kinds == [
        ("cat", "mask", 1), ("cat", "polygon", 2), ("dog", "polygon", 3), ("dog", "polygon", 3)
    ]
    # labelme draws a polygon with PIL (outline included): that must give the mask back
    want = expected_visible(scene.record_list[0])
    img = Image.new("L", (80, 60), 0)
    ImageDraw.Draw(img).polygon([tuple(p) for p in doc["shapes"][1]["points"]], outline=1, fill=1)
    assert np.array_equal(np.asarray(img).astype(bool), want[1][1])
    # a mask shape: inclusive bbox corners and the cropped mask as a base64 PNG
    ring = doc["shapes"][0]
    (x0, y0), (x1, y1) = ring["points"]
    crop = np.asarray(Image.open(io.BytesIO(base64.b64decode(ring["mask"])))) > 0
    assert crop.shape == (y1 - y0 + 1, x1 - x0 + 1)
    assert np.array_equal(crop, want[0][1][y0 : y1 + 1, x0 : x1 + 1])


def test_labelme_split_folders_reference_images(scene, tmp_path):
    export_dataset(scene, "labelme", tmp_path / "out", split=0.5, copy_images=True)
    for js in (tmp_path / "out").rglob("*.json"):
        doc = json.loads(js.read_text())
        assert js.parent.name in ("train", "val")
        assert (js.parent / doc["imagePath"]).is_file() and "/" not in doc["imagePath"]


def test_masks_export_pngs_and_index(scene, tmp_path):
    export_dataset(scene, "masks", tmp_path / "out")
    index = json.loads((tmp_path / "out/index.json").read_text())
    assert index["format"] == "grabseg-masks" and len(index["images"]) == 3
    first = index["images"][0]
    assert [e["mask"] for e in first["instances"]] == [
        "masks/a/001_cat.png", "masks/a/002_cat.png", "masks/a/003_dog.png"]
    png = np.asarray(Image.open(tmp_path / "out" / first["instances"][0]["mask"]))
    assert png.dtype == np.uint8 and set(np.unique(png)) == {0, 255}
    assert np.array_equal(png > 0, expected_visible(scene.record_list[0])[0][1])
    _same_as_visible(scene, read_dataset(tmp_path / "out", "masks"))
