"""Qt-free image list state: rows, unreadable files, filter and next/previous unfinished."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

FINISHED: frozenset[str] = frozenset({"done", "skipped"})
#: Filter choices of the image list ("unfinished" = not done and not skipped).
STATUS_FILTERS: tuple[str, ...] = ("all", "unfinished", "new", "pre-labeled", "in progress",
                                   "done", "skipped", "unreadable")


@dataclass(frozen=True)
class ImageRow:
    """One row of the image list; ``id`` is None for an unreadable file (``problem`` says why)."""

    id: int | None
    path: str
    status: str
    n_instances: int = 0
    problem: str | None = None


class ImageNavigator:
    """The project's images plus unreadable files, with a status/text filter."""

    def __init__(self) -> None:
        self.rows: list[ImageRow] = []
        self.status_filter = "all"
        self.text_filter = ""
        self._subscribers: list[Callable[[], None]] = []

    def subscribe(self, callback: Callable[[], None]) -> None:
        self._subscribers.append(callback)

    def _notify(self) -> None:
        for callback in list(self._subscribers):
            callback()

    def load(self, images: Sequence, problems: Sequence[tuple[str, str]] = ()) -> None:
        """Rows from ``Project.images()`` and ``(path, message)`` problems (unreadable files)."""
        rows = [ImageRow(int(i.id), str(i.path), str(i.status), int(i.n_instances or 0))
                for i in images]
        known = {r.path for r in rows}
        for path, message in problems:
            if str(path) not in known:
                rows.append(ImageRow(None, str(path), "unreadable", 0, str(message)))
        self.rows = rows
        self._notify()

    def update_row(self, image_id: int, *, status: str | None = None,
                   n_instances: int | None = None, problem: str | None = None) -> None:
        for k, row in enumerate(self.rows):
            if row.id == image_id:
                self.rows[k] = ImageRow(
                    row.id, row.path, row.status if status is None else status,
                    row.n_instances if n_instances is None else n_instances,
                    problem if problem is not None else row.problem)
                self._notify()
                return

    def set_filter(self, status: str | None = None, text: str | None = None) -> None:
        if status is not None:
            if status not in STATUS_FILTERS:
                raise ValueError(f"status filter must be one of {STATUS_FILTERS}, got {status!r}")
            self.status_filter = status
        if text is not None:
            self.text_filter = text
        self._notify()

    def matches(self, row: ImageRow) -> bool:
        wanted = self.status_filter
        if wanted == "unfinished":
            ok = row.id is not None and row.status not in FINISHED and row.problem is None
        else:
            ok = wanted == "all" or row.status == wanted
        return ok and self.text_filter.lower() in row.path.lower()

    def visible(self) -> list[ImageRow]:
        return [row for row in self.rows if self.matches(row)]

    def row(self, image_id: int | None) -> ImageRow | None:
        return next((r for r in self.rows if r.id == image_id and r.id is not None), None)

    def step_unfinished(self, current: int | None, direction: int) -> int | None:
        """Id of the next (+1) / previous (-1) unfinished, readable image, wrapping around."""
        ids = [r.id for r in self.rows]
        start = ids.index(current) if current in ids else (-1 if direction > 0 else 0)
        n = len(self.rows)
        for k in range(1, n + 1):
            row = self.rows[(start + direction * k) % n]
            if row.id is not None and row.status not in FINISHED and row.problem is None \
                    and row.id != current:
                return row.id
        return None
