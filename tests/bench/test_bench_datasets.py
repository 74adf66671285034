"""Benchmark dataset loading: correspondence checks and clear messages."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from grabseg.bench.datasets import DatasetError, load_dataset, load_item


def test_loads_items_sorted_with_boxes(tiny_dataset: Path) -> None:
    ds = load_dataset(tiny_dataset)
    assert ds.name == "tiny"
    assert [it.name for it in ds.items] == ["disk0", "disk1"]
    boxes = json.loads((tiny_dataset / "boxes.json").read_text())
    assert list(ds.items[1].box.as_tuple()) == boxes["disk1"]
    image, truth = load_item(ds.items[0])
    assert image.shape == (48, 64, 3) and truth.shape == (48, 64)
    assert set(np.unique(truth)) == {0, 128, 255}


def test_limit_keeps_first_items(tiny_dataset: Path) -> None:
    assert [it.name for it in load_dataset(tiny_dataset, limit=1).items] == ["disk0"]


def test_missing_boxes_json(tiny_dataset: Path) -> None:
    (tiny_dataset / "boxes.json").unlink()
    with pytest.raises(DatasetError, match=r"missing boxes\.json"):
        load_dataset(tiny_dataset)


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="dataset folder not found"):
        load_dataset(tmp_path / "nope")


def test_mask_size_mismatch(tiny_dataset: Path) -> None:
    cv2.imwrite(str(tiny_dataset / "masks" / "disk1.png"), np.zeros((10, 12), np.uint8))
    with pytest.raises(DatasetError, match=r"disk1\.png: mask size 12x10 does not match image size 44x56"):
        load_dataset(tiny_dataset)


def test_mask_with_unexpected_values(tiny_dataset: Path) -> None:
    cv2.imwrite(str(tiny_dataset / "masks" / "disk0.png"), np.ones((48, 64), np.uint8))
    with pytest.raises(DatasetError, match=r"mask values must be 0, 128 or 255, found \[1\]"):
        load_dataset(tiny_dataset)


def test_colour_mask_is_rejected(tiny_dataset: Path) -> None:
    cv2.imwrite(str(tiny_dataset / "masks" / "disk0.png"), np.zeros((48, 64, 3), np.uint8))
    with pytest.raises(DatasetError, match="mask must be single-channel 8-bit"):
        load_dataset(tiny_dataset)


def test_image_without_mask(tiny_dataset: Path) -> None:
    (tiny_dataset / "masks" / "disk0.png").unlink()
    with pytest.raises(DatasetError, match=r"image 'disk0' has no mask"):
        load_dataset(tiny_dataset)


def test_image_without_box(tiny_dataset: Path) -> None:
    (tiny_dataset / "boxes.json").write_text(json.dumps({"disk0": [0, 0, 5, 5]}))
    with pytest.raises(DatasetError, match=r"no box for image\(s\) 'disk1'"):
        load_dataset(tiny_dataset)


def test_box_without_image(tiny_dataset: Path) -> None:
    boxes = json.loads((tiny_dataset / "boxes.json").read_text())
    boxes["ghost"] = [0, 0, 5, 5]
    (tiny_dataset / "boxes.json").write_text(json.dumps(boxes))
    with pytest.raises(DatasetError, match=r"box\(es\) for 'ghost' but no such image"):
        load_dataset(tiny_dataset)


@pytest.mark.parametrize("bad", [[0, 0, 5], [5, 0, 5, 9], [0, 0, 5.5, 9], "0 0 5 5"])
def test_malformed_box(tiny_dataset: Path, bad: object) -> None:
    (tiny_dataset / "boxes.json").write_text(json.dumps({"disk0": bad, "disk1": [0, 0, 5, 5]}))
    with pytest.raises(DatasetError, match=r"box of 'disk0' must be 4 integers"):
        load_dataset(tiny_dataset)


def test_box_outside_image(tiny_dataset: Path) -> None:
    (tiny_dataset / "boxes.json").write_text(
        json.dumps({"disk0": [0, 0, 65, 48], "disk1": [0, 0, 5, 5]})
    )
    with pytest.raises(DatasetError, match=r"box of 'disk0' \[0, 0, 65, 48\] leaves the image \(64x48\)"):
        load_dataset(tiny_dataset)


def test_boxes_json_not_json(tiny_dataset: Path) -> None:
    (tiny_dataset / "boxes.json").write_text("{nope")
    with pytest.raises(DatasetError, match="not valid JSON"):
        load_dataset(tiny_dataset)


def test_two_images_with_one_stem(tiny_dataset: Path) -> None:
    (tiny_dataset / "images" / "disk0.jpg").write_bytes(b"")
    with pytest.raises(DatasetError, match="two images share the name 'disk0'"):
        load_dataset(tiny_dataset)
