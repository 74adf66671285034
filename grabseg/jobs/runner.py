"""Runners: a warm worker process (GUI, ``process_runner.py``) and an inline runner (tests, CLI).

Both keep at most one request running and one waiting: submitting cancels the
waiting (not yet started) one, so only the newest prompt is computed next.
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import Protocol

from grabseg.jobs.process_runner import ProcessRunner
from grabseg.jobs.requests import SegmentRequest, SegmentResult, check_request
from grabseg.jobs.worker import SegmentCache

__all__ = ["InlineRunner", "ProcessRunner", "Runner"]


class Runner(Protocol):
    def submit(self, request: SegmentRequest) -> "Future[SegmentResult]":
        """Queue a request; a not-yet-started older request is cancelled (newest wins).

        The returned Future resolves to a SegmentResult; engine errors are carried in
        ``SegmentResult.error`` (the Future itself only fails if the worker died, and
        the runner then restarts it on the next submit).
        """

    def shutdown(self) -> None:
        """Stop the worker; pending futures are cancelled. Idempotent."""


class InlineRunner:
    """Runs each request synchronously in the calling thread; same caching as the worker.

    The returned Future is already done, so nothing is ever waiting to be cancelled.
    """

    def __init__(self) -> None:
        self._cache = SegmentCache()
        self._closed = False

    def submit(self, request: SegmentRequest) -> "Future[SegmentResult]":
        request = check_request(request)
        if self._closed:
            raise RuntimeError("cannot submit: the runner has been shut down")
        future: Future[SegmentResult] = Future()
        future.set_running_or_notify_cancel()
        future.set_result(self._cache.run(request))
        return future

    def shutdown(self) -> None:
        self._closed = True
        self._cache.clear()
