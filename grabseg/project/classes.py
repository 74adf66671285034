"""The project's class registry: stable ids (>= 1; 0 is background), names, colours."""

from __future__ import annotations

import colorsys
import numbers
import sqlite3
from typing import TYPE_CHECKING, Any

from grabseg.types import ClassDef

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

#: Default class colours (Sasha Trubetskoy's 20 distinct colours), RGB.
PALETTE: tuple[tuple[int, int, int], ...] = tuple(
    (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))
    for h in (
        "e6194b 3cb44b ffe119 4363d8 f58231 911eb4 46f0f0 f032e6 bcf60c fabebe "
        "008080 e6beff 9a6324 fffac8 800000 aaffc3 808000 ffd8b1 000075 808080"
    ).split()
)

Color = tuple[int, int, int]


def generated_color(index: int) -> Color:
    """A colour for class number ``index`` past the palette (golden-ratio hue steps)."""
    hue = (index * 0.618033988749895) % 1.0
    r, g, b = colorsys.hsv_to_rgb(hue, 0.65 + 0.3 * ((index // 7) % 2), 0.95)
    return int(r * 255), int(g * 255), int(b * 255)


def parse_color(color: object) -> Color:
    """``(r, g, b)`` ints in [0, 255] from a 3-sequence or ``"#rrggbb"``, else ``ValueError``."""
    if isinstance(color, str):
        text = color.removeprefix("#")
        if len(text) == 6:
            try:
                return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)
            except ValueError:
                pass
        raise ValueError(f"color must be '#rrggbb' or (r, g, b), got {color!r}")
    try:
        values = tuple(int(v) for v in color)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        raise ValueError(f"color must be '#rrggbb' or (r, g, b), got {color!r}") from None
    if len(values) != 3 or any(not 0 <= v <= 255 for v in values):
        raise ValueError(f"color must be three ints in [0, 255], got {color!r}")
    return values  # type: ignore[return-value]


def _check_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"class name must be a non-empty string, got {name!r}")
    return name.strip()


def _row_to_class(row: tuple) -> ClassDef:
    return ClassDef(id=row[0], name=row[1], color=(row[2], row[3], row[4]), isthing=bool(row[5]))


_SELECT = "SELECT id, name, r, g, b, isthing FROM classes"


class ClassesMixin:
    """Class-registry methods of ``Project``."""

    if TYPE_CHECKING:
        def transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def _reading(self) -> AbstractContextManager[sqlite3.Connection]: ...

    def classes(self) -> list[ClassDef]:
        """All classes, sorted by id."""
        with self._reading() as conn:
            return [_row_to_class(r) for r in conn.execute(f"{_SELECT} ORDER BY id")]

    def get_class(self, key: int | str) -> ClassDef:
        """The class with id ``key`` (int) or name ``key`` (str); ``KeyError`` naming it."""
        if isinstance(key, bool) or not isinstance(key, numbers.Integral | str):
            raise TypeError(f"class key must be an id (int) or a name (str), got {key!r}")
        key = key if isinstance(key, str) else int(key)
        column = "name" if isinstance(key, str) else "id"
        with self._reading() as conn:
            row = conn.execute(f"{_SELECT} WHERE {column} = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(f"no class with {column} {key!r} in the project")
        return _row_to_class(row)

    def add_class(
        self, name: str, *, color: object = None, isthing: bool = True, id: int | None = None
    ) -> ClassDef:
        """Add a class; ``color=None`` picks an unused palette colour.

        ``id`` (>= 1) keeps an id from elsewhere (e.g. a COCO category id); by
        default ids count up and are never reused. A duplicate name or id is a
        ``ValueError``.
        """
        name = _check_name(name)
        if id is not None and (isinstance(id, bool) or not isinstance(id, int) or id < 1):
            raise ValueError(f"class id must be an int >= 1 (0 is background), got {id!r}")
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM classes WHERE name = ?", (name,)).fetchone():
                raise ValueError(f"a class named {name!r} already exists")
            taken = conn.execute("SELECT 1 FROM classes WHERE id = ?", (id,)).fetchone()
            if id is not None and taken:
                raise ValueError(f"class id {id} is already used")
            rgb = parse_color(color) if color is not None else self._free_color(conn)
            cur = conn.execute(
                "INSERT INTO classes (id, name, r, g, b, isthing) VALUES (?, ?, ?, ?, ?, ?)",
                (id, name, *rgb, int(bool(isthing))),
            )
            return ClassDef(id=int(cur.lastrowid), name=name, color=rgb, isthing=bool(isthing))

    def ensure_class(self, name: str, **kw: Any) -> ClassDef:
        """The class named ``name``, added with ``kw`` (``add_class`` options) if missing."""
        try:
            return self.get_class(_check_name(name))
        except KeyError:
            return self.add_class(name, **kw)

    def update_class(
        self,
        class_id: int,
        *,
        name: str | None = None,
        color: object = None,
        isthing: bool | None = None,
    ) -> ClassDef:
        """Rename / recolour / re-flag a class (None keeps a field); returns the new entry."""
        old = self.get_class(class_id)
        new_name = old.name if name is None else _check_name(name)
        rgb = old.color if color is None else parse_color(color)
        flag = old.isthing if isthing is None else bool(isthing)
        with self.transaction() as conn:
            if new_name != old.name and conn.execute(
                "SELECT 1 FROM classes WHERE name = ?", (new_name,)
            ).fetchone():
                raise ValueError(f"a class named {new_name!r} already exists")
            conn.execute(
                "UPDATE classes SET name = ?, r = ?, g = ?, b = ?, isthing = ? WHERE id = ?",
                (new_name, *rgb, int(flag), old.id),
            )
        return ClassDef(id=old.id, name=new_name, color=rgb, isthing=flag)

    def _free_color(self, conn: sqlite3.Connection) -> Color:
        used = {tuple(r) for r in conn.execute("SELECT r, g, b FROM classes")}
        for rgb in PALETTE:
            if rgb not in used:
                return rgb
        index = len(used)
        while (rgb := generated_color(index)) in used:
            index += 1
        return rgb
