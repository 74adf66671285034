"""``ProcessRunner``: the engine in a warm ``spawn`` worker process, fed by a dispatcher thread.

PyMaxflow holds the GIL for a whole solve, so the GUI process only snapshots
requests; one worker process computes them. A dispatcher thread owns all pipe I/O
(``submit`` never blocks), keeps at most one request running and one waiting, and
restarts the worker if it dies. The worker acknowledges each request on receipt: a
worker that dies before the acknowledgement never started the request, which is
then sent once more to a fresh worker; one that dies after it fails the Future.
"""

from __future__ import annotations

import atexit
import multiprocessing
import threading
import weakref
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any

from grabseg.jobs.requests import SegmentRequest, SegmentResult, check_request
from grabseg.jobs.transfer import decode_result, encode_request
from grabseg.jobs.worker import worker_main


@dataclass
class _Job:
    request: SegmentRequest
    future: Future[SegmentResult]
    acked: bool = False
    resent: bool = False


class ProcessRunner:
    """A warm ``spawn`` worker process holding a GrabCutSession per image (LRU of 2).

    ``ProcessRunner(start=True)`` starts the process at once so the first cut is warm.
    Future callbacks fire on a background thread: GUI code must marshal them to the
    GUI thread (a queued Qt signal) and never touch widgets from the callback.
    Call ``shutdown()`` when done (also done at interpreter exit).
    """

    def __init__(self, *, start: bool = True, stop_timeout: float = 2.0) -> None:
        self._ctx = multiprocessing.get_context("spawn")  # never fork a process with Qt loaded
        self._lock = threading.Lock()
        self._waiting: _Job | None = None
        self._running: _Job | None = None
        self._resend = False
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

    @property
    def computing(self) -> int | None:
        """Id of the request the worker has received and is computing now, or None."""
        job = self._running
        return job.request.request_id if job is not None and job.acked else None

    def submit(self, request: SegmentRequest) -> Future[SegmentResult]:
        """Queue ``request``; the waiting older one (if any) is cancelled. Never blocks."""
        job = _Job(check_request(request), Future())
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot submit: the runner has been shut down")
            if self._waiting is not None:
                self._waiting.future.cancel()
            self._waiting = job
        self._wake()
        return job.future

    def shutdown(self) -> None:
        """Stop the worker: the waiting request is cancelled, a running one fails. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            waiting, self._waiting = self._waiting, None
        if waiting is not None:
            waiting.future.cancel()
        self._wake()
        self._thread.join(3 * self._stop_timeout + 5.0)
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
        """One round: start the worker if needed, send a job, wait for news. False when closed."""
        if self._process is not None and self._running is None and not self._process.is_alive():
            self._worker_died()  # died while idle: start a fresh one rather than send to it
        job = self._next_job()
        if self._closed:
            return False
        if job is not None:
            job.acked = False
            try:
                self._conn.send(encode_request(job.request))
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

    def _next_job(self) -> _Job | None:
        with self._lock:
            if self._closed:
                return None
            if self._process is None and (self._want_start or self._resend or self._waiting):
                try:
                    self._start_worker()
                except Exception as exc:  # noqa: BLE001 - reported on the requests' Futures
                    self._want_start, self._resend = False, False
                    self._fail_all(f"could not start the segmentation worker process: {exc}")
                    return None
            if self._resend:
                self._resend = False
                return self._running
            if self._running is None and self._waiting is not None:
                job, self._waiting = self._waiting, None
                if job.future.set_running_or_notify_cancel():
                    self._running = job
                    return job
        return None

    def _receive(self) -> None:
        try:
            kind, payload = self._conn.recv()
        except (EOFError, OSError):
            self._worker_died()
            return
        if kind == "ack":
            if self._running is not None and self._running.request.request_id == payload:
                self._running.acked = True
            return
        with self._lock:
            job, self._running = self._running, None
        if job is not None and not job.future.done():
            job.future.set_result(decode_result(payload))

    def _start_worker(self) -> None:
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(target=worker_main, args=(child,), name="grabseg-worker",
                                    daemon=True)
        process.start()
        child.close()
        self._process, self._conn, self._want_start = process, parent, False

    def _worker_died(self) -> None:
        process, conn = self._process, self._conn
        self._process, self._conn = None, None
        process.join(1.0)
        if process.is_alive():
            process.kill()
            process.join()
        conn.close()
        job = self._running
        if job is not None and not job.acked and not job.resent:
            job.resent, self._resend = True, True  # it never reached the worker
            return
        self._fail_running(
            f"the segmentation worker process died (exit code {process.exitcode}) while running "
            "request {id}; a new worker starts with the next request"
        )

    def _fail_running(self, message: str) -> None:
        with self._lock:
            job, self._running = self._running, None
        if job is not None and not job.future.done():
            job.future.set_exception(RuntimeError(message.format(id=job.request.request_id)))

    def _fail_all(self, message: str) -> None:
        """Fail the running and the waiting request (called with the lock held)."""
        for job in (self._running, self._waiting):
            if job is None:
                continue
            if job.future.running() or job.future.set_running_or_notify_cancel():
                job.future.set_exception(RuntimeError(message))
        self._running = self._waiting = None

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


_LIVE: weakref.WeakSet[ProcessRunner] = weakref.WeakSet()


@atexit.register
def _shutdown_all() -> None:
    for runner in list(_LIVE):
        runner.shutdown()
