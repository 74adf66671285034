"""Damaged, foreign and newer files are refused with a clear error and left byte-identical;
schema migrations are atomic."""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from grabseg.project import (
    CorruptProjectError,
    Project,
    ProjectError,
    ProjectVersionError,
    schema,
)
from grabseg.types import Instance

from ._helpers import random_mask, write_image


def snapshot(folder: Path) -> dict[str, str]:
    """sha256 of every file in ``folder`` (so new -wal/-shm files show up too)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    """A closed project with one 120x160 image and 40 noisy instances (many pages)."""
    write_image(tmp_path / "big.png", (120, 160), seed=4)
    with Project.open(tmp_path, create=True) as p:
        c = p.add_class("thing").id
        for s in range(40):
            p.add_instance(1, Instance(c, random_mask((120, 160), seed=s)))
    return tmp_path / Project.FILENAME


def assert_refused(file: Path, *words: str, error: type = CorruptProjectError) -> None:
    before = snapshot(file.parent)
    with pytest.raises(error, match=re.escape(str(file))) as info:
        Project.open(file.parent if file.name == Project.FILENAME else file, create=True)
    for word in words:
        assert word in str(info.value)
    assert snapshot(file.parent) == before


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", ["empty"]),
        (np.random.default_rng(0).bytes(8192), ["not a SQLite file"]),
        (b"project notes\nclasses: cat, dog\n" * 50, ["text file", "project notes"]),
        (b"SQLite fo", ["truncated"]),
    ],
    ids=["empty", "random", "text", "magic-prefix"],
)
def test_non_sqlite_files(tmp_path: Path, content: bytes, words: list[str]) -> None:
    file = tmp_path / Project.FILENAME
    file.write_bytes(content)
    assert_refused(file, *words)


@pytest.mark.parametrize("cut", ["header", "odd", "pages"])
def test_truncated_project(filled: Path, cut: str) -> None:
    size = filled.stat().st_size
    assert size >= 8 * 4096
    keep = {"header": 50, "odd": size - 1000, "pages": (size // 2) // 4096 * 4096}[cut]
    with open(filled, "r+b") as fh:
        fh.truncate(keep)
    assert_refused(filled, "truncated")


@pytest.mark.parametrize("wal", [False, True])
def test_foreign_sqlite(tmp_path: Path, wal: bool) -> None:
    file = tmp_path / Project.FILENAME
    other = sqlite3.connect(file)
    if wal:
        other.execute("PRAGMA journal_mode = WAL")
    other.execute("PRAGMA application_id = 1234")
    other.execute("CREATE TABLE images (id INTEGER PRIMARY KEY, path TEXT)")
    other.execute("INSERT INTO images (path) VALUES ('x.png')")
    other.commit()
    try:
        if wal:  # keep its -wal file live while grabseg looks
            assert (tmp_path / f"{Project.FILENAME}-wal").stat().st_size > 0
        # in WAL mode the id may still sit in the -wal file: the main header decides
        assert_refused(file, "another application", *([] if wal else ["0x000004d2"]))
    finally:
        other.close()


def test_plain_sqlite_with_grabseg_extension(tmp_path: Path) -> None:
    file = tmp_path / "data.grabseg"
    with sqlite3.connect(file) as other:
        other.execute("CREATE TABLE t (x)")
    other.close()
    assert_refused(file, "another application")


def test_missing_table(tmp_path: Path) -> None:
    file = tmp_path / Project.FILENAME
    raw = sqlite3.connect(file)
    raw.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    raw.execute(f"PRAGMA user_version = {schema.latest_version()}")
    raw.execute("CREATE TABLE meta (key TEXT, value TEXT)")
    raw.execute("CREATE TABLE classes (id, name, r, g, b, isthing)")
    raw.commit()
    raw.close()
    assert_refused(file, "bad schema", "'images' is missing")


def test_newer_version(filled: Path) -> None:
    raw = sqlite3.connect(filled)
    raw.execute("PRAGMA user_version = 99")
    raw.commit()
    raw.close()
    assert_refused(filled, "schema version 99", "newer grabseg", error=ProjectVersionError)


def test_damaged_mask_bytes_are_detected(filled: Path) -> None:
    raw = sqlite3.connect(filled)
    cut = "UPDATE instances SET mask = CAST({} AS BLOB) WHERE id = ?"
    raw.execute(cut.format("X'789c' || substr(mask, 3)"), (7,))  # wrong first bytes
    raw.execute(cut.format("substr(mask, 1, length(mask) - 3)"), (9,))  # cut short
    raw.commit()
    raw.close()
    with Project.open(filled) as p:
        with pytest.raises(CorruptProjectError, match="instance 7 is damaged: .*CRC"):
            p.instances(1)
        with pytest.raises(CorruptProjectError, match=f"{re.escape(str(filled))}.*instance 9"):
            p.delete_instance(9)
        assert p.drop_damaged() == [7, 9]
        kept = p.instances(1)
    assert len(kept) == 38 and 7 not in {i.id for i in kept}
    assert np.array_equal(kept[0].mask, random_mask((120, 160), seed=0))


def test_damaged_pages_are_detected(filled: Path) -> None:
    size = filled.stat().st_size
    with open(filled, "r+b") as fh:
        for page in range(2, size // 4096):
            fh.seek(page * 4096 + 8)
            fh.write(b"\xa5" * 600)
    with pytest.raises(CorruptProjectError, match=re.escape(str(filled))):
        with Project.open(filled) as p:
            p.check()
            list(p.records())


def _v2(monkeypatch: pytest.MonkeyPatch, statements: tuple[str, ...]) -> None:
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, statements])
    expected = dict(schema.EXPECTED_COLUMNS)
    expected["images"] = expected["images"] | {"note"}
    monkeypatch.setattr(schema, "EXPECTED_COLUMNS", expected)


def _raw_version_and_columns(file: Path) -> tuple[int, set[str], int]:
    raw = sqlite3.connect(file)
    try:
        version = raw.execute("PRAGMA user_version").fetchone()[0]
        columns = {r[1] for r in raw.execute("PRAGMA table_info(images)")}
        count = raw.execute("SELECT COUNT(*) FROM instances").fetchone()[0]
    finally:
        raw.close()
    return version, columns, count


def test_migration_upgrades_and_keeps_a_backup(
    filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _v2(monkeypatch, ("ALTER TABLE images ADD COLUMN note TEXT DEFAULT ''",))
    with Project.open(filled) as p:
        assert p.schema_version == 2 and p.image(1).n_instances == 40
    assert _raw_version_and_columns(filled)[0] == 2
    backup = filled.with_name(f"{filled.name}.v1.bak")
    version, columns, count = _raw_version_and_columns(backup)
    assert (version, "note" in columns, count) == (1, False, 40)


def test_failed_migration_leaves_the_old_version(
    filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _raw_version_and_columns(filled)
    _v2(monkeypatch, ("ALTER TABLE images ADD COLUMN note TEXT", "NOT VALID SQL"))
    with pytest.raises(ProjectError, match=re.escape(str(filled))):
        Project.open(filled)
    assert _raw_version_and_columns(filled) == before == (1, before[1], 40)
    assert "note" not in before[1]
    monkeypatch.undo()
    with Project.open(filled) as p:
        assert p.schema_version == 1 and p.image(1).n_instances == 40
        p.check()


def test_create_leaves_no_temp_files(tmp_path: Path) -> None:
    Project.create(tmp_path).close()
    assert sorted(os.listdir(tmp_path)) == [Project.FILENAME]


def test_temp_files_of_killed_creators_are_removed(tmp_path: Path) -> None:
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, check=True, text=True)
    pid = int(dead.stdout)
    stale = tmp_path / f".{Project.FILENAME}.tmp-{pid}-abcd1234"
    for suffix in ("", "-wal", "-shm"):
        stale.with_name(stale.name + suffix).write_bytes(b"half")
    alive = tmp_path / f".{Project.FILENAME}.tmp-{os.getpid()}-live0000"
    alive.write_bytes(b"ours")  # a temp of a running process (this one) stays
    Project.create(tmp_path).close()
    assert sorted(os.listdir(tmp_path)) == sorted([Project.FILENAME, alive.name])
