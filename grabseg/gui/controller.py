"""Segmentation off the UI thread: submit request snapshots, apply results on the GUI thread.

The runner's Future callbacks fire on a background thread; they only emit a
queued signal (``_finished``), so ``session.apply`` and every widget update run on
the GUI thread. Only the newest result changes the session (it drops stale ids).
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future

from PySide6.QtCore import QObject, Qt, Signal

from grabseg.jobs.requests import SegmentRequest, SegmentResult

log = logging.getLogger(__name__)


class SegmentationController(QObject):
    """Owns a runner (``ProcessRunner`` in the app, ``InlineRunner`` in tests)."""

    busy_changed = Signal(bool)
    failed = Signal(str)
    segmented = Signal(float, float)  # engine seconds, seconds from submit to apply
    _finished = Signal(object, object, object, float)  # future, session, request, t0

    def __init__(self, runner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.session = None
        self._outstanding = 0
        self._closed = False
        self._finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        return self._outstanding > 0

    def set_session(self, session) -> None:
        """Results of requests made by another session are dropped from now on."""
        self.session = session

    def submit(self, request: SegmentRequest | None) -> bool:
        """Send a request made by the current session to the runner; False if nothing to do."""
        if request is None or self._closed:
            return False
        session, t0 = self.session, time.perf_counter()
        try:
            future = self.runner.submit(request)
        except Exception as exc:  # noqa: BLE001 - any runner failure goes to the status bar
            log.exception("submitting segmentation request failed")
            self._apply_failure(session, request, f"{type(exc).__name__}: {exc}")
            return False
        self._outstanding += 1
        if self._outstanding == 1:
            self.busy_changed.emit(True)
        future.add_done_callback(lambda f: self._emit_finished(f, session, request, t0))
        return True

    def _emit_finished(self, future: Future, session, request, t0: float) -> None:
        """Runs on the runner's callback thread: only queue a signal, touch nothing else."""
        try:
            self._finished.emit(future, session, request, t0)
        except RuntimeError:  # the controller was deleted while the job ran
            pass

    def _on_finished(self, future: Future, session, request: SegmentRequest, t0: float) -> None:
        self._outstanding = max(self._outstanding - 1, 0)
        try:
            if future.cancelled() or self._closed:
                return
            exc = future.exception()
            if exc is not None:
                self._apply_failure(session, request, f"{type(exc).__name__}: {exc}")
                return
            result: SegmentResult = future.result()
            if session is not self.session:
                return
            applied = session.apply(result)
            if result.error:
                self.failed.emit(f"segmentation failed: {result.error}")
            elif applied:
                self.segmented.emit(result.seconds, time.perf_counter() - t0)
        finally:
            if self._outstanding == 0:
                self.busy_changed.emit(False)

    def _apply_failure(self, session, request: SegmentRequest, message: str) -> None:
        if session is not None and session is self.session:
            session.apply(SegmentResult(request.request_id, request.image_key, None, 0.0, message))
        self.failed.emit(f"segmentation failed: {message}")

    def shutdown(self) -> None:
        """Stop the runner (``aboutToQuit``); later results are ignored. Idempotent."""
        if not self._closed:
            self._closed = True
            self.runner.shutdown()
