"""Decode large images on a thread (OpenCV releases the GIL) and hand them back by signal.

The thread also makes the BGRA buffer the canvas paints (``overlay.rgb_to_bgra``,
pure OpenCV, ~20 ms at 12 MP), so the GUI thread only wraps it in a QImage.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal

from grabseg.gui.overlay import rgb_to_bgra
from grabseg.io.images import read_image

#: Images above this many pixels are decoded off the GUI thread.
ASYNC_PIXELS = 4_000_000


class ImageLoader(QObject):
    """``load(image_id, path)``; ``loaded(image_id, rgb_or_None, bgra_or_None, error)`` for
    the newest only."""

    loaded = Signal(int, object, object, str)
    _done = Signal(int, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="grabseg-image")
        self._newest: int | None = None
        self._lock = threading.Lock()
        self._done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)

    @property
    def loading(self) -> int | None:
        """The image id being decoded, or None."""
        return self._newest

    def load(self, image_id: int, path: str) -> None:
        self._newest = image_id
        future = self._pool.submit(_decode, path)
        future.add_done_callback(lambda f: self._emit(image_id, f))

    def cancel(self) -> None:
        self._newest = None

    def _emit(self, image_id: int, future: Future) -> None:
        try:
            self._done.emit(image_id, future)
        except RuntimeError:  # deleted while decoding
            pass

    def _on_done(self, image_id: int, future: Future) -> None:
        if image_id != self._newest:
            return
        self._newest = None
        exc = future.exception()
        if exc is None:
            rgb, bgra = future.result()
            self.loaded.emit(image_id, rgb, bgra, "")
        else:
            self.loaded.emit(image_id, None, None, str(exc))

    def shutdown(self) -> None:
        self._newest = None
        self._pool.shutdown(wait=False, cancel_futures=True)


def _decode(path: str) -> tuple[np.ndarray, np.ndarray]:
    """Runs on the loader thread: numpy/OpenCV only, no Qt objects."""
    rgb = read_image(path)
    return rgb, rgb_to_bgra(rgb)
