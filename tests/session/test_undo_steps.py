"""``replace_step`` swaps a step in place without disturbing either stack."""

from __future__ import annotations

from grabseg.project.history import History, Step
from grabseg.session.undo_steps import replace_step


def _stacks(history: History) -> tuple[list[str], list[str]]:
    """Read both stacks by walking them (and walking back)."""
    undone = []
    while history.can_undo:
        undone.append(history.undo().label)
    for _ in undone:
        history.redo()
    redone = []
    while history.can_redo:
        redone.append(history.redo().label)
    for _ in redone:
        history.undo()
    return list(reversed(undone)), redone


def _history(labels: list[str], n_undone: int) -> tuple[History, dict[str, Step]]:
    history = History(max_bytes=10_000)
    made = {label: Step(label, None, 10) for label in labels}
    for label in labels:
        history.push(made[label])
    for _ in range(n_undone):
        history.undo()
    return history, made


def test_replace_top_step() -> None:
    history, made = _history(["a", "b", "c"], 0)
    assert replace_step(history, made["c"], Step("C", None, 50))
    assert _stacks(history) == (["a", "b", "C"], [])
    assert history.nbytes == 70


def test_replace_buried_step_keeps_redo_stack() -> None:
    history, made = _history(["a", "b", "c", "d", "e"], 2)  # undo: a b c, redo: d e
    assert replace_step(history, made["b"], Step("B", None, 10))
    assert _stacks(history) == (["a", "B", "c"], ["d", "e"])
    assert history.undo().label == "c" and history.redo().label == "c"


def test_replace_missing_step_changes_nothing() -> None:
    history, _ = _history(["a", "b", "c"], 1)
    assert not replace_step(history, Step("x", None, 1), Step("y", None, 1))
    assert _stacks(history) == (["a", "b"], ["c"])


def test_replacement_respects_the_byte_budget() -> None:
    history, made = _history(["a", "b"], 0)
    history.max_bytes = 100
    assert replace_step(history, made["b"], Step("B", None, 95))
    assert _stacks(history) == (["B"], [])  # the oldest step had to go
