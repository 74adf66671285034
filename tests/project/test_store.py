"""Project open/create, class registry, images and instances round-trips."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from grabseg.io.images import ImageReadError
from grabseg.project import (
    Project,
    ProjectError,
    ProjectExistsError,
    ProjectNotFoundError,
)
from grabseg.types import ImageRecord, Instance

from ._helpers import random_mask, write_image


@pytest.fixture
def project(image_folder: Path) -> Iterator[Project]:
    with Project.open(image_folder, create=True) as p:
        yield p


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_create_in_image_folder_adds_images(image_folder: Path) -> None:
    with Project.open(image_folder, create=True) as p:
        assert p.file == image_folder / Project.FILENAME and p.file.is_file()
        infos = p.images()
    assert [i.path for i in infos] == ["a.png", "b.jpg", "sub/c.png"]
    assert [(i.width, i.height) for i in infos] == [(32, 24), (30, 20), (16, 16)]
    assert all(i.status == "new" and i.n_instances == 0 for i in infos)
    assert [i.sha256 for i in infos] == [_sha(image_folder / i.path) for i in infos]
    assert infos[2].abs_path == image_folder / "sub" / "c.png"


def test_open_without_create_names_the_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProjectNotFoundError, match="project.grabseg") as info:
        Project.open(tmp_path)
    assert isinstance(info.value, FileNotFoundError)
    assert not (tmp_path / Project.FILENAME).exists()


def test_create_refuses_an_existing_project(tmp_path: Path) -> None:
    Project.create(tmp_path).close()
    with pytest.raises(ProjectExistsError, match="already exists"):
        Project.create(tmp_path / Project.FILENAME)


def test_file_and_folder_paths(tmp_path: Path) -> None:
    with Project.open(tmp_path / "new" / "x.grabseg", create=True) as p:
        assert p.file == tmp_path / "new" / "x.grabseg" and p.root == tmp_path / "new"
    with Project.open(tmp_path / "fresh.folder", create=True) as p:
        assert p.file == tmp_path / "fresh.folder" / Project.FILENAME
    with Project.open(tmp_path / "new" / "x.grabseg") as p:
        assert p.schema_version == 1 and p.images() == []


def test_durability_settings(project: Project) -> None:
    with project.transaction() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_everything_survives_reopen(image_folder: Path) -> None:
    mask = random_mask((24, 32), seed=5)
    with Project.open(image_folder, create=True) as p:
        cls = p.add_class("cat", color="#102030", isthing=False)
        iid = p.add_instance(1, Instance(cls.id, mask, source="model", score=0.75,
                                         prompts={"box": np.array([1, 2, 9, 9])}))
        p.set_status(1, "done")
    with Project.open(image_folder) as p:
        assert p.classes() == [cls] and cls.color == (16, 32, 48)
        (inst,) = p.instances(1)
        assert p.image(1).status == "done" and p.image(1).n_instances == 1
    assert inst.id == iid and inst.class_id == cls.id and inst.source == "model"
    assert inst.score == 0.75 and inst.prompts == {"box": [1, 2, 9, 9]}
    assert inst.mask.dtype == bool and np.array_equal(inst.mask, mask)


def test_class_registry(project: Project) -> None:
    a = project.add_class("car")
    b = project.add_class("tree", id=7, isthing=False)
    assert (a.id, b.id) == (1, 7) and project.add_class("bus").id == 8
    assert [c.name for c in project.classes()] == ["car", "tree", "bus"]
    assert project.get_class("tree") == b and project.get_class(np.int64(1)) == a
    assert project.ensure_class("car") == a and project.ensure_class("dog").id == 9
    renamed = project.update_class(7, name="plant", color=(1, 2, 3))
    assert project.get_class(7) == renamed == b.__class__(7, "plant", (1, 2, 3), False)
    with pytest.raises(KeyError, match="'ghost'"):
        project.get_class("ghost")
    with pytest.raises(KeyError, match="42"):
        project.update_class(42, name="x")
    with pytest.raises(ValueError, match="'car' already exists"):
        project.add_class("car")
    with pytest.raises(ValueError, match="'car' already exists"):
        project.update_class(7, name="car")
    with pytest.raises(ValueError, match="class id 7 is already used"):
        project.add_class("other", id=7)
    with pytest.raises(ValueError, match="0 is background"):
        project.add_class("bg", id=0)
    with pytest.raises(ValueError, match="non-empty string"):
        project.add_class("  ")
    with pytest.raises(ValueError, match="three ints"):
        project.add_class("x", color=(0, 0, 300))


def test_default_colours_are_distinct_and_stable(tmp_path: Path) -> None:
    with Project.create(tmp_path) as p:
        colours = [p.add_class(f"c{i}").color for i in range(30)]
    assert len(set(colours)) == 30
    with Project.open(tmp_path) as p:
        assert [c.color for c in p.classes()] == colours


def test_add_image_paths(project: Project, tmp_path: Path) -> None:
    root = project.root
    assert project.add_image(root / "a.png") == project.add_image("a.png") == 1
    outside = write_image(tmp_path / "elsewhere" / "d.png", seed=9)
    new_id = project.add_image(outside)
    assert project.image(new_id).path == "../elsewhere/d.png"
    assert project.image(new_id).abs_path == outside


def test_add_image_rejects_non_images(project: Project) -> None:
    (project.root / "notes.png").write_text("not an image")
    with pytest.raises(ImageReadError, match="notes.png"):
        project.add_image("notes.png")
    with pytest.raises(FileNotFoundError, match="nope.png"):
        project.add_image("nope.png")
    assert len(project.images()) == 3


def test_add_folder_reports_problems(project: Project) -> None:
    (project.root / "broken.jpg").write_bytes(b"\xff\xd8 truncated")
    write_image(project.root / "new" / "e.png", seed=11)
    ids = project.add_folder()
    assert len(ids) == 4 and [i.path for i in project.images()][-1] == "new/e.png"
    assert [p for p, _ in project.last_scan_problems] == ["broken.jpg"]
    assert "cannot decode" in project.last_scan_problems[0][1]


def test_status(project: Project) -> None:
    project.set_status(2, "in progress")
    assert [i.id for i in project.images("in progress")] == [2]
    with pytest.raises(ValueError, match="'finished'"):
        project.set_status(2, "finished")
    with pytest.raises(ValueError, match="'finished'"):
        project.images("finished")
    with pytest.raises(KeyError, match="99"):
        project.set_status(99, "done")


def test_instances_z_order(project: Project) -> None:
    c = project.add_class("cat").id
    masks = [random_mask((24, 32), seed=s) for s in range(3)]
    first = project.add_instance(1, Instance(c, masks[0], z=50))
    second = project.add_instance(1, Instance(c, masks[1]))
    below = project.add_instance(1, Instance(c, masks[2], z=-4), on_top=False)
    got = project.instances(1)
    assert [(i.id, i.z) for i in got] == [(below, -4), (first, 0), (second, 1)]
    assert all(np.array_equal(i.mask, m) for i, m in zip(got, [masks[2], *masks[:2]]))
    assert project.instances(2) == [] and project.image(1).n_instances == 3


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"mask": np.ones((24, 31), bool)}, ValueError, r"\(24, 31\), expected .* \(24, 32\)"),
        ({"mask": np.ones((24, 32), np.uint8)}, TypeError, "dtype bool, got uint8"),
        ({"mask": np.zeros((24, 32), bool)}, ValueError, "empty"),
        ({"class_id": 5}, ValueError, "class_id 5 is not in"),
        ({"source": "magic"}, ValueError, "'magic'"),
        ({"score": float("nan")}, ValueError, "finite"),
        ({"prompts": {"f": object()}}, TypeError, "JSON-serialisable"),
        ({"prompts": [1, 2]}, TypeError, "dict or None"),
    ],
)
def test_bad_instances_are_refused_and_nothing_is_stored(
    project: Project, change: dict, error: type, message: str
) -> None:
    c = project.add_class("cat").id
    good = random_mask((24, 32), seed=1)
    iid = project.add_instance(1, Instance(c, good))
    fields = {"class_id": c, "mask": good} | change
    with pytest.raises(error, match=message):
        project.add_instance(1, Instance(**fields))
    with pytest.raises(error, match=message):
        project.update_instance(iid, **change)
    (kept,) = project.instances(1)
    assert kept.id == iid and kept.class_id == c and np.array_equal(kept.mask, good)


def test_unknown_ids(project: Project) -> None:
    c = project.add_class("cat").id
    with pytest.raises(KeyError, match="no image with id 99"):
        project.add_instance(99, Instance(c, np.ones((2, 2), bool)))
    with pytest.raises(KeyError, match="no instance with id 5"):
        project.update_instance(5, z=1)
    with pytest.raises(KeyError, match="no instance with id 5"):
        project.delete_instance(5)
    with pytest.raises(KeyError, match="no image with id 99"):
        project.record(99)


def test_update_instance(project: Project) -> None:
    a, b = project.add_class("a").id, project.add_class("b").id
    iid = project.add_instance(1, Instance(a, random_mask((24, 32), seed=1)))
    new_mask = random_mask((24, 32), seed=2)
    project.update_instance(iid, mask=new_mask, class_id=b, z=9, source="pre-label",
                            score=0.5, prompts={"strokes": [{"label": 1, "points": [[1, 2]]}]})
    (got,) = project.instances(1)
    assert (got.class_id, got.z, got.source, got.score) == (b, 9, "pre-label", 0.5)
    assert got.prompts == {"strokes": [{"label": 1, "points": [[1, 2]]}]}
    assert np.array_equal(got.mask, new_mask)


def test_delete_and_restore(project: Project) -> None:
    c = project.add_class("cat").id
    ids = [project.add_instance(1, Instance(c, random_mask((24, 32), seed=s),
                                            prompts={"s": s})) for s in range(3)]
    gone = project.delete_instance(ids[1])
    assert gone.id == ids[1] and gone.z == 1 and gone.prompts == {"s": 1}
    assert [i.id for i in project.instances(1)] == [ids[0], ids[2]]
    assert project.restore_instance(1, gone) == ids[1]
    back = project.instances(1)[1]
    assert (back.id, back.z, back.prompts) == (ids[1], 1, {"s": 1})
    assert np.array_equal(back.mask, gone.mask)
    # the id is taken now: a second restore gets a fresh id, never a reused one
    assert project.restore_instance(1, gone) > max(ids)
    top = project.delete_instance(ids[2]).id
    assert project.add_instance(1, Instance(c, gone.mask)) > top


def test_records(project: Project) -> None:
    c = project.add_class("cat").id
    mask = random_mask((16, 16), seed=3)
    project.add_instance(3, Instance(c, mask))
    records = project.records()
    assert isinstance(records, Iterator)
    got = list(records)
    assert [r.path for r in got] == ["a.png", "b.jpg", "sub/c.png"]
    last = got[2]
    assert isinstance(last, ImageRecord) and (last.id, last.width, last.height) == (3, 16, 16)
    assert last.abs_path == str(project.root / "sub" / "c.png") and last.status == "new"
    assert len(last.instances) == 1 and np.array_equal(last.instances[0].mask, mask)
    single = project.record(3)
    assert (single.path, single.abs_path, single.id) == (last.path, last.abs_path, 3)
    assert np.array_equal(single.instances[0].mask, mask)


def test_transaction_groups_and_rolls_back(project: Project) -> None:
    c = project.add_class("cat").id
    mask = random_mask((24, 32), seed=1)
    with pytest.raises(RuntimeError, match="boom"):
        with project.transaction():
            project.add_instance(1, Instance(c, mask))
            project.add_class("dog")
            raise RuntimeError("boom")
    assert project.instances(1) == [] and [k.name for k in project.classes()] == ["cat"]
    with project.transaction():
        project.add_instance(1, Instance(c, mask))
        project.add_instance(2, Instance(c, random_mask((20, 30), seed=2)))
    assert project.image(1).n_instances == project.image(2).n_instances == 1


def test_second_connection_sees_commits(project: Project) -> None:
    with Project.open(project.file) as other:
        project.add_class("seen")
        assert [c.name for c in other.classes()] == ["seen"]


def test_closed_project_refuses_work(project: Project) -> None:
    project.close()
    project.close()
    with pytest.raises(ProjectError, match="closed"):
        project.images()
