"""SegmentationController: results cross from a worker thread to the GUI thread by signal."""

from __future__ import annotations

import threading
from concurrent.futures import Future

import numpy as np
import pytest

from grabseg.gui.controller import SegmentationController
from grabseg.jobs.requests import SegmentRequest, SegmentResult

pytestmark = pytest.mark.gui


class FakeRunner:
    def __init__(self) -> None:
        self.futures: list[Future] = []
        self.shut = 0

    def submit(self, request):
        future: Future = Future()
        future.set_running_or_notify_cancel()
        self.futures.append(future)
        return future

    def shutdown(self) -> None:
        self.shut += 1


class FakeSession:
    def __init__(self) -> None:
        self.applied: list[tuple[SegmentResult, threading.Thread]] = []

    def apply(self, result: SegmentResult) -> bool:
        self.applied.append((result, threading.current_thread()))
        return result.error is None


def request(n: int) -> SegmentRequest:
    return SegmentRequest(n, "k", "/x.png", (0, 0, 4, 4))


def finish_on_thread(future: Future, value) -> None:
    worker = threading.Thread(
        target=(future.set_exception if isinstance(value, BaseException) else future.set_result),
        args=(value,))
    worker.start()
    worker.join()


def test_result_is_applied_on_the_gui_thread(qtbot):
    runner, session = FakeRunner(), FakeSession()
    controller = SegmentationController(runner)
    controller.set_session(session)
    with qtbot.waitSignal(controller.busy_changed) as busy:
        assert controller.submit(request(1))
    assert busy.args == [True]
    result = SegmentResult(1, "k", np.ones((4, 4), bool), 0.25)
    with qtbot.waitSignals([controller.segmented, controller.busy_changed]):
        finish_on_thread(runner.futures[0], result)
    (applied, thread), = session.applied
    assert applied is result and thread is threading.main_thread()
    assert not controller.busy


def test_a_dead_worker_is_reported_and_clears_the_session_request(qtbot):
    runner, session = FakeRunner(), FakeSession()
    controller = SegmentationController(runner)
    controller.set_session(session)
    controller.submit(request(7))
    with qtbot.waitSignal(controller.failed) as failed:
        finish_on_thread(runner.futures[0], RuntimeError("worker died"))
    assert failed.args == ["segmentation failed: RuntimeError: worker died"]
    (applied, _), = session.applied
    assert applied.request_id == 7 and "worker died" in applied.error


def test_engine_error_in_the_result_is_shown(qtbot):
    runner, session = FakeRunner(), FakeSession()
    controller = SegmentationController(runner)
    controller.set_session(session)
    controller.submit(request(2))
    with qtbot.waitSignal(controller.failed) as failed:
        finish_on_thread(runner.futures[0], SegmentResult(2, "k", None, 0.1, "ValueError: bad box"))
    assert failed.args == ["segmentation failed: ValueError: bad box"]


def test_results_for_a_previous_session_are_dropped(qtbot):
    runner, old, new = FakeRunner(), FakeSession(), FakeSession()
    controller = SegmentationController(runner)
    controller.set_session(old)
    controller.submit(request(3))
    controller.submit(request(4))
    controller.set_session(new)
    with qtbot.waitSignal(controller.busy_changed) as busy:
        finish_on_thread(runner.futures[0], SegmentResult(3, "k", np.ones((4, 4), bool), 0.1))
        finish_on_thread(runner.futures[1], SegmentResult(4, "k", np.ones((4, 4), bool), 0.1))
    assert busy.args == [False]
    assert old.applied == [] and new.applied == []


def test_shutdown_is_idempotent_and_stops_submitting():
    runner = FakeRunner()
    controller = SegmentationController(runner)
    controller.shutdown()
    controller.shutdown()
    assert runner.shut == 1
    assert controller.submit(request(5)) is False


def test_submit_failure_goes_to_the_status_bar(qtbot):
    class Broken(FakeRunner):
        def submit(self, request):
            raise RuntimeError("cannot submit: the runner has been shut down")

    controller = SegmentationController(Broken())
    session = FakeSession()
    controller.set_session(session)
    with qtbot.waitSignal(controller.failed) as failed:
        assert controller.submit(request(6)) is False
    assert "the runner has been shut down" in failed.args[0]
    assert session.applied[0][0].error.startswith("RuntimeError")


def test_a_cancelled_request_is_ignored(qtbot):
    class Pending(FakeRunner):
        def submit(self, request):
            future: Future = Future()
            self.futures.append(future)
            return future

    runner, session = Pending(), FakeSession()
    controller = SegmentationController(runner)
    controller.set_session(session)
    controller.submit(request(8))
    with qtbot.waitSignal(controller.busy_changed) as busy:
        assert runner.futures[0].cancel()
    assert busy.args == [False] and session.applied == []
