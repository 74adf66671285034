"""The project's images: paths relative to the project root, size, SHA-256, status."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from grabseg.io.images import ImageReadError, file_sha256, list_images, read_image_size
from grabseg.project.relink import find_moved
from grabseg.types import IMAGE_STATUSES

if TYPE_CHECKING:
    from contextlib import AbstractContextManager


@dataclass(frozen=True)
class ImageInfo:
    """One image of the project.

    ``path`` is relative to the project root (POSIX separators, may start with
    '..'); ``abs_path`` is where the file should be now.
    """

    id: int
    path: str
    abs_path: Path
    width: int
    height: int
    sha256: str
    status: str
    n_instances: int


_SELECT = (
    "SELECT i.id, i.path, i.width, i.height, i.sha256, i.status,"
    " (SELECT COUNT(*) FROM instances n WHERE n.image_id = i.id) FROM images i"
)


def _check_status(status: object) -> str:
    if status not in IMAGE_STATUSES:
        raise ValueError(f"image status must be one of {IMAGE_STATUSES}, got {status!r}")
    return str(status)


class ImagesMixin:
    """Image methods of ``Project``."""

    root: Path
    last_scan_problems: list[tuple[str, str]]

    if TYPE_CHECKING:
        def transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def _reading(self) -> AbstractContextManager[sqlite3.Connection]: ...

    def _rel(self, path: str | os.PathLike[str]) -> str:
        """``path`` (absolute, or relative to the root) as stored: relative POSIX, may hold '..'."""
        absolute = os.path.abspath(os.path.join(self.root, path))
        try:
            rel = os.path.relpath(absolute, self.root)
        except ValueError:  # another drive on Windows: keep it absolute
            rel = absolute
        return Path(rel).as_posix()

    def _abs(self, rel: str) -> Path:
        return Path(os.path.normpath(os.path.join(self.root, rel)))

    def _info(self, row: tuple) -> ImageInfo:
        return ImageInfo(row[0], row[1], self._abs(row[1]), row[2], row[3], row[4], row[5], row[6])

    def add_image(self, path: str | os.PathLike[str]) -> int:
        """Add an image file (absolute, or relative to the root); return its id.

        Stores its size (as shown, EXIF orientation applied), SHA-256 and status
        'new'. Adding the same relative path again returns the existing id.

        Raises
        ------
        FileNotFoundError
            No such file.
        ImageReadError
            The file is not a readable image.
        """
        rel = self._rel(path)
        with self._reading() as conn:
            row = conn.execute("SELECT id FROM images WHERE path = ?", (rel,)).fetchone()
        if row is not None:
            return int(row[0])
        file = self._abs(rel)
        width, height = read_image_size(file)
        sha, size = file_sha256(file), file.stat().st_size
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO images (path, width, height, sha256, file_size)"
                " VALUES (?, ?, ?, ?, ?)",
                (rel, width, height, sha, size),
            )
            return int(conn.execute("SELECT id FROM images WHERE path = ?", (rel,)).fetchone()[0])

    def add_folder(self, folder: str | os.PathLike[str] | None = None) -> list[int]:
        """Add every image under ``folder`` (default: the root; recursive, hidden folders skipped).

        Returns the ids of the readable ones (already-known ones included). Files
        that cannot be read are listed as ``(relative path, message)`` in
        ``self.last_scan_problems`` instead of raising.
        """
        base = self.root if folder is None else Path(os.path.join(self.root, folder))
        ids: list[int] = []
        problems: list[tuple[str, str]] = []
        for file in list_images(base):
            try:
                ids.append(self.add_image(file))
            except (ImageReadError, OSError) as exc:
                problems.append((self._rel(file), str(exc)))
        self.last_scan_problems = problems
        return ids

    def images(self, status: str | None = None) -> list[ImageInfo]:
        """All images (or those with ``status``), sorted by id."""
        with self._reading() as conn:
            if status is None:
                rows = conn.execute(f"{_SELECT} ORDER BY i.id").fetchall()
            else:
                rows = conn.execute(
                    f"{_SELECT} WHERE i.status = ? ORDER BY i.id", (_check_status(status),)
                ).fetchall()
        return [self._info(r) for r in rows]

    def image(self, image_id: int) -> ImageInfo:
        """The image with ``image_id``; ``KeyError`` if there is none."""
        with self._reading() as conn:
            row = conn.execute(f"{_SELECT} WHERE i.id = ?", (int(image_id),)).fetchone()
        if row is None:
            raise KeyError(f"no image with id {image_id!r} in the project")
        return self._info(row)

    def _image_shape(self, conn: sqlite3.Connection, image_id: int) -> tuple[int, int]:
        row = conn.execute(
            "SELECT height, width FROM images WHERE id = ?", (int(image_id),)
        ).fetchone()
        if row is None:
            raise KeyError(f"no image with id {image_id!r} in the project")
        return int(row[0]), int(row[1])

    def set_status(self, image_id: int, status: str) -> None:
        """Set an image's status (one of ``grabseg.types.IMAGE_STATUSES``)."""
        status = _check_status(status)
        with self.transaction() as conn:
            cur = conn.execute("UPDATE images SET status = ? WHERE id = ?", (status, int(image_id)))
            if cur.rowcount == 0:
                raise KeyError(f"no image with id {image_id!r} in the project")

    def missing_images(self) -> list[ImageInfo]:
        """Images whose file is not where the project says (moved or deleted)."""
        return [info for info in self.images() if not info.abs_path.is_file()]

    def relink(self, search_root: str | os.PathLike[str]) -> dict[int, str]:
        """Find missing images by SHA-256 under ``search_root`` and store their new paths.

        ``search_root`` may be absolute or relative to the project root. Returns
        ``{image_id: new relative path}`` for the images found; one transaction.
        """
        missing = self.missing_images()
        if not missing:
            return {}
        with self._reading() as conn:
            sizes = dict(conn.execute("SELECT id, file_size FROM images").fetchall())
        present = {info.abs_path for info in self.images()} - {m.abs_path for m in missing}
        wanted = [(m.id, m.sha256, sizes[m.id], Path(m.path).name) for m in missing]
        search = Path(os.path.join(self.root, search_root))
        found = find_moved(wanted, search, exclude=present)
        changes = {image_id: self._rel(file) for image_id, file in found.items()}
        with self.transaction() as conn:
            for image_id, rel in changes.items():
                conn.execute("UPDATE images SET path = ? WHERE id = ?", (rel, image_id))
        return changes
