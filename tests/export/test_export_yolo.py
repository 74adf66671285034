"""YOLO export: re-read the txt files and rasterise them the way Ultralytics does."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from export_scene import CLASSES, H, W, MemorySource, expected_visible
from grabseg.export import export_dataset
from grabseg.masks import mask_iou
from grabseg.types import ImageRecord, Instance


def read_yolo(path, h: int, w: int) -> list[tuple[int, np.ndarray]]:
    """(class index, mask) per line: cv2.fillPoly on the denormalised vertices."""
    out = []
    for line in path.read_text().splitlines():
        values = line.split()
        xy = np.asarray(values[1:], np.float64).reshape(-1, 2) * (w, h)
        canvas = np.zeros((h, w), np.uint8)
        cv2.fillPoly(canvas, [np.round(xy).astype(np.int32)], 1)
        out.append((int(values[0]), canvas.astype(bool)))
    return out


def test_simple_shapes_rasterise_back(tmp_path):
    yy, xx = np.mgrid[:H, :W]
    disk = (yy - 20) ** 2 + (xx - 25) ** 2 <= 12**2
    box = np.zeros((H, W), bool)
    box[30:55, 40:70] = True
    tri = np.zeros((H, W), np.uint8)
    cv2.fillPoly(tri, [np.array([[5, 58], [30, 35], [35, 58]], np.int32)], 1)
    rec = ImageRecord("s.png", W, H, (Instance(1, disk), Instance(3, box), Instance(5, tri > 0)))
    report = export_dataset(MemorySource(CLASSES, [rec]), "yolo", tmp_path / "out")
    lines = read_yolo(tmp_path / "out/labels/s.txt", H, W)
    assert [c for c, _ in lines] == [0, 1, 2]  # registry positions, not ids 1, 3, 5
    for (_, got), (_, want) in zip(lines, expected_visible(rec)):
        assert mask_iou(got, want) >= 0.95
    assert all(p.iou >= 0.95 for p in report.polygon_losses)


def test_holes_and_parts_are_bridged_and_reported(scene, tmp_path):
    report = export_dataset(scene, "yolo", tmp_path / "out")
    rec = scene.record_list[0]
    lines = read_yolo(tmp_path / "out/labels/a.txt", H, W)
    want = expected_visible(rec)
    assert len(lines) == len(want) == 3
    losses = [p for p in report.polygon_losses if p.image == "a.png"]
    for (cls, got), (cid, mask), loss in zip(lines, want, losses):
        assert [c.id for c in CLASSES][cls] == cid
        iou = mask_iou(got, mask)
        assert iou == pytest.approx(loss.iou)  # the report tells the truth
        assert iou >= 0.9
    ring = lines[0][1]
    assert not ring[30, 20]  # the hole stays empty
    assert "bridged" in losses[0].note and "2 part(s)" in losses[2].note
    assert any("zero-width bridges" in w for w in report.warnings)


def test_separate_parts_option_gives_exact_parts(scene, tmp_path):
    export_dataset(scene, "yolo", tmp_path / "out", options={"parts": "separate"})
    lines = read_yolo(tmp_path / "out/labels/a.txt", H, W)
    assert len(lines) == 4  # the dog became two lines
    dog = lines[2][1] | lines[3][1]
    assert np.array_equal(dog, expected_visible(scene.record_list[0])[2][1])


def test_data_yaml_and_split_layout(scene, tmp_path):
    report = export_dataset(scene, "yolo", tmp_path / "out", split=0.5, copy_images=True)
    text = (tmp_path / "out/data.yaml").read_text()
    assert "train: images/train\nval: images/val\nnc: 3\n" in text
    assert '  0: "cat"\n  1: "dog"\n  2: "grass"\n' in text
    for split, n in report.splits.items():
        assert len(list((tmp_path / f"out/labels/{split}").glob("*.txt"))) == n
        assert len(list((tmp_path / f"out/images/{split}").glob("*.png"))) == n
    assert not any("copy_images" in w for w in report.warnings)


def test_yolo_without_copies_warns_and_rejects_bad_option(scene, tmp_path):
    report = export_dataset(scene, "yolo", tmp_path / "out")
    assert any("copy_images=True" in w for w in report.warnings)
    with pytest.raises(ValueError, match="parts must be 'bridge' or 'separate', got 'merge'"):
        export_dataset(scene, "yolo", tmp_path / "bad", options={"parts": "merge"})
