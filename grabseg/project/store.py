"""``Project``: one SQLite file holding the class registry, images and instances.

Every mutating call is ONE committed transaction (``BEGIN IMMEDIATE`` ..
``COMMIT``); when it returns, the change is on disk (see ``schema`` for the
durability reasoning). ``transaction()`` groups several calls into one commit,
for importers. The class registry, image and instance methods live in mixins
(``classes``, ``images``, ``instances``) to keep each module small.

While a project is open its newest commits may sit in ``project.grabseg-wal``
beside the file (SQLite folds them in on close); copy a project after closing
it, or copy both files.

A ``Project`` belongs to the thread that opened it (SQLite's default); another
thread or process opens its own ``Project`` on the same file (WAL lets readers
and one writer work at once).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from grabseg.project import schema
from grabseg.project.classes import ClassesMixin
from grabseg.project.images import ImagesMixin
from grabseg.project.instances import InstancesMixin
from grabseg.project.schema import ProjectError


class ProjectNotFoundError(ProjectError, FileNotFoundError):
    """``open`` without ``create=True`` found no project file."""


class ProjectExistsError(ProjectError, FileExistsError):
    """``create`` found a project file already there."""


class Project(ClassesMixin, ImagesMixin, InstancesMixin):
    """An annotation project stored in one SQLite file.

    Use ``Project.open(path)`` / ``Project.create(path)``, not the constructor.
    ``root`` is the folder holding the file; image paths are stored relative to
    it with POSIX separators.
    """

    FILENAME = "project.grabseg"
    SUFFIX = ".grabseg"

    def __init__(self, file: Path, conn: sqlite3.Connection) -> None:
        self.file = file
        self.root = file.parent
        self._conn: sqlite3.Connection | None = conn
        self._depth = 0
        self.last_scan_problems: list[tuple[str, str]] = []

    # -- opening -------------------------------------------------------------

    @classmethod
    def resolve_file(cls, path: str | os.PathLike[str]) -> Path:
        """The project file for ``path``: a folder means ``folder/FILENAME``.

        A path that does not exist is a file if it ends in ``.grabseg``, else a folder.
        """
        p = Path(os.path.abspath(path))
        if p.is_dir() or (not p.exists() and p.suffix.lower() != cls.SUFFIX):
            return p / cls.FILENAME
        return p

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool = False) -> Project:
        """Open the project at ``path`` (its file or its folder).

        With ``create=True`` a missing project is created (and a missing folder);
        a new project in a folder of images adds them (``add_folder()``).

        Raises
        ------
        ProjectNotFoundError
            No project there and ``create`` is False.
        CorruptProjectError
            The file is empty, truncated, not SQLite, another program's SQLite
            file, or lacks grabseg's tables. The file is left untouched.
        ProjectVersionError
            The file comes from a newer grabseg.
        """
        file = cls.resolve_file(path)
        if file.parent.is_dir():
            schema.remove_stale_temps(file)
        if not file.exists():
            if not create:
                raise ProjectNotFoundError(
                    f"no grabseg project at {file} (open it with create=True to start one)"
                )
            try:
                return cls._create_new(file)
            except ProjectExistsError:
                pass  # another process created it meanwhile: open theirs
        if not file.is_file():
            raise ProjectError(f"{file}: not a file")
        schema.check_header(file)
        return cls(file, schema.connect(file))

    @classmethod
    def create(cls, path: str | os.PathLike[str]) -> Project:
        """Create a new project at ``path``; ``ProjectExistsError`` if one is there."""
        file = cls.resolve_file(path)
        if file.exists():
            raise ProjectExistsError(f"a project already exists at {file}")
        return cls._create_new(file)

    @classmethod
    def _create_new(cls, file: Path) -> Project:
        """Build the project (with the folder's images) in a temp file, then publish it.

        So a project file either does not exist or holds its whole first scan.
        """
        file.parent.mkdir(parents=True, exist_ok=True)
        schema.remove_stale_temps(file)
        tmp = schema.temp_path(file)
        try:
            schema.create_file(tmp)
            with cls(tmp, schema.connect(tmp)) as building, building.transaction():
                building.add_folder()
            schema.publish(tmp, file)
        except FileExistsError as exc:
            raise ProjectExistsError(str(exc)) from exc
        finally:
            schema.remove_temp(tmp)
        project = cls(file, schema.connect(file))
        project.last_scan_problems = building.last_scan_problems
        return project

    # -- lifetime ------------------------------------------------------------

    def close(self) -> None:
        """Close the file (idempotent). Everything was already committed."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @property
    def closed(self) -> bool:
        return self._conn is None

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<Project {str(self.file)!r} {state}>"

    @property
    def schema_version(self) -> int:
        """The file's schema version (``PRAGMA user_version``)."""
        with self._reading() as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    # -- transactions --------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic, durable commit around the block; nested calls join the outer one.

        If the block raises, nothing of it is kept.
        """
        conn = self._connection()
        if self._depth:
            self._depth += 1
            try:
                yield conn
            finally:
                self._depth -= 1
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise schema.translate(exc, self.file) from exc
        self._depth = 1
        try:
            yield conn
        except BaseException as exc:
            self._depth = 0
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.DatabaseError):
                raise schema.translate(exc, self.file) from exc
            raise
        self._depth = 0
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise schema.translate(exc, self.file) from exc

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        conn = self._connection()
        try:
            yield conn
        except sqlite3.DatabaseError as exc:
            raise schema.translate(exc, self.file) from exc

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ProjectError(f"{self.file}: the project is closed")
        return self._conn

    def check(self) -> None:
        """Full ``PRAGMA integrity_check``; ``CorruptProjectError`` naming the damage.

        Reads the whole file, so it is not run on every open.
        """
        with self._reading() as conn:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if rows != ["ok"]:
            raise schema.CorruptProjectError(f"{self.file}: integrity check failed: {rows[:5]}")
