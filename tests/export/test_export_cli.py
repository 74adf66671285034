"""``grabseg export`` / ``grabseg import`` through the command-line dispatcher."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from export_scene import make_project
from grabseg.cli import main
from grabseg.project import Project


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    make_project(tmp_path / "project").close()
    return tmp_path / "project"


def test_export_then_import_via_cli(project_dir, tmp_path, capsys):
    out = tmp_path / "coco"
    args = ["export", str(project_dir), "--format", "coco", "--out", str(out), "--polygons"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "exported 3 images, 6 instances, 3 classes as coco" in printed
    assert "polygons: 5 instances (1 kept as RLE), 0 not exact, worst IoU 1.0000" in printed
    assert (out / "annotations/instances.json").is_file()
    target = tmp_path / "copy" / "mine.grabseg"
    assert main(["import", str(target), str(out), "--format", "coco"]) == 0
    assert "imported 3 images, 6 instances, 3 classes (3 new)" in capsys.readouterr().out
    with Project.open(target) as copy:
        assert [c.name for c in copy.classes()] == ["cat", "dog", "grass"]
        assert sum(len(r.instances) for r in copy.records()) == 6


def test_export_split_and_overwrite(project_dir, tmp_path, capsys):
    out = tmp_path / "voc"
    args = ["export", str(project_dir / "project.grabseg"), "-f", "voc", "-o", str(out),
            "--split", "0.6", "--seed", "2", "--voc-boundary", "1"]
    assert main(args) == 0
    assert main(args) == 2
    assert "already exists and is not empty" in capsys.readouterr().err
    assert main([*args, "--overwrite"]) == 0
    assert (out / "ImageSets/Segmentation/train.txt").is_file()


def test_cli_errors_are_messages_not_tracebacks(tmp_path, capsys):
    assert main(["export", str(tmp_path / "none"), "-f", "coco", "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("grabseg export: error: no grabseg project at") and "Traceback" not in err
    (tmp_path / "bad.json").write_text("{not json")
    assert main(["import", str(tmp_path / "p"), str(tmp_path / "bad.json"), "-f", "coco"]) == 2
    assert "bad.json: not valid JSON (line 1, column 2" in capsys.readouterr().err
    assert not (tmp_path / "p").exists()  # nothing created for a bad source
    assert main(["import", str(tmp_path / "p"), str(tmp_path / "missing"), "-f", "voc"]) == 2
    assert "import source not found" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["export", str(tmp_path), "-f", "cityscapes", "-o", str(tmp_path / "o")])
    assert exc.value.code == 2
    assert "invalid choice: 'cityscapes'" in capsys.readouterr().err


def test_import_labelme_with_embedded_image_into_new_project(tmp_path, capsys):
    import base64

    import cv2
    import numpy as np

    ok, png = cv2.imencode(".png", np.zeros((10, 12, 3), np.uint8))
    dot = {"label": "dot", "points": [[2, 2], [6, 2], [6, 6]], "shape_type": "polygon"}
    doc = {"shapes": [dot],
           "imagePath": "", "imageData": base64.b64encode(png.tobytes()).decode(),
           "imageHeight": 10, "imageWidth": 12}
    (tmp_path / "lm").mkdir()
    (tmp_path / "lm" / "a.json").write_text(json.dumps(doc))
    assert main(["import", str(tmp_path / "proj"), str(tmp_path / "lm"), "-f", "labelme"]) == 0
    assert "imported 1 images, 1 instances" in capsys.readouterr().out
    assert (tmp_path / "proj/imported/lm/a.png").read_bytes() == png.tobytes()
    with Project.open(tmp_path / "proj") as p:
        (info,) = p.images()
        assert info.path == "imported/lm/a.png"
