"""What importers return, and helpers they share.

An importer reads a dataset into an :class:`ImportedDataset`: a class list
(names, ids as the source numbers them, colours when the source has them) and
``ImageRecord`` s whose instances use those ids. ``z`` is the instance's
position in the source file (later = on top) unless the format says
otherwise. Records keep the source's image path relative to the dataset root
(``path``) and where the file is now (``abs_path``; None when not found).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from grabseg.types import ImageRecord, Instance


class ImportFormatError(ValueError):
    """The dataset files are malformed; the message names the file and the problem."""


@dataclass(frozen=True)
class ImportedClass:
    """A class as the source declares it; ``color`` is None when the source has none."""

    id: int
    name: str
    color: tuple[int, int, int] | None = None
    isthing: bool = True


@dataclass
class ImportedDataset:
    """Classes and records read from a dataset, plus what was skipped and why."""

    classes: list[ImportedClass]
    records: list[ImageRecord]
    root: Path
    warnings: list[str] = field(default_factory=list)

    def classes_by_id(self) -> dict[int, ImportedClass]:
        return {c.id: c for c in self.classes}

    @property
    def instance_count(self) -> int:
        return sum(len(r.instances) for r in self.records)


def load_json(path: Path) -> Any:
    """Parse a JSON file; ImportFormatError names the file, line and column."""
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"{path}: not UTF-8 text ({exc.reason})") from exc


def rel_posix(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with '/' (absolute POSIX path if outside on another drive)."""
    try:
        return Path(os.path.relpath(path, root)).as_posix()
    except ValueError:
        return path.as_posix()


def make_record(
    root: Path, image: Path | None, fallback_rel: str, width: int, height: int,
    instances: list[Instance], *, path: str | None = None,
) -> ImageRecord:
    """An ImageRecord with z = position (bottom first) and the image path resolved.

    ``path`` defaults to the image's path relative to ``root`` (``fallback_rel``
    when the image was not found).
    """
    placed = tuple(
        Instance(class_id=i.class_id, mask=i.mask, z=k, source=i.source, score=i.score)
        for k, i in enumerate(instances)
    )
    found = image is not None and image.is_file()
    return ImageRecord(
        path=path or (rel_posix(image, root) if found else fallback_rel),
        width=int(width),
        height=int(height),
        instances=placed,
        abs_path=str(image) if found else None,
    )


def check_size(value: Any, what: str, where: str) -> int:
    """A positive int image dimension, else ImportFormatError."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if not number or int(value) != value or value < 1:
        raise ImportFormatError(f"{where}: {what} must be a positive integer, got {value!r}")
    return int(value)


def empty_mask(height: int, width: int) -> np.ndarray:
    return np.zeros((height, width), np.bool_)
