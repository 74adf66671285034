"""The project's instances: compressed masks, class, z-order, source, score, prompts."""

from __future__ import annotations

import json
import math
import numbers
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from grabseg.project.codec import check_mask, decode_mask, encode_mask
from grabseg.project.schema import CorruptProjectError
from grabseg.types import INSTANCE_SOURCES, ImageRecord, Instance

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from grabseg.project.images import ImageInfo

_SELECT = (
    "SELECT id, class_id, z, source, score, x0, y0, x1, y1, mask, mask_crc, prompts"
    " FROM instances"
)


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic | np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def prompts_to_json(prompts: object) -> str | None:
    """Prompts dict as JSON text (numpy values become lists/numbers); None stays None."""
    if prompts is None:
        return None
    if not isinstance(prompts, dict):
        raise TypeError(f"prompts must be a dict or None, got {type(prompts).__name__}")
    try:
        return json.dumps(prompts, allow_nan=False, default=_json_default)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"prompts must be JSON-serialisable: {exc}") from exc


def _check_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {value!r}")
    return int(value)


def _check_score(score: object) -> float | None:
    if score is None:
        return None
    if isinstance(score, bool) or not isinstance(score, numbers.Real) or not math.isfinite(score):
        raise ValueError(f"score must be a finite number or None, got {score!r}")
    return float(score)


def _check_instance(instance: object) -> Instance:
    if not isinstance(instance, Instance):
        raise TypeError(
            f"instance must be a grabseg.types.Instance, got {type(instance).__name__}"
        )
    return instance


def _check_source(source: object) -> str:
    if source not in INSTANCE_SOURCES:
        raise ValueError(f"source must be one of {INSTANCE_SOURCES}, got {source!r}")
    return str(source)


class InstancesMixin:
    """Instance methods of ``Project``."""

    file: Path

    if TYPE_CHECKING:
        def transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def _reading(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def _image_shape(self, conn: sqlite3.Connection, image_id: int) -> tuple[int, int]: ...
        def image(self, image_id: int) -> ImageInfo: ...
        def images(self, status: str | None = None) -> list[ImageInfo]: ...

    def _check_class(self, conn: sqlite3.Connection, class_id: object) -> int:
        class_id = _check_int(class_id, "class_id")
        if not conn.execute("SELECT 1 FROM classes WHERE id = ?", (class_id,)).fetchone():
            raise ValueError(f"class_id {class_id} is not in the project's class registry")
        return class_id

    def _insert(self, conn: sqlite3.Connection, image_id: int, inst: Instance,
                z: int, instance_id: int | None) -> int:
        check_mask(inst.mask, self._image_shape(conn, image_id), name="instance mask")
        values = (self._check_class(conn, inst.class_id), _check_source(inst.source),
                  _check_score(inst.score), prompts_to_json(inst.prompts))
        enc = encode_mask(inst.mask)
        cur = conn.execute(
            "INSERT INTO instances (id, image_id, class_id, source, score, prompts, z,"
            " x0, y0, x1, y1, mask, mask_crc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (instance_id, int(image_id), *values, z, *enc.bbox, enc.data, enc.crc),
        )
        return int(cur.lastrowid)

    def add_instance(self, image_id: int, instance: Instance, *, on_top: bool = True) -> int:
        """Store a new instance on an image; return its id (``instance.id`` is ignored).

        ``on_top=True`` gives it z = (highest z on the image) + 1; otherwise
        ``instance.z`` is kept. The mask must be bool with the image's ``(H, W)``
        and at least one True pixel; the class must be registered; the source
        one of ``INSTANCE_SOURCES``; prompts a JSON-serialisable dict or None.
        """
        _check_instance(instance)
        with self.transaction() as conn:
            if on_top:
                self._image_shape(conn, image_id)
                top = conn.execute(
                    "SELECT MAX(z) FROM instances WHERE image_id = ?", (int(image_id),)
                ).fetchone()[0]
                z = 0 if top is None else int(top) + 1
            else:
                z = _check_int(instance.z, "instance.z")
            return self._insert(conn, image_id, instance, z, None)

    def restore_instance(self, image_id: int, instance: Instance) -> int:
        """Put back a deleted instance (undo): same id if still free, same z; returns the id."""
        _check_instance(instance)
        with self.transaction() as conn:
            wanted = instance.id
            if wanted is not None and conn.execute(
                "SELECT 1 FROM instances WHERE id = ?", (int(wanted),)
            ).fetchone():
                wanted = None
            z = _check_int(instance.z, "instance.z")
            wanted = None if wanted is None else int(wanted)
            return self._insert(conn, image_id, instance, z, wanted)

    def update_instance(
        self,
        instance_id: int,
        *,
        mask: np.ndarray | None = None,
        class_id: int | None = None,
        z: int | None = None,
        source: str | None = None,
        score: float | None = None,
        prompts: dict | None = None,
    ) -> None:
        """Change fields of an instance in one commit; None leaves a field as it is."""
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT image_id FROM instances WHERE id = ?", (int(instance_id),)
            ).fetchone()
            if row is None:
                raise KeyError(f"no instance with id {instance_id!r} in the project")
            sets: dict[str, object] = {}
            if class_id is not None:
                sets["class_id"] = self._check_class(conn, class_id)
            if z is not None:
                sets["z"] = _check_int(z, "z")
            if source is not None:
                sets["source"] = _check_source(source)
            if score is not None:
                sets["score"] = _check_score(score)
            if prompts is not None:
                sets["prompts"] = prompts_to_json(prompts)
            if mask is not None:
                check_mask(mask, self._image_shape(conn, row[0]), name="mask")
                enc = encode_mask(mask)
                sets.update(zip(("x0", "y0", "x1", "y1"), enc.bbox, strict=True))
                sets.update(mask=enc.data, mask_crc=enc.crc)
            if sets:
                assignments = ", ".join(f"{column} = ?" for column in sets)
                conn.execute(f"UPDATE instances SET {assignments} WHERE id = ?",
                             (*sets.values(), int(instance_id)))

    def delete_instance(self, instance_id: int) -> Instance:
        """Delete an instance; return it as it was (with its id and z) so it can be restored."""
        with self.transaction() as conn:
            owner = conn.execute(
                "SELECT image_id FROM instances WHERE id = ?", (int(instance_id),)
            ).fetchone()
            if owner is None:
                raise KeyError(f"no instance with id {instance_id!r} in the project")
            row = conn.execute(f"{_SELECT} WHERE id = ?", (int(instance_id),)).fetchone()
            instance = self._row_to_instance(row, self._image_shape(conn, owner[0]))
            conn.execute("DELETE FROM instances WHERE id = ?", (int(instance_id),))
        return instance

    def instances(self, image_id: int) -> list[Instance]:
        """The image's instances with full-size masks and ids, sorted by z (then id)."""
        with self._reading() as conn:
            shape = self._image_shape(conn, image_id)
            rows = conn.execute(
                f"{_SELECT} WHERE image_id = ? ORDER BY z, id", (int(image_id),)
            ).fetchall()
        return [self._row_to_instance(r, shape) for r in rows]

    def _row_to_instance(self, row: tuple, shape: tuple[int, int]) -> Instance:
        iid, class_id, z, source, score, x0, y0, x1, y1, data, crc, prompts = row
        try:
            mask = decode_mask((x0, y0, x1, y1), bytes(data), crc, shape)
            loaded = None if prompts is None else json.loads(prompts)
        except ValueError as exc:
            raise CorruptProjectError(f"{self.file}: instance {iid} is damaged: {exc}") from exc
        return Instance(class_id=class_id, mask=mask, z=z, source=source, score=score,
                        id=iid, prompts=loaded)

    def drop_damaged(self) -> list[int]:
        """Delete instances whose stored mask or prompts cannot be decoded; return their ids.

        The repair step after ``CorruptProjectError`` names a damaged instance
        (such an instance makes ``instances()`` of its image fail). One commit.
        """
        damaged = []
        with self._reading() as conn:
            rows = conn.execute("SELECT id, height, width FROM images").fetchall()
            shapes = {r[0]: (r[1], r[2]) for r in rows}
            owners = conn.execute("SELECT id, image_id FROM instances ORDER BY id").fetchall()
        for instance_id, image_id in owners:
            with self._reading() as conn:
                row = conn.execute(f"{_SELECT} WHERE id = ?", (instance_id,)).fetchone()
            try:
                if row is not None:
                    self._row_to_instance(row, shapes[image_id])
            except CorruptProjectError:
                damaged.append(instance_id)
        with self.transaction() as conn:
            conn.executemany("DELETE FROM instances WHERE id = ?", [(i,) for i in damaged])
        return damaged

    def record(self, image_id: int) -> ImageRecord:
        """The image and its instances as exporters see them."""
        info = self.image(image_id)
        return ImageRecord(
            path=info.path, width=info.width, height=info.height,
            instances=tuple(self.instances(info.id)), abs_path=str(info.abs_path),
            status=info.status, id=info.id,
        )

    def records(self) -> Iterator[ImageRecord]:
        """Every image's record, sorted by id, built one image at a time."""
        with self._reading() as conn:
            ids = [r[0] for r in conn.execute("SELECT id FROM images ORDER BY id")]
        for image_id in ids:
            try:
                yield self.record(image_id)
            except KeyError:
                continue  # removed meanwhile (another connection)
