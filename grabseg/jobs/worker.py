"""The segmentation side of the runners: a per-image cache of warm GrabCut sessions.

``SegmentCache`` is shared by ``InlineRunner`` (in-process) and the worker process
(``worker_main``, the picklable top-level entry point of the ``spawn`` process).
It keeps the decoded image and a warm ``grabseg.core.GrabCutSession`` for the two
most recently used image keys, and decides per request what the engine must redo:

- box changed (or first request): ``set_box(box)``, then ``update(scribbles)`` if any;
- only the scribbles changed: ``update(scribbles)``;
- nothing changed: the cached mask;
- no box but scribbles: a one-shot ``segment(image, None, scribbles=...)``.
"""

from __future__ import annotations

import signal
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from grabseg.jobs.requests import SegmentRequest, SegmentResult
from grabseg.jobs.transfer import decode_request, encode_result


@dataclass
class _Entry:
    path: str
    image: npt.NDArray[np.uint8]
    session: Any = None
    params: tuple[str, int] | None = None
    box: tuple[int, int, int, int] | None = None
    scribbles: npt.NDArray[np.uint8] | None = None
    mask: npt.NDArray[np.bool_] | None = None


class SegmentCache:
    """Decoded images and warm GrabCut sessions for the ``capacity`` newest image keys."""

    def __init__(self, capacity: int = 2) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self.capacity = capacity
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    @property
    def keys(self) -> list[str]:
        """Cached image keys, oldest first."""
        return list(self._entries)

    def clear(self) -> None:
        self._entries.clear()

    def run(self, request: SegmentRequest) -> SegmentResult:
        """Segment one request; any exception becomes ``SegmentResult.error``."""
        start = time.perf_counter()
        try:
            mask, error = self._segment(request), None
        except Exception as exc:  # noqa: BLE001 - engine errors are reported, not raised
            mask, error = None, f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - start
        return SegmentResult(request.request_id, request.image_key, mask, seconds, error)

    def _entry(self, request: SegmentRequest) -> _Entry:
        entry = self._entries.get(request.image_key)
        if entry is None or entry.path != request.image_path:
            from grabseg.io.images import read_image

            entry = _Entry(request.image_path, read_image(request.image_path))
            self._entries[request.image_key] = entry
        self._entries.move_to_end(request.image_key)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)
        return entry

    def _segment(self, request: SegmentRequest) -> npt.NDArray[np.bool_]:
        entry = self._entry(request)
        scribbles = request.scribbles
        if scribbles is not None and np.shape(scribbles) != entry.image.shape[:2]:
            raise ValueError(f"scribbles must be an (H, W) map of the image's size "
                             f"{entry.image.shape[:2]}, got shape {np.shape(scribbles)}")
        has_scribbles = scribbles is not None and bool(np.any(scribbles))
        if request.box is None:
            if not has_scribbles:
                raise ValueError(
                    f"request {request.request_id} has neither a box nor scribbles; nothing to cut"
                )
            from grabseg.core import segment

            return segment(entry.image, None, scribbles=scribbles,
                           iterations=request.iterations, engine=request.engine)
        box = tuple(int(v) for v in request.box)
        params = (request.engine, int(request.iterations))
        try:
            if entry.session is None or entry.params != params:
                from grabseg.core import GrabCutSession

                entry.session = GrabCutSession(entry.image, engine=request.engine,
                                               iterations=request.iterations)
                entry.params, entry.box = params, None
            if entry.box != box:
                mask = entry.session.set_box(box)
                entry.box = box
                if has_scribbles:
                    mask = entry.session.update(scribbles)
            elif not _same_scribbles(entry.scribbles, scribbles if has_scribbles else None):
                current = scribbles if has_scribbles else np.zeros(entry.image.shape[:2], np.uint8)
                mask = entry.session.update(current)
            else:
                return entry.mask.copy()
        except Exception:
            entry.session, entry.box, entry.scribbles, entry.mask = None, None, None, None
            raise
        entry.scribbles = np.array(scribbles, copy=True) if has_scribbles else None
        entry.mask = np.asarray(mask, dtype=bool)
        return entry.mask.copy()


def _same_scribbles(a: npt.NDArray[np.uint8] | None, b: npt.NDArray[np.uint8] | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a.shape == b.shape and bool(np.array_equal(a, b))


def worker_main(conn: Any) -> None:
    """Entry point of the worker process: answer encoded requests on ``conn`` until None/EOF."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C belongs to the GUI process
    try:  # warm up: pay the numpy/OpenCV/maxflow imports before the first request
        import grabseg.core  # noqa: F401
    except ImportError:
        pass  # reported per request
    cache = SegmentCache()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        conn.send(("ack", message["request_id"]))  # started: a death from now on fails it
        request = decode_request(message)
        conn.send(("result", encode_result(cache.run(request))))
