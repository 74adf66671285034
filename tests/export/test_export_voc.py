"""VOC export: palette PNGs with registry ids, object ranks by z, class_names.txt."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from export_scene import CLASSES, MemorySource, expected_visible
from grabseg.export import export_dataset
from grabseg.export.png import voc_palette
from grabseg.types import ClassDef


def _png(path) -> tuple[np.ndarray, np.ndarray]:
    img = Image.open(path)
    assert img.mode == "P"
    return np.asarray(img), np.asarray(img.getpalette(), np.uint8).reshape(-1, 3)


def test_voc_pngs_hold_class_ids_and_z_ranks(scene, tmp_path):
    export_dataset(scene, "voc", tmp_path / "out")
    for rec, stem in zip(scene.record_list, ("a", "sub__b", "c")):
        cls, palette = _png(tmp_path / f"out/SegmentationClass/{stem}.png")
        obj, _ = _png(tmp_path / f"out/SegmentationObject/{stem}.png")
        assert np.array_equal(palette[:256], voc_palette())
        want_cls = np.zeros((rec.height, rec.width), np.uint8)
        want_obj = np.zeros_like(want_cls)
        for rank, (cid, mask) in enumerate(expected_visible(rec), start=1):
            want_cls[mask] = cid
            want_obj[mask] = rank
        assert np.array_equal(cls, want_cls) and np.array_equal(obj, want_obj)


def test_class_names_line_is_registry_id(scene, tmp_path):
    export_dataset(scene, "voc", tmp_path / "out", split=0.5)
    lines = (tmp_path / "out/class_names.txt").read_text().splitlines()
    assert lines == ["_background_", "cat", "__unused_2__", "dog", "__unused_4__", "grass"]
    sets = tmp_path / "out/ImageSets/Segmentation"
    train, val = (sets / "train.txt").read_text().split(), (sets / "val.txt").read_text().split()
    assert sorted(train + val) == sorted((sets / "trainval.txt").read_text().split())
    assert sorted(train + val) == ["a", "c", "sub__b"]


def test_boundary_option_marks_void_band(scene, tmp_path):
    export_dataset(scene, "voc", tmp_path / "out", options={"boundary": 1})
    cls, _ = _png(tmp_path / "out/SegmentationClass/a.png")
    obj, _ = _png(tmp_path / "out/SegmentationObject/a.png")
    assert np.array_equal(cls == 255, obj == 255)
    band = cls == 255
    assert band.any() and not band[0, 0]
    rec = scene.record_list[0]
    inner = expected_visible(rec)[0][1]
    assert band[30, 6] and band[30, 5]  # the ring's left edge, inside and outside
    assert inner[30, 10] and cls[30, 10] == 1  # deep inside stays the class


def test_copy_images_into_jpegimages(scene, tmp_path):
    export_dataset(scene, "voc", tmp_path / "out", copy_images=True)
    original = Path(scene.record_list[1].abs_path).read_bytes()
    assert (tmp_path / "out/JPEGImages/sub__b.png").read_bytes() == original


def test_voc_refuses_ids_over_255_and_bad_boundary(scene, tmp_path):
    big = MemorySource([*CLASSES, ClassDef(300, "big", (1, 2, 3))], scene.record_list)
    with pytest.raises(ValueError, match="class 'big' has id 300"):
        export_dataset(big, "voc", tmp_path / "out")
    with pytest.raises(ValueError, match="boundary must be a width in pixels >= 0, got -1"):
        export_dataset(scene, "voc", tmp_path / "out", options={"boundary": -1})
    with pytest.raises(ValueError, match=r"unknown option\(s\) \['thickness'\] for format 'voc'"):
        export_dataset(scene, "voc", tmp_path / "out", options={"thickness": 2})
    assert not (tmp_path / "out").exists()


def test_ignore_class_is_written_as_void_and_read_back(tmp_path):
    from export_scene import H, W
    from grabseg.io.importers import read_dataset
    from grabseg.types import ImageRecord, Instance

    cat = np.zeros((H, W), bool)
    cat[5:20, 5:20] = True
    ignore = np.zeros((H, W), bool)
    ignore[10:30, 10:30] = True
    classes = [ClassDef(1, "cat", (1, 2, 3)), ClassDef(7, "__ignore__", (4, 5, 6))]
    rec = ImageRecord("i.png", W, H, (Instance(1, cat, z=0), Instance(7, ignore, z=1)))
    export_dataset(MemorySource(classes, [rec]), "voc", tmp_path / "out")
    cls, _ = _png(tmp_path / "out/SegmentationClass/i.png")
    obj, _ = _png(tmp_path / "out/SegmentationObject/i.png")
    assert set(np.unique(cls[ignore])) == {255} and set(np.unique(obj[ignore])) == {2}
    assert (tmp_path / "out/class_names.txt").read_text().splitlines()[7] == "__ignore__"
    data = read_dataset(tmp_path / "out", "voc")
    back = sorted(data.records[0].instances, key=lambda i: i.z)
    assert [i.class_id for i in back] == [1, 7]
    assert np.array_equal(back[1].mask, ignore) and np.array_equal(back[0].mask, cat & ~ignore)
