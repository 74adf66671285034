"""Importers on small hand-written datasets: known answers per format feature."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from grabseg.export.png import encode_mask_png, encode_palette_png, voc_palette
from grabseg.io.importers import read_dataset
from grabseg.masks import rle_encode


def _image(path: Path, h: int = 20, w: int = 30) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), np.full((h, w, 3), 90, np.uint8))
    return path


def _coco(tmp_path: Path, annotations: list[dict], categories=None) -> Path:
    _image(tmp_path / "imgs" / "x.png")
    doc = {
        "images": [{"id": 7, "file_name": "x.png", "width": 30, "height": 20}],
        "annotations": annotations,
        "categories": categories or [{"id": 0, "name": "_background_"}, {"id": 4, "name": "cup"}],
    }
    (tmp_path / "ann.json").write_text(json.dumps(doc))
    return tmp_path / "ann.json"


def test_coco_polygon_rle_and_crowd(tmp_path):
    box = np.zeros((20, 30), bool)
    box[2:6, 3:9] = True
    anns = [
        {"id": 1, "image_id": 7, "category_id": 4, "iscrowd": 0,
         "segmentation": [[10, 10, 20, 10, 20, 15, 10, 15]]},
        {"id": 2, "image_id": 7, "category_id": 4, "iscrowd": 1,
         "segmentation": rle_encode(box, compressed=False)},
        {"id": 3, "image_id": 7, "category_id": 4, "iscrowd": 0, "segmentation": rle_encode(box)},
    ]
    path = _coco(tmp_path, anns)
    data = read_dataset(path, "coco", images_dir=tmp_path / "imgs")
    assert [(c.id, c.name) for c in data.classes] == [(4, "cup")]  # no _background_
    (rec,) = data.records
    assert rec.abs_path == str(tmp_path / "imgs" / "x.png")
    poly, crowd, rle = rec.instances
    # pixel (i, j) is the square [i, i+1] x [j, j+1]: x 10..20, y 10..15 covers 10 x 5 pixels
    assert poly.mask.sum() == 50 and poly.mask[10:15, 10:20].all()
    assert np.array_equal(crowd.mask, box) and np.array_equal(rle.mask, box)
    assert [i.z for i in rec.instances] == [0, 1, 2]
    skipped = read_dataset(path, "coco", images_dir=tmp_path / "imgs", crowd="skip")
    assert len(skipped.records[0].instances) == 2


def test_coco_bad_annotations_are_named(tmp_path):
    bad_rle = [{"id": 5, "image_id": 7, "category_id": 4,
                "segmentation": {"size": [10, 10], "counts": [100]}}]
    msg = r"annotation 5: RLE size \[10, 10\] does not match image 20x30"
    with pytest.raises(ValueError, match=msg):
        read_dataset(_coco(tmp_path, bad_rle), "coco")
    short = [{"id": 6, "image_id": 7, "category_id": 4, "segmentation": [[1, 2, 3, 4]]}]
    with pytest.raises(ValueError, match="annotation 6: a polygon needs >= 3"):
        read_dataset(_coco(tmp_path, short), "coco")
    undeclared = [{"id": 8, "image_id": 7, "category_id": 99, "segmentation": [[1, 1, 5, 1, 5, 5]]}]
    data = read_dataset(_coco(tmp_path, undeclared), "coco")
    assert data.records[0].instances == ()
    assert any("category 99 not declared" in w for w in data.warnings)


def test_labelme_groups_shapes_and_skips_lines(tmp_path):
    _image(tmp_path / "p.png")
    def shape(label, points, kind, group=None):
        return {"label": label, "points": points, "group_id": group, "shape_type": kind}

    shapes = [
        shape("car", [[1, 1], [5, 1], [5, 5], [1, 5]], "polygon", 3),
        shape("tree", [[10, 2], [14, 6]], "rectangle"),
        shape("car", [[20, 10], [25, 10], [25, 15]], "polygon", 3),
        shape("road", [[0, 19], [29, 19]], "line"),
        shape("tree", [[20, 3], [22, 3]], "circle"),
    ]
    doc = {"shapes": shapes, "imagePath": "p.png", "imageData": None,
           "imageHeight": 20, "imageWidth": 30}
    (tmp_path / "p.json").write_text(json.dumps(doc))
    data = read_dataset(tmp_path, "labelme")
    assert [(c.id, c.name) for c in data.classes] == [(1, "car"), (2, "tree")]
    car, tree, ball = data.records[0].instances
    assert car.mask[1:6, 1:6].all() and car.mask[12, 24] and car.mask.sum() == 25 + 21
    assert tree.mask.sum() == 25 and tree.mask[2:7, 10:15].all()
    assert ball.mask[3, 20] and ball.mask[1, 20] and not ball.mask[3, 17]  # radius 2 disk
    assert any("line shape has no area" in w for w in data.warnings)


def test_labelme_mask_shape_and_embedded_image(tmp_path):
    crop = np.zeros((4, 5), bool)
    crop[1:3, 1:4] = True
    ok, jpg = cv2.imencode(".jpg", np.zeros((20, 30, 3), np.uint8))
    shape = {"label": "hole", "points": [[6, 7], [10, 10]], "shape_type": "mask",
             "mask": base64.b64encode(encode_mask_png(crop)).decode()}
    doc = {"shapes": [shape], "imagePath": "p.json", "imageHeight": 20, "imageWidth": 30,
           "imageData": base64.b64encode(jpg.tobytes()).decode()}
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "p.json").write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="image is embedded .* pass image_dir"):
        read_dataset(tmp_path / "src", "labelme")
    data = read_dataset(tmp_path / "src", "labelme", image_dir=tmp_path / "out")
    (inst,) = data.records[0].instances
    assert np.array_equal(inst.mask[7:11, 6:11], crop) and inst.mask.sum() == crop.sum()
    assert Path(data.records[0].abs_path) == tmp_path / "out" / "p.jpg"
    assert (tmp_path / "out" / "p.jpg").read_bytes() == jpg.tobytes()
    # the same bytes are already there: reused, not an error
    again = read_dataset(tmp_path / "src", "labelme", image_dir=tmp_path / "out")
    assert again.records[0].abs_path == data.records[0].abs_path


def test_voc_objects_leftover_classes_and_void(tmp_path):
    cls = np.zeros((20, 30), np.uint8)
    obj = np.zeros_like(cls)
    cls[2:8, 2:8], obj[2:8, 2:8] = 1, 1
    cls[10:15, 5:25], obj[10:15, 5:25] = 2, 2
    cls[7:11, 7:12], obj[7:11, 7:12] = 2, 3  # object 3 overlaps both, on top
    cls[16:20, :] = 3  # class pixels in no object
    cls[0, :] = obj[0, :] = 255  # void border
    pal = voc_palette()
    for sub, arr in (("SegmentationClass", cls), ("SegmentationObject", obj)):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "im.png").write_bytes(encode_palette_png(arr, pal))
    (tmp_path / "class_names.txt").write_text("_background_\nperson\ncar\nroad\n")
    _image(tmp_path / "JPEGImages" / "im.jpg")
    data = read_dataset(tmp_path, "voc")
    assert [(c.id, c.name) for c in data.classes] == [(1, "person"), (2, "car"), (3, "road")]
    assert data.classes[1].color == tuple(int(v) for v in pal[2])
    road, person, car, top = data.records[0].instances
    assert (road.class_id, person.class_id, car.class_id, top.class_id) == (3, 1, 2, 2)
    assert road.mask.sum() == 4 * 30 and top.mask.sum() == 20
    assert not any(i.mask[0].any() for i in data.records[0].instances)


def test_masks_folder_convention(tmp_path):
    _image(tmp_path / "images" / "one.png")
    a = np.zeros((20, 30), bool)
    a[1:5, 1:5] = True
    b = np.zeros((20, 30), bool)
    b[3:9, 3:9] = True
    (tmp_path / "masks" / "one").mkdir(parents=True)
    (tmp_path / "masks/one/010_traffic_light.png").write_bytes(encode_mask_png(b))
    (tmp_path / "masks/one/002_car.png").write_bytes(encode_mask_png(a))
    data = read_dataset(tmp_path, "masks")
    assert [c.name for c in data.classes] == ["car", "traffic_light"]
    first, second = data.records[0].instances
    assert np.array_equal(first.mask, a) and np.array_equal(second.mask, b)
    assert (first.z, second.z) == (0, 1)
    (tmp_path / "masks/one/x.png").write_bytes(encode_mask_png(a))
    with pytest.raises(ValueError, match="mask names must be <NNN>_<class>.png"):
        read_dataset(tmp_path, "masks")


def test_bad_sources_have_clear_messages(tmp_path):
    with pytest.raises(ValueError, match="unknown import format 'yolo'; choose one of"):
        read_dataset(tmp_path, "yolo")
    with pytest.raises(FileNotFoundError, match="import source not found: .*nope"):
        read_dataset(tmp_path / "nope", "coco")
    (tmp_path / "broken.json").write_text('{"images": [1, 2,')
    with pytest.raises(ValueError, match=r"broken.json: not valid JSON \(line 1, column"):
        read_dataset(tmp_path / "broken.json", "coco")
    with pytest.raises(ValueError, match=r"broken.json: not valid JSON"):
        read_dataset(tmp_path / "broken.json", "labelme")
    (tmp_path / "list.json").write_text("[]")
    with pytest.raises(ValueError, match="list.json: not a COCO instances file"):
        read_dataset(tmp_path / "list.json", "coco")
    with pytest.raises(ValueError, match=r"voc import does not take option\(s\) \['labels'\]"):
        read_dataset(tmp_path, "voc", labels="x.txt")
    with pytest.raises(FileNotFoundError, match="no SegmentationClass/ folder"):
        read_dataset(tmp_path, "voc")
