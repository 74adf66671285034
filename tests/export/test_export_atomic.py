"""Exports are all-or-nothing, refuse to clobber, and reject bad input clearly."""

from __future__ import annotations

import json

import numpy as np
import pytest

from export_scene import CLASSES, MemorySource
from grabseg.export import FORMATS, export_dataset
from grabseg.export import voc as voc_module
from grabseg.types import ImageRecord, Instance


def _fail_on_second_call(monkeypatch, module, name):
    real = getattr(module, name)
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full (simulated)")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, flaky)


def _snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _leftovers(parent):
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


def test_failure_mid_export_leaves_no_dataset(scene, tmp_path, monkeypatch):
    _fail_on_second_call(monkeypatch, voc_module, "encode_palette_png")
    with pytest.raises(OSError, match="disk full"):
        export_dataset(scene, "voc", tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert _leftovers(tmp_path) == []


def test_failure_mid_overwrite_keeps_the_old_dataset(scene, tmp_path, monkeypatch):
    export_dataset(scene, "coco", tmp_path / "out")
    before = _snapshot(tmp_path / "out")
    _fail_on_second_call(monkeypatch, voc_module, "encode_palette_png")
    with pytest.raises(OSError, match="disk full"):
        export_dataset(scene, "voc", tmp_path / "out", overwrite=True)
    assert _snapshot(tmp_path / "out") == before
    assert _leftovers(tmp_path) == []


def test_existing_folder_is_refused_then_replaced_with_overwrite(scene, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="already exists and is not empty.*overwrite"):
        export_dataset(scene, "masks", out)
    assert (out / "old.txt").read_text() == "keep me"
    export_dataset(scene, "masks", out, overwrite=True)
    assert not (out / "old.txt").exists() and (out / "index.json").is_file()
    assert _leftovers(tmp_path) == []


def test_empty_existing_folder_is_fine(scene, tmp_path):
    (tmp_path / "out").mkdir()
    export_dataset(scene, "coco", tmp_path / "out")
    assert (tmp_path / "out/annotations/instances.json").is_file()


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_exports_an_empty_project(tmp_path, fmt):
    report = export_dataset(MemorySource(list(CLASSES), []), fmt, tmp_path / fmt)
    assert report.images == 0 and (tmp_path / fmt).is_dir()


def test_unknown_format_and_bad_split(scene, tmp_path):
    with pytest.raises(ValueError, match="unknown export format 'cityscapes'; choose one of"):
        export_dataset(scene, "cityscapes", tmp_path / "out")
    with pytest.raises(ValueError, match="strictly between 0 and 1, got 1.5"):
        export_dataset(scene, "coco", tmp_path / "out", split=1.5)
    with pytest.raises(TypeError, match=r"must have classes\(\) and records\(\) methods, got dict"):
        export_dataset({}, "coco", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_instance_with_unknown_class_or_wrong_size(tmp_path):
    bad_class = ImageRecord("x.png", 4, 3, (Instance(9, np.ones((3, 4), bool)),))
    msg = r"x.png: instance 0 has class id 9, which is not in the class registry \[1, 3, 5\]"
    with pytest.raises(ValueError, match=msg):
        export_dataset(MemorySource(CLASSES, [bad_class]), "coco", tmp_path / "a")
    bad_size = ImageRecord("y.png", 4, 3, (Instance(1, np.ones((4, 4), bool)),))
    msg = r"y.png: instance 0 mask has shape \(4, 4\), but the image is 4x3"
    with pytest.raises(ValueError, match=msg):
        export_dataset(MemorySource(CLASSES, [bad_size]), "coco", tmp_path / "b")
    assert _leftovers(tmp_path) == []


def test_polygons_flag_on_other_formats_is_reported(scene, tmp_path):
    report = export_dataset(scene, "voc", tmp_path / "out", polygons=True)
    assert "polygons=True has no effect on the voc format" in report.warnings
    data = json.loads((tmp_path / "out/classes.json").read_text())
    assert [c["name"] for c in data] == ["cat", "dog", "grass"]
