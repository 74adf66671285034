"""Moved images are found again by SHA-256; their records stay intact."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import cv2
import numpy as np

from grabseg.project import Project
from grabseg.project.relink import find_moved, scan_summary
from grabseg.types import Instance

from ._helpers import random_mask, write_image


def _move(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(src, dst)


def test_move_into_subfolder_and_relink(image_folder: Path) -> None:
    masks = {1: random_mask((24, 32), seed=1), 3: random_mask((16, 16), seed=3)}
    with Project.open(image_folder, create=True) as p:
        c = p.add_class("cat").id
        for image_id, mask in masks.items():
            p.add_instance(image_id, Instance(c, mask, prompts={"box": [0, 0, 5, 5]}))
        p.set_status(3, "done")
        hashes = [i.sha256 for i in p.images()]
    _move(image_folder / "a.png", image_folder / "moved" / "x" / "a.png")
    _move(image_folder / "b.jpg", image_folder / "moved" / "renamed.jpg")
    _move(image_folder / "sub" / "c.png", image_folder / "moved" / "c.png")
    with Project.open(image_folder) as p:
        assert [i.id for i in p.missing_images()] == [1, 2, 3]
        changes = p.relink(p.root)
        assert changes == {1: "moved/x/a.png", 2: "moved/renamed.jpg", 3: "moved/c.png"}
        assert p.missing_images() == [] and p.relink(p.root) == {}
    with Project.open(image_folder) as p:  # stored, not just in memory
        infos = p.images()
        assert [i.path for i in infos] == list(changes.values())
        assert [i.sha256 for i in infos] == hashes
        record = p.record(3)
        assert record.status == "done" and Path(record.abs_path).is_file()
        assert record.abs_path == str(image_folder / "moved" / "c.png")
        for image_id, mask in masks.items():
            (inst,) = p.record(image_id).instances
            assert np.array_equal(inst.mask, mask) and inst.prompts == {"box": [0, 0, 5, 5]}


def _bmp(path: Path, seed: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pixels = np.random.default_rng(seed).integers(0, 256, (10, 12, 3), dtype=np.uint8)
    assert cv2.imwrite(str(path), pixels)
    return path


def test_same_size_decoy_is_not_taken(tmp_path: Path) -> None:
    with Project.open(tmp_path, create=True) as p:
        image_id = p.add_image(_bmp(tmp_path / "a.bmp", seed=1))
    (tmp_path / "a.bmp").unlink()
    decoy = _bmp(tmp_path / "other" / "a.bmp", seed=2)
    real = _bmp(tmp_path / "other" / "deep" / "zzz.bmp", seed=1)
    assert decoy.stat().st_size == real.stat().st_size
    with Project.open(tmp_path) as p:
        assert p.relink("other") == {image_id: "other/deep/zzz.bmp"}


def test_copies_go_to_distinct_files_preferring_the_old_name(tmp_path: Path) -> None:
    with Project.open(tmp_path, create=True) as p:
        first = p.add_image(_bmp(tmp_path / "one.bmp", seed=5))
        second = p.add_image(_bmp(tmp_path / "two.bmp", seed=5))
        assert p.image(first).sha256 == p.image(second).sha256
    for name in ("one.bmp", "two.bmp"):
        _move(tmp_path / name, tmp_path / "new" / name)
    with Project.open(tmp_path) as p:
        assert p.relink(tmp_path / "new") == {first: "new/one.bmp", second: "new/two.bmp"}


def test_a_file_used_by_another_image_is_not_stolen(tmp_path: Path) -> None:
    with Project.open(tmp_path, create=True) as p:
        gone = p.add_image(_bmp(tmp_path / "a.bmp", seed=7))
        kept = p.add_image(_bmp(tmp_path / "copy" / "a.bmp", seed=7))
    (tmp_path / "a.bmp").unlink()
    with Project.open(tmp_path) as p:
        assert p.relink(tmp_path) == {}
        assert [i.id for i in p.missing_images()] == [gone]
        assert p.image(kept).path == "copy/a.bmp"


def test_find_moved_reports_what_it_could_not_find(tmp_path: Path) -> None:
    file = write_image(tmp_path / "x.png", seed=1)
    sha = hashlib.sha256(file.read_bytes()).hexdigest()
    wanted = [(1, sha, file.stat().st_size, "x.png"), (2, "0" * 64, 10, "y.png")]
    found = find_moved(wanted, tmp_path)
    assert found == {1: file.absolute()}
    assert scan_summary(found, wanted) == "relinked 1 of 2 missing images; not found: ids 2"
