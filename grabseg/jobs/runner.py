"""Runners: a warm worker process (GUI) and an inline runner (tests, CLI).

Both keep at most one request running and one waiting: submitting cancels the
waiting (not yet started) one, so only the newest prompt is computed next.
"""

from __future__ import annotations

import atexit
import multiprocessing
import threading
import weakref
from concurrent.futures import Future
from multiprocessing.connection import wait
from typing import Any, Protocol

from grabseg.jobs.requests import SegmentRequest, SegmentResult
from grabseg.jobs.transfer import decode_result, encode_request
from grabseg.jobs.worker import SegmentCache, worker_main

_Job = tuple[SegmentRequest, "Future[SegmentResult]"]


class Runner(Protocol):
    def submit(self, request: SegmentRequest) -> "Future[SegmentResult]":
        """Queue a request; a not-yet-started older request is cancelled (newest wins).

        The returned Future resolves to a SegmentResult; engine errors are carried in
        ``SegmentResult.error`` (the Future itself only fails if the worker died, and
        the runner then restarts it on the next submit).
        """

    def shutdown(self) -> None:
        """Stop the worker; pending futures are cancelled. Idempotent."""


def _check_request(request: object) -> SegmentRequest:
    if not isinstance(request, SegmentRequest):
        raise TypeError(f"submit() expects a SegmentRequest, got {type(request).__name__}")
    return request


class InlineRunner:
    """Runs each request synchronously in the calling thread; same caching as the worker.

    The returned Future is already done, so nothing is ever waiting to be cancelled.
    """

    def __init__(self) -> None:
        self._cache = SegmentCache()
        self._closed = False

    def submit(self, request: SegmentRequest) -> "Future[SegmentResult]":
        request = _check_request(request)
        if self._closed:
            raise RuntimeError("cannot submit: the runner has been shut down")
        future: Future[SegmentResult] = Future()
        future.set_running_or_notify_cancel()
        future.set_result(self._cache.run(request))
        return future

    def shutdown(self) -> None:
        self._closed = True
        self._cache.clear()


class ProcessRunner:
    """A warm ``spawn`` worker process holding a GrabCutSession per image (LRU of 2).

    ``ProcessRunner(start=True)`` starts the process at once so the first cut is warm.
    Future callbacks fire on a background thread: GUI code must marshal them to the
    GUI thread (a queued Qt signal) and never touch widgets from the callback.

    A background dispatcher thread does all pipe I/O, so ``submit`` never blocks on
    the worker. If the worker dies, the running Future fails with ``RuntimeError``
    and a fresh worker is started for the next request.
    """

    def __init__(self, *, start: bool = True, stop_timeout: float = 2.0) -> None:
        self._ctx = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._waiting: _Job | None = None
        self._running: _Job | None = None
        self._closed = False
        self._want_start = start
        self._stop_timeout = stop_timeout
        self._process: Any = None
        self._conn: Any = None
        self._wake_r, self._wake_w = self._ctx.Pipe(duplex=False)
        self._thread = threading.Thread(target=self._loop, name="grabseg-runner", daemon=True)
        self._thread.start()
        _LIVE.add(self)

    @property
    def pid(self) -> int | None:
        """Process id of the current worker, or None if none is running."""
        process = self._process
        return None if process is None else process.pid

    def submit(self, request: SegmentRequest) -> "Future[SegmentResult]":
        request = _check_request(request)
        future: Future[SegmentResult] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot submit: the runner has been shut down")
            if self._waiting is not None:
                self._waiting[1].cancel()
            self._waiting = (request, future)
        self._wake()
        return future

    def shutdown(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            waiting, self._waiting = self._waiting, None
        if waiting is not None:
            waiting[1].cancel()
        self._wake()
        self._thread.join(self._stop_timeout + 5.0)
        _LIVE.discard(self)

    # dispatcher thread --------------------------------------------------------------
    def _wake(self) -> None:
        try:
            self._wake_w.send_bytes(b"")
        except OSError:
            pass

    def _loop(self) -> None:
        try:
            while self._step():
                pass
        finally:
            self._stop_worker()
            self._fail_running("the runner was shut down before request {id} finished")
            self._wake_r.close()
            self._wake_w.close()

    def _step(self) -> bool:
        """One round of the dispatcher; False once the runner is closed."""
        with self._lock:
            if self._closed:
                return False
            job = None
            if self._process is None and (self._want_start or self._waiting is not None):
                try:
                    self._start_worker()
                except Exception as exc:  # noqa: BLE001 - reported on the request's Future
                    self._want_start, job, self._waiting = False, self._waiting, None
                    if job is not None and job[1].set_running_or_notify_cancel():
                        job[1].set_exception(RuntimeError(
                            f"could not start the segmentation worker process: {exc}"))
                    return True
            if self._running is None and self._waiting is not None:
                job, self._waiting = self._waiting, None
                if job[1].set_running_or_notify_cancel():
                    self._running = job
                else:
                    job = None
        if job is not None:
            try:
                self._conn.send(encode_request(job[0]))
            except (OSError, ValueError):
                self._worker_died()
                return True
        objects = [self._wake_r] + ([self._conn, self._process.sentinel] if self._process else [])
        ready = wait(objects)
        if self._wake_r in ready:
            while self._wake_r.poll():
                self._wake_r.recv_bytes()
        if self._process is not None and (self._conn in ready or self._process.sentinel in ready):
            self._receive()
        return True

    def _receive(self) -> None:
        try:
            message = self._conn.recv()
        except (EOFError, OSError):
            self._worker_died()
            return
        result = decode_result(message)
        with self._lock:
            job, self._running = self._running, None
        if job is not None and not job[1].done():
            job[1].set_result(result)

    def _start_worker(self) -> None:
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(target=worker_main, args=(child,), name="grabseg-worker",
                                    daemon=True)
        process.start()
        child.close()
        self._process, self._conn, self._want_start = process, parent, False

    def _worker_died(self) -> None:
        process = self._process
        process.join(1.0)
        if process.is_alive():
            process.kill()
            process.join()
        code = process.exitcode
        self._conn.close()
        self._process, self._conn = None, None
        self._fail_running(
            f"the segmentation worker process died (exit code {code}) while running request "
            "{id}; a new worker starts with the next request"
        )

    def _fail_running(self, message: str) -> None:
        with self._lock:
            job, self._running = self._running, None
        if job is not None and not job[1].done():
            job[1].set_exception(RuntimeError(message.format(id=job[0].request_id)))

    def _stop_worker(self) -> None:
        process, conn = self._process, self._conn
        self._process, self._conn = None, None
        if process is None:
            return
        if self._running is None:  # idle: ask politely; a busy worker is just terminated
            try:
                conn.send(None)
            except (OSError, ValueError):
                pass
            process.join(self._stop_timeout)
        if process.is_alive():
            process.terminate()
            process.join(self._stop_timeout)
        if process.is_alive():
            process.kill()
            process.join()
        conn.close()


_LIVE: "weakref.WeakSet[ProcessRunner]" = weakref.WeakSet()


@atexit.register
def _shutdown_all() -> None:
    for runner in list(_LIVE):
        runner.shutdown()
