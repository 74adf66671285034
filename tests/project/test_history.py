"""MaskDelta exactness and the memory-bounded undo/redo History."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from grabseg.project import History, MaskDelta, Step


def _pairs():
    rng = np.random.default_rng(0)
    for shape in [(1, 1), (1, 9), (7, 13), (33, 8), (64, 65)]:
        for density in (0.0, 0.02, 0.5, 1.0):
            before = rng.random(shape) < 0.5
            after = before ^ (rng.random(shape) < density)
            yield before, after


@pytest.mark.parametrize("pair", list(_pairs()))
def test_mask_delta_is_exact_both_ways(pair: tuple[np.ndarray, np.ndarray]) -> None:
    before, after = pair
    kept = before.copy(), after.copy()
    delta = MaskDelta.between(before, after)
    assert np.array_equal(delta.apply(before), after)
    assert np.array_equal(delta.apply(after), before)
    assert np.array_equal(before, kept[0]) and np.array_equal(after, kept[1])
    assert delta.is_empty == bool(np.array_equal(before, after))


def test_mask_delta_covers_only_the_changed_bbox() -> None:
    before = np.zeros((2000, 2000), bool)
    after = before.copy()
    after[100:140, 1500:1530] = True
    after[120, 1600] = True
    delta = MaskDelta.between(before, after)
    assert delta.bbox == (1500, 100, 1601, 140)
    assert delta.nbytes < 1000  # a full copy would be 4 MB (500 kB packed)
    empty = MaskDelta.between(after, after)
    assert empty.is_empty and np.array_equal(empty.apply(after), after)


def test_mask_delta_bad_inputs() -> None:
    a = np.zeros((4, 5), bool)
    with pytest.raises(ValueError, match=r"after has shape \(5, 4\), expected"):
        MaskDelta.between(a, np.zeros((5, 4), bool))
    with pytest.raises(TypeError, match="before must have dtype bool, got int64"):
        MaskDelta.between(a.astype(np.int64), a)
    with pytest.raises(ValueError, match=r"mask has shape \(4, 4\)"):
        MaskDelta.between(a, a).apply(np.zeros((4, 4), bool))


def _step(i: int) -> Step:
    return Step(f"s{i}", i, 10)


def test_undo_redo_order_and_push_clears_redo() -> None:
    history = History()
    assert history.undo() is None and history.redo() is None and not history.can_undo
    for i in range(3):
        history.push(_step(i))
    assert history.undo_label == "s2" and len(history) == 3 and history.nbytes == 30
    assert [history.undo().payload for _ in range(2)] == [2, 1]
    assert history.can_redo and history.redo_label == "s1"
    assert history.redo().payload == 1
    history.push(_step(9))
    assert not history.can_redo and history.redo() is None
    assert len(history) == 3 and history.nbytes == 30
    assert [history.undo().payload for _ in range(3)] == [9, 1, 0]
    assert history.undo() is None and not history.can_undo
    history.clear()
    assert len(history) == 0 and history.nbytes == 0 and not history.can_redo


def test_step_bounds() -> None:
    history = History(max_bytes=100, max_steps=4)
    for i in range(10):
        history.push(_step(i))
    assert len(history) == 4 and [history.undo().payload for _ in range(4)] == [9, 8, 7, 6]
    assert history.undo() is None and history.nbytes == 40
    history.push(Step("huge", None, 101))  # alone above max_bytes: not kept
    assert len(history) == 0 and history.nbytes == 0


def test_bad_history_arguments() -> None:
    with pytest.raises(ValueError, match="nbytes must be an int >= 0, got -1"):
        Step("x", None, -1)
    with pytest.raises(ValueError, match="max_bytes must be an int >= 0, got -5"):
        History(max_bytes=-5)
    with pytest.raises(ValueError, match="max_steps must be None or an int >= 1, got 0"):
        History(max_steps=0)
    with pytest.raises(TypeError, match="takes a Step, got dict"):
        History().push({"label": "x"})


def test_memory_bound_with_1000_full_image_deltas() -> None:
    rng = np.random.default_rng(1)
    base = np.zeros((2000, 2000), bool)
    deltas = [MaskDelta.between(base, rng.random(base.shape) < 0.5) for _ in range(4)]
    limit = 4 * 2**20
    history = History(max_bytes=limit)
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        for i in range(1000):
            d = deltas[i % 4]
            fresh = MaskDelta(d.shape, d.bbox, bytes(bytearray(d.bits)))  # distinct memory
            history.push(Step(f"stroke {i}", fresh, fresh.nbytes))
            assert history.nbytes <= limit
        held = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
    assert deltas[0].nbytes > 400_000 and len(history) == limit // deltas[0].nbytes
    assert held < limit * 1.1
    assert history.undo().label == "stroke 999"


def test_undo_and_redo_strokes_restore_exact_masks() -> None:
    rng = np.random.default_rng(2)
    mask = np.zeros((500, 600), bool)
    states = [mask]
    history = History(max_bytes=10_000)
    for i in range(150):
        after = states[-1].copy()
        y, x, r = rng.integers(0, 500), rng.integers(0, 600), rng.integers(3, 30)
        yy, xx = np.ogrid[:500, :600]
        after[(yy - y) ** 2 + (xx - x) ** 2 <= r * r] = bool(i % 3)
        delta = MaskDelta.between(states[-1], after)
        history.push(Step("stroke", delta, delta.nbytes))
        states.append(after)
    kept = len(history)
    assert 10 < kept < 150 and history.nbytes <= 10_000
    current = states[-1]
    for n in range(1, kept + 1):
        current = history.undo().payload.apply(current)
        assert np.array_equal(current, states[-1 - n])
    assert history.undo() is None
    for n in range(kept - 1, -1, -1):
        current = history.redo().payload.apply(current)
        assert np.array_equal(current, states[-1 - n])
