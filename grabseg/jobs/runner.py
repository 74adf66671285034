"""Runners: a warm worker process (GUI) and an inline runner (tests, CLI). SPEC STUB."""

from __future__ import annotations

from concurrent.futures import Future
from typing import Protocol

from grabseg.jobs.requests import SegmentRequest, SegmentResult


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
    """Runs each request synchronously in the calling thread; same caching as the worker."""

    def submit(self, request: SegmentRequest) -> "Future[SegmentResult]":
        raise NotImplementedError

    def shutdown(self) -> None:
        raise NotImplementedError


class ProcessRunner:
    """A warm ``spawn`` worker process holding a GrabCutSession per image (LRU of 2).

    ``ProcessRunner(start=True)`` starts the process at once so the first cut is warm.
    Future callbacks fire on a background thread: GUI code must marshal them to the
    GUI thread (a queued Qt signal) and never touch widgets from the callback.
    """

    def __init__(self, *, start: bool = True) -> None:
        raise NotImplementedError

    def submit(self, request: SegmentRequest) -> "Future[SegmentResult]":
        raise NotImplementedError

    def shutdown(self) -> None:
        raise NotImplementedError
