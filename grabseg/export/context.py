"""The export workspace: a private temporary folder swapped into place at the end.

``ExportContext`` owns the temporary folder beside ``out_dir``, writes files
into it (recording them in the report), copies images, names images uniquely
and assigns splits. ``commit()`` renames the folder to ``out_dir``;
``abort()`` deletes it. A reader therefore sees either no dataset, the old one,
or the complete new one, never half of one.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

from grabseg.export.report import ExportReport
from grabseg.types import ImageRecord

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def split_of(path: str, fraction: float, seed: int) -> str:
    """``"train"`` or ``"val"`` from a hash of ``seed`` and the image path (stable across runs)."""
    digest = hashlib.sha256(f"{seed}\0{path}".encode()).digest()
    return "train" if int.from_bytes(digest[:8], "big") / 2.0**64 < fraction else "val"


def safe_name(text: str) -> str:
    """``text`` with path separators and odd characters replaced, for file names."""
    return _UNSAFE.sub("_", text).strip("._") or "_"


class ExportContext:
    """Temporary export folder plus naming, copying and bookkeeping helpers."""

    def __init__(
        self, out_dir: str | os.PathLike[str], report: ExportReport, *,
        overwrite: bool = False, copy_images: bool = False,
    ) -> None:
        self.out_dir = Path(os.path.abspath(out_dir))
        if self.out_dir.exists():
            if not self.out_dir.is_dir():
                raise FileExistsError(
                    f"export destination exists and is not a folder: {self.out_dir}"
                )
            if any(self.out_dir.iterdir()) and not overwrite:
                raise FileExistsError(
                    f"export destination {self.out_dir} already exists and is not empty "
                    "(pass overwrite=True / --overwrite to replace it)"
                )
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(
            tempfile.mkdtemp(prefix=f".{self.out_dir.name}.tmp-", dir=self.out_dir.parent)
        )
        self.report = report
        self.copy_images = copy_images
        self._stems: dict[str, str] = {}
        self._used: set[str] = set()

    # -- names -------------------------------------------------------------
    def stem(self, record: ImageRecord) -> str:
        """A unique file stem for the image: its project path without suffix, '/' -> '__'."""
        if record.path in self._stems:
            return self._stems[record.path]
        base = safe_name(posixpath.splitext(record.path)[0].replace("/", "__"))
        name, n = base, 1
        while name.lower() in self._used:
            n += 1
            name = f"{base}_{n}"
        self._used.add(name.lower())
        self._stems[record.path] = name
        return name

    # -- writing -----------------------------------------------------------
    def path(self, rel: str) -> Path:
        """Absolute path inside the temporary folder for ``rel`` (POSIX), parents created."""
        target = self.tmp.joinpath(*rel.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def write_bytes(self, rel: str, data: bytes) -> None:
        self.path(rel).write_bytes(data)
        self.report.files.append(rel)

    def write_text(self, rel: str, text: str) -> None:
        self.write_bytes(rel, text.encode("utf-8"))

    def write_json(self, rel: str, obj: Any, *, indent: int | None = None) -> None:
        seps = (",", ":") if indent is None else (",", ": ")
        self.write_text(rel, json.dumps(obj, indent=indent, separators=seps, ensure_ascii=False))

    def image_ref(self, record: ImageRecord, copy_to: str | None) -> str | None:
        """Where the image is, relative to the export root (POSIX).

        With ``copy_images`` the file is copied to ``copy_to`` (relative path,
        suffix added here) and that path is returned; otherwise the path of the
        original relative to ``out_dir`` (absolute if on another drive).
        None when the image file is unknown or missing.
        """
        src = Path(record.abs_path) if record.abs_path else None
        if src is None or not src.is_file():
            self.report.warnings.append(f"image file not found for {record.path!r}: not referenced")
            return None
        if self.copy_images and copy_to is not None:
            rel = copy_to + src.suffix.lower()
            shutil.copyfile(src, self.path(rel))
            self.report.files.append(rel)
            return rel
        try:
            return Path(os.path.relpath(src.resolve(), self.out_dir)).as_posix()
        except ValueError:  # another drive on Windows
            return src.resolve().as_posix()

    @staticmethod
    def rel_from(rel: str, folder: str) -> str:
        """``rel`` (relative to the export root) seen from ``folder`` (also relative)."""
        return rel if posixpath.isabs(rel) else posixpath.relpath(rel, folder or ".")

    # -- finishing ---------------------------------------------------------
    def commit(self) -> None:
        """Move the finished export into place (replacing an old one as a whole)."""
        old = None
        if self.out_dir.exists():
            old = self.out_dir.with_name(f".{self.out_dir.name}.old-{uuid.uuid4().hex[:8]}")
            os.rename(self.out_dir, old)
        try:
            os.rename(self.tmp, self.out_dir)
        except BaseException:
            if old is not None:
                os.rename(old, self.out_dir)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def abort(self) -> None:
        """Delete the temporary folder (out_dir is untouched)."""
        shutil.rmtree(self.tmp, ignore_errors=True)
