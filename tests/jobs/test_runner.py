"""InlineRunner and ProcessRunner: same masks, newest wins, errors carried, dead worker restarts."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from grabseg.jobs import InlineRunner, ProcessRunner, SegmentRequest
from grabseg.jobs.worker import SegmentCache

BOX = (22, 12, 79, 69)  # around the disk of make_disk_image(): centre (50, 40), radius 22


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.logical_and(a, b).sum() / np.logical_or(a, b).sum())


def _scribbles() -> np.ndarray:
    s = np.zeros((80, 100), np.uint8)
    s[30:33, 45:50] = 1
    s[38:42, 56:64] = 2  # inside the disk: the cut changes
    return s


def _request(path: str, rid: int, box=BOX, scribbles=None, key: str = "p:1") -> SegmentRequest:
    return SegmentRequest(rid, key, path, box, scribbles)


def _wait(predicate, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.005)


@pytest.fixture
def process_runner():
    runner = ProcessRunner(start=True)
    yield runner
    runner.shutdown()


def test_inline_runner_cuts_the_disk(disk_png) -> None:
    path, truth = disk_png
    future = InlineRunner().submit(_request(path, 1))
    assert future.done()
    result = future.result()
    assert result.error is None and result.request_id == 1 and result.image_key == "p:1"
    assert result.mask.dtype == bool and _iou(result.mask, truth) > 0.9 and result.seconds > 0


def test_warm_scribble_update_equals_a_fresh_cut(disk_png) -> None:
    path, _ = disk_png
    warm = InlineRunner()
    box_only = warm.submit(_request(path, 1)).result().mask
    refined = warm.submit(_request(path, 2, scribbles=_scribbles())).result().mask
    fresh = InlineRunner().submit(_request(path, 3, scribbles=_scribbles())).result().mask
    assert not np.array_equal(box_only, refined)
    assert np.array_equal(refined, fresh)
    again = warm.submit(_request(path, 4, scribbles=_scribbles())).result()  # nothing changed
    assert np.array_equal(again.mask, refined)


def test_scribbles_without_box_cut_in_one_shot(disk_png) -> None:
    path, truth = disk_png
    s = np.zeros((80, 100), np.uint8)
    s[38:42, 45:55] = 1
    s[0:3, :] = 2
    result = InlineRunner().submit(_request(path, 1, box=None, scribbles=s)).result()
    assert result.error is None and _iou(result.mask, truth) > 0.8


def test_cache_keeps_the_two_newest_images(disk_png) -> None:
    path, _ = disk_png
    cache = SegmentCache()
    for key in ("a", "b", "a", "c"):
        assert cache.run(_request(path, 1, key=key)).error is None
    assert cache.keys == ["a", "c"]


@pytest.mark.parametrize(
    "box, scribbles, message",
    [
        ((50, 50, 300, 70), None, r"^ValueError: box .* lies outside the 100x80"),
        (None, None, r"^ValueError: request 5 has neither a box nor scribbles"),
        (BOX, np.zeros((3, 3), np.uint8), r"^ValueError: scribbles must be an \(H, W\) map of "
                                          r"the image's size \(80, 100\), got shape \(3, 3\)"),
    ],
)
def test_engine_errors_are_carried_in_the_result(disk_png, box, scribbles, message) -> None:
    path, _ = disk_png
    runner = InlineRunner()
    result = runner.submit(_request(path, 5, box=box, scribbles=scribbles)).result()
    assert result.mask is None
    assert result.error is not None and re.search(message, result.error), result.error
    assert runner.submit(_request(path, 6)).result().error is None  # still usable


def test_missing_image_is_an_error_result(tmp_path: Path) -> None:
    result = InlineRunner().submit(_request(str(tmp_path / "gone.png"), 1)).result()
    assert result.error.startswith("FileNotFoundError: image file not found")


def test_submit_checks_its_argument_and_shutdown() -> None:
    runner = InlineRunner()
    with pytest.raises(TypeError, match="submit\\(\\) expects a SegmentRequest, got dict"):
        runner.submit({})
    runner.shutdown()
    runner.shutdown()
    with pytest.raises(RuntimeError, match="runner has been shut down"):
        runner.submit(_request("x.png", 1))


def test_process_runner_matches_inline(disk_png, process_runner) -> None:
    path, truth = disk_png
    inline = InlineRunner()
    for rid, scribbles in ((1, None), (2, _scribbles())):
        remote = process_runner.submit(_request(path, rid, scribbles=scribbles)).result(60)
        local = inline.submit(_request(path, rid, scribbles=scribbles)).result()
        assert remote.error is None and remote.request_id == rid
        assert np.array_equal(remote.mask, local.mask)
    assert _iou(remote.mask, truth) > 0.9
    error = process_runner.submit(_request(path, 3, box=(0, 0, 500, 5))).result(60)
    assert error.mask is None and error.error.startswith("ValueError: box")


def test_newest_wins(disk_png) -> None:
    path, _ = disk_png
    runner = ProcessRunner(start=False)  # the first request waits for the worker to start
    try:
        futures = [runner.submit(_request(path, rid)) for rid in range(1, 6)]
        last = futures[-1].result(60)
        assert last.error is None and last.request_id == 5
        kept = [f for f in futures[:-1] if not f.cancelled()]
        assert len(kept) <= 1  # at most one was already running; the others never started
        assert all(f.result(60).request_id == futures.index(f) + 1 for f in kept)
    finally:
        runner.shutdown()


def test_killed_worker_fails_in_flight_and_restarts(disk_png, big_png, process_runner) -> None:
    path, truth = disk_png
    slow = process_runner.submit(_request(big_png, 1, box=(40, 40, 1160, 1160), key="big"))
    _wait(lambda: process_runner.computing == 1)  # received: a 1.4 MP cut takes seconds
    pid = process_runner.pid
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(RuntimeError, match=r"worker process died .* while running request 1;"):
        slow.result(30)
    result = process_runner.submit(_request(path, 2)).result(60)
    assert result.error is None and _iou(result.mask, truth) > 0.9
    assert process_runner.pid not in (None, pid) and process_runner.computing is None
    os.kill(process_runner.pid, signal.SIGKILL)  # dies while idle: the next submit restarts it
    assert process_runner.submit(_request(path, 3)).result(60).error is None


def test_request_not_yet_received_survives_a_worker_death(disk_png) -> None:
    path, truth = disk_png
    runner = ProcessRunner(start=False)
    try:
        future = runner.submit(_request(path, 1))
        _wait(lambda: runner.pid is not None)
        os.kill(runner.pid, signal.SIGKILL)  # still importing: it never received the request
        result = future.result(60)
        assert result.error is None and _iou(result.mask, truth) > 0.9
    finally:
        runner.shutdown()


def test_shutdown_cancels_waiting_and_is_idempotent(disk_png) -> None:
    path, _ = disk_png
    runner = ProcessRunner(start=False)
    first = runner.submit(_request(path, 1))
    second = runner.submit(_request(path, 2))
    runner.shutdown()
    runner.shutdown()
    assert second.cancelled()
    assert first.cancelled() or "shut down before request 1 finished" in str(first.exception(10))
    with pytest.raises(RuntimeError, match="runner has been shut down"):
        runner.submit(_request(path, 3))


def test_jobs_import_no_qt() -> None:
    code = ("import sys, grabseg.jobs, grabseg.jobs.worker, grabseg.jobs.transfer\n"
            "print([m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'torch'))])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
