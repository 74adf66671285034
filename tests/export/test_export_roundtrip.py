"""Round trips project -> dataset -> project: masks, classes and overlap order survive.

Through the real project store (``grabseg.project``) and the ``import``
command's mapping, for COCO (RLE), VOC and the binary-mask format. The scene
has a mask with a hole, a two-part instance and overlaps; what must come back
is each image's *visible* instances (the hidden part of an overlapped
instance is what every format drops, by design).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from export_scene import expected_visible, make_project
from grabseg.commands.import_ import import_into
from grabseg.export import export_dataset
from grabseg.io.importers import read_dataset
from grabseg.project import Project


def assert_same_visible(original: Project, copy: Project) -> None:
    assert [(c.id, c.name, c.color, c.isthing) for c in copy.classes()] == [
        (c.id, c.name, c.color, c.isthing) for c in original.classes()
    ]
    copies = {Path(r.abs_path).resolve(): r for r in copy.records()}
    n = 0
    for rec in original.records():
        back = copies[Path(rec.abs_path).resolve()]
        want = expected_visible(rec)
        got = sorted(back.instances, key=lambda i: (i.z, i.id))
        assert [i.class_id for i in got] == [cid for cid, _ in want]
        for inst, (_, mask) in zip(got, want):
            assert np.array_equal(inst.mask, mask)
            n += 1
    assert n == 6


@pytest.mark.parametrize("fmt", ["coco", "voc", "masks"])
def test_project_export_import_round_trip(tmp_path, fmt):
    with make_project(tmp_path / "project") as original:
        report = export_dataset(original, fmt, tmp_path / "dataset")
        assert report.instances == 6
        data = read_dataset(tmp_path / "dataset", fmt)
        with Project.open(tmp_path / "copy", create=True) as copy:
            images, instances, new, warnings = import_into(copy, data)
            assert (images, instances, new) == (3, 6, 3)
            assert_same_visible(original, copy)


def test_ring_and_two_part_instances_survive_coco(tmp_path):
    with make_project(tmp_path / "project") as original:
        export_dataset(original, "coco", tmp_path / "dataset")
    data = read_dataset(tmp_path / "dataset", "coco")
    a = next(r for r in data.records if r.path.endswith("a.png"))
    ring, cat_box, dog = sorted(a.instances, key=lambda i: i.z)
    assert not ring.mask[30, 20] and ring.mask[30, 12]  # the hole is still a hole
    assert dog.mask[10, 50] and dog.mask[45, 70] and not dog.mask[25, 50]  # two parts


def test_importing_twice_keeps_classes_and_stacks_instances(tmp_path):
    with make_project(tmp_path / "project") as original:
        export_dataset(original, "coco", tmp_path / "dataset")
    data = read_dataset(tmp_path / "dataset", "coco")
    with Project.open(tmp_path / "copy", create=True) as copy:
        import_into(copy, data)
        images, instances, new, _ = import_into(copy, data)
        assert (images, instances, new) == (3, 6, 0)
        assert len(copy.classes()) == 3
        a = next(r for r in copy.records() if r.path.endswith("a.png"))
        zs = sorted(i.z for i in a.instances)
        assert zs == sorted(set(zs)) and len(zs) == 6  # the second copy went on top
