"""The project file's format: header checks, schema migrations, durable connections.

A project file is SQLite with ``PRAGMA application_id = APPLICATION_ID`` (so a
SQLite file of another program is recognised) and ``PRAGMA user_version`` = the
schema version. ``MIGRATIONS[v]`` brings a file from version ``v`` to ``v + 1``;
all pending migrations run in ONE transaction, after a backup copy of the file.

Durability: the journal is WAL with ``synchronous=FULL``, so every COMMIT fsyncs
the WAL before it returns. A killed process never loses a committed transaction
(that holds even with NORMAL), and with FULL a power cut or OS crash does not
either (with NORMAL the last few commits could roll back). A commit costs one
fsync (~0.3 ms on an SSD), negligible at human editing speed; bulk importers
group many changes with ``Project.transaction()``. WAL needs a local disk
(not a network share), as SQLite documents.

Foreign or damaged files are judged from their first 100 bytes and size with
plain ``open(..., "rb")`` BEFORE SQLite opens them, so nothing is ever written to
them (no WAL conversion, no ``-wal``/``-shm`` files).
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import struct
from collections.abc import Callable, Sequence
from pathlib import Path

from grabseg.types import IMAGE_STATUSES, INSTANCE_SOURCES

#: ``PRAGMA application_id`` of grabseg projects: ASCII "GSEG".
APPLICATION_ID = 0x47534547
SQLITE_MAGIC = b"SQLite format 3\x00"


class ProjectError(Exception):
    """Base class of project errors."""


class CorruptProjectError(ProjectError):
    """The file is not a usable grabseg project; the message names the file and the problem."""


class ProjectVersionError(ProjectError):
    """The project was written by a newer grabseg (schema version too high)."""


def _in(values: Sequence[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


_V1 = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE classes (id INTEGER PRIMARY KEY AUTOINCREMENT CHECK (id >= 1),"
    " name TEXT NOT NULL UNIQUE, r INTEGER NOT NULL, g INTEGER NOT NULL, b INTEGER NOT NULL,"
    " isthing INTEGER NOT NULL)",
    "CREATE TABLE images (id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL UNIQUE,"
    " width INTEGER NOT NULL, height INTEGER NOT NULL, sha256 TEXT NOT NULL,"
    " file_size INTEGER NOT NULL,"
    f" status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ({_in(IMAGE_STATUSES)})))",
    "CREATE INDEX images_sha256 ON images (sha256)",
    "CREATE TABLE instances (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,"
    " class_id INTEGER NOT NULL REFERENCES classes (id),"
    " z INTEGER NOT NULL,"
    f" source TEXT NOT NULL CHECK (source IN ({_in(INSTANCE_SOURCES)})),"
    " score REAL, x0 INTEGER NOT NULL, y0 INTEGER NOT NULL, x1 INTEGER NOT NULL,"
    " y1 INTEGER NOT NULL, mask BLOB NOT NULL, mask_crc INTEGER NOT NULL, prompts TEXT)",
    "CREATE INDEX instances_image_z ON instances (image_id, z)",
    "INSERT INTO meta (key, value) VALUES ('created_by', 'grabseg')",
)

#: ``MIGRATIONS[v]`` upgrades version ``v`` to ``v + 1``: SQL statements or a callable(conn).
MIGRATIONS: list[Sequence[str] | Callable[[sqlite3.Connection], None]] = [_V1]

#: Tables and columns the newest schema must have (checked on every open).
EXPECTED_COLUMNS: dict[str, frozenset[str]] = {
    "meta": frozenset({"key", "value"}),
    "classes": frozenset({"id", "name", "r", "g", "b", "isthing"}),
    "images": frozenset({"id", "path", "width", "height", "sha256", "file_size", "status"}),
    "instances": frozenset(
        {"id", "image_id", "class_id", "z", "source", "score", "x0", "y0", "x1", "y1",
         "mask", "mask_crc", "prompts"}
    ),
}


def latest_version() -> int:
    """The schema version this grabseg writes (``len(MIGRATIONS)``)."""
    return len(MIGRATIONS)


def check_header(file: Path) -> int:
    """Judge ``file`` from its header and size without SQLite; return the header's version.

    Raises ``CorruptProjectError`` for an empty, truncated, non-SQLite or foreign file.
    """
    size = file.stat().st_size
    with open(file, "rb") as fh:
        head = fh.read(100)
    if size == 0:
        raise CorruptProjectError(f"{file}: file is empty (0 bytes), not a grabseg project")
    if not head.startswith(SQLITE_MAGIC):
        if len(head) < 16 and SQLITE_MAGIC.startswith(head):
            raise CorruptProjectError(f"{file}: truncated SQLite file ({size} bytes)")
        raise CorruptProjectError(f"{file}: not a grabseg project ({_describe(head)})")
    if len(head) < 100:
        raise CorruptProjectError(f"{file}: truncated SQLite file ({size} bytes, header cut short)")
    (page,) = struct.unpack(">H", head[16:18])
    counter, pages = struct.unpack(">II", head[24:32])
    (version,) = struct.unpack(">I", head[60:64])
    (app_id,) = struct.unpack(">I", head[68:72])
    (valid_for,) = struct.unpack(">I", head[92:96])
    if app_id != APPLICATION_ID:
        raise CorruptProjectError(
            f"{file}: a SQLite database of another application (application_id "
            f"0x{app_id:08x}, grabseg projects have 0x{APPLICATION_ID:08x})"
        )
    page = 65536 if page == 1 else page
    wal = file.with_name(file.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return version  # SQLite recovers from the WAL; sizes can lag until then
    if page < 512 or page & (page - 1) or size % page:
        raise CorruptProjectError(
            f"{file}: truncated or damaged SQLite file ({size} bytes is not a whole "
            f"number of {page}-byte pages)"
        )
    if pages and counter == valid_for and size < pages * page:
        raise CorruptProjectError(
            f"{file}: truncated SQLite file ({size} bytes, the header says {pages * page})"
        )
    return version


def _describe(head: bytes) -> str:
    sample = head[:64]
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and "\x00" not in text:
        return f"a text file starting {text[:24]!r}"
    return f"not a SQLite file, starts with bytes {sample[:8].hex(' ')}"


def connect(file: Path) -> sqlite3.Connection:
    """Open a checked project file; migrate it; validate its schema; switch on WAL + FULL."""
    conn = sqlite3.connect(str(file), isolation_level=None, timeout=10.0)
    try:
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA fullfsync = ON")  # macOS: F_FULLFSYNC; ignored elsewhere
        conn.execute("PRAGMA foreign_keys = ON")
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id != APPLICATION_ID:
            raise CorruptProjectError(f"{file}: application_id 0x{app_id:08x} is not grabseg's")
        if version > latest_version():
            raise ProjectVersionError(
                f"{file}: schema version {version} was written by a newer grabseg "
                f"(this one reads up to {latest_version()}); update grabseg to open it"
            )
        if version < latest_version():
            migrate(conn, file, version, backup=version > 0)
        validate_schema(conn, file)
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise ProjectError(f"{file}: cannot use a write-ahead log (journal mode {mode!r})")
        conn.execute("PRAGMA journal_size_limit = 67108864")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise translate(exc, file) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def migrate(conn: sqlite3.Connection, file: Path, version: int, *, backup: bool) -> None:
    """Run ``MIGRATIONS[version:]`` in one transaction (after a backup copy if asked)."""
    if backup:
        dest = sqlite3.connect(str(file.with_name(f"{file.name}.v{version}.bak")))
        try:
            conn.backup(dest)
        finally:
            dest.close()
    conn.execute("BEGIN IMMEDIATE")
    try:
        if version == 0:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        for step in MIGRATIONS[version:]:
            if callable(step):
                step(conn)
            else:
                for statement in step:
                    conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {latest_version()}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def validate_schema(conn: sqlite3.Connection, file: Path) -> None:
    """Raise ``CorruptProjectError`` if a table or column of the newest schema is missing."""
    for table, expected in EXPECTED_COLUMNS.items():
        have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if not have:
            raise CorruptProjectError(f"{file}: bad schema, table {table!r} is missing")
        if missing := sorted(expected - have):
            raise CorruptProjectError(f"{file}: bad schema, table {table!r} lacks {missing}")


def temp_path(file: Path) -> Path:
    """A hidden, unique sibling of ``file`` to build a new project in before publishing it."""
    return file.with_name(f".{file.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")


def create_file(tmp: Path) -> None:
    """Write an empty project of the newest schema at ``tmp`` (in WAL mode, closed)."""
    conn = sqlite3.connect(str(tmp), isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = FULL")
        migrate(conn, tmp, 0, backup=False)
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()  # the last connection checkpoints and removes the -wal file


def publish(tmp: Path, file: Path) -> None:
    """Move a finished, closed project from ``tmp`` to ``file`` atomically.

    ``FileExistsError`` if ``file`` appeared meanwhile (``tmp`` is then removed).
    """
    if file.exists():
        remove_temp(tmp)
        raise FileExistsError(f"a project already exists at {file}")
    os.replace(tmp, file)
    _fsync_dir(file.parent)


def remove_temp(tmp: Path) -> None:
    """Delete a temporary project and its SQLite side files, if present."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        tmp.with_name(tmp.name + suffix).unlink(missing_ok=True)


def remove_stale_temps(file: Path) -> list[Path]:
    """Delete temp projects left beside ``file`` by killed processes (POSIX; by pid).

    Returns the paths removed. A temp of a live process is left alone.
    """
    if os.name != "posix":
        return []
    removed = []
    for tmp in file.parent.glob(f".{file.name}.tmp-*-*"):
        parts = tmp.name[len(file.name) + 6 :].split("-")
        if len(parts) != 2 or not parts[0].isdigit() or int(parts[0]) == os.getpid():
            continue  # a side file (-wal, -shm, -journal) or not ours: handled with its temp
        try:
            os.kill(int(parts[0]), 0)
            continue  # still running
        except ProcessLookupError:
            pass
        except PermissionError:
            continue  # alive, another user's
        remove_temp(tmp)
        removed.append(tmp)
    return removed


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def translate(exc: sqlite3.Error, file: Path) -> Exception:
    """Map a SQLite error to a project error naming ``file``."""
    name = getattr(exc, "sqlite_errorname", "")
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return CorruptProjectError(f"{file}: damaged project file ({exc})")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return ProjectError(f"{file}: the project is busy in another program ({exc})")
    return ProjectError(f"{file}: {exc}")
