"""AnnotationSession with an InlineRunner and a real Project on the synthetic disk image."""

from __future__ import annotations

import numpy as np
import pytest

from grabseg.jobs import SegmentResult
from grabseg.project import Project
from grabseg.session.annotation import AnnotationSession, Stroke
from session_helpers import DISK_BOX, add_lure_image, iou, run


def _cut(session: AnnotationSession, runner, box=DISK_BOX) -> np.ndarray:
    assert run(session, runner, session.set_box(box))
    return session.draft.mask


def test_box_apply_accept_stores_the_instance(project_image, runner) -> None:
    project, image_id, truth = project_image
    session = AnnotationSession(project, image_id)
    events: list[str] = []
    session.subscribe(events.append)
    request = session.set_box(DISK_BOX)
    assert session.busy and request.box == DISK_BOX and request.image_key.endswith(f":{image_id}")
    assert request.image_path == str(project.image(image_id).abs_path)
    assert session.apply(runner.submit(request).result())
    assert not session.busy and iou(session.draft.mask, truth) > 0.9
    assert (project.root / f".grabseg/drafts/{image_id}.npz").exists()  # crash recovery file
    iid = session.accept()
    assert {"draft", "history", "busy", "instances", "selection"} <= set(events)
    assert session.draft.mask is None and session.draft.box is None
    assert not session.recovered
    assert not (project.root / f".grabseg/drafts/{image_id}.npz").exists()
    with Project.open(project.file) as again:  # autosaved: a fresh connection sees it
        (inst,) = again.instances(image_id)
        assert again.image(image_id).status == "in progress"
    assert inst.id == iid and inst.class_id == project.classes()[0].id and inst.source == "manual"
    assert iou(inst.mask, truth) > 0.9
    assert inst.prompts == {"box": list(DISK_BOX), "strokes": []}


def test_background_stroke_removes_a_false_positive(project_image, runner, tmp_path) -> None:
    project, _, _ = project_image
    image_id, truth, bump = add_lure_image(project, tmp_path)
    session = AnnotationSession(project, image_id)
    before = _cut(session, runner, (40, 15, 128, 105))
    assert (before & bump).sum() > 200, "precondition: the box-only cut takes the bump"
    stroke = Stroke(2, 4.0, ((108.0, 56.0), (120.0, 56.0), (120.0, 64.0), (108.0, 64.0)))
    assert run(session, runner, session.add_stroke(stroke))
    after = session.draft.mask
    assert (after & bump).sum() < (before & bump).sum() / 4
    assert iou(after, truth) > iou(before, truth) and iou(after, truth) > 0.95
    assert session.scribble_map()[[56, 56, 64], [108, 120, 120]].tolist() == [2, 2, 2]


def test_undo_redo_restore_exact_masks_across_strokes(project_image, runner) -> None:
    project, image_id, _ = project_image
    session = AnnotationSession(project, image_id)
    m_box = _cut(session, runner)
    assert run(session, runner, session.add_stroke(Stroke(2, 3.0, ((50.0, 40.0), (60.0, 40.0)))))
    m1 = session.draft.mask
    assert run(session, runner, session.add_stroke(Stroke(1, 2.0, ((30.0, 20.0),))))
    m2 = session.draft.mask
    assert not np.array_equal(m_box, m1) and not np.array_equal(m1, m2)
    assert session.undo_label == "Scribble"
    assert session.undo() and np.array_equal(session.draft.mask, m1)
    assert len(session.draft.strokes) == 1
    assert session.undo() and np.array_equal(session.draft.mask, m_box)
    assert session.undo() and session.draft.mask is None and session.draft.box is None
    assert not session.can_undo and not session.undo()
    assert session.redo() and np.array_equal(session.draft.mask, m_box)
    assert session.redo() and session.redo() and np.array_equal(session.draft.mask, m2)
    assert len(session.draft.strokes) == 2 and not session.can_redo
    assert np.any(session.scribble_map() == 1) and np.any(session.scribble_map() == 2)


def test_undo_redo_accept_and_delete(project_image, runner) -> None:
    project, image_id, _ = project_image
    session = AnnotationSession(project, image_id)
    mask = _cut(session, runner)
    iid = session.accept()
    assert session.undo()  # accept undone: instance gone, the draft is back
    assert project.instances(image_id) == [] and np.array_equal(session.draft.mask, mask)
    assert session.draft.box == DISK_BOX and project.image(image_id).status == "new"
    assert session.redo()
    (inst,) = project.instances(image_id)
    assert inst.id == iid and np.array_equal(inst.mask, mask) and session.draft.mask is None
    session.delete_instance(iid)
    assert project.instances(image_id) == [] and session.instances == []
    assert session.undo()
    (inst,) = project.instances(image_id)
    assert inst.id == iid and np.array_equal(inst.mask, mask)
    assert inst.prompts == {"box": list(DISK_BOX), "strokes": []}
    assert session.redo() and project.instances(image_id) == []


def test_refining_an_instance_and_undoing_it(project_image, runner) -> None:
    project, image_id, _ = project_image
    session = AnnotationSession(project, image_id)
    original = _cut(session, runner)
    iid = session.accept()
    session.edit_instance(iid)
    assert session.draft.editing_id == iid and session.draft.box == DISK_BOX
    assert np.array_equal(session.draft.mask, original) and session.selected == iid
    assert run(session, runner, session.add_stroke(Stroke(2, 3.0, ((68.0, 34.0), (68.0, 46.0)))))
    refined = session.draft.mask
    assert session.accept() == iid
    (inst,) = project.instances(image_id)
    assert np.array_equal(inst.mask, refined) and len(inst.prompts["strokes"]) == 1
    assert session.undo()  # the refine accept: old mask back, draft refining again
    (inst,) = project.instances(image_id)
    assert np.array_equal(inst.mask, original) and inst.prompts["strokes"] == []
    assert session.draft.editing_id == iid and np.array_equal(session.draft.mask, refined)
    assert session.undo() and np.array_equal(session.draft.mask, original)  # the stroke
    assert session.undo() and session.draft.editing_id is None  # the edit
    assert session.redo() and session.redo() and session.redo()
    (inst,) = project.instances(image_id)
    assert np.array_equal(inst.mask, refined) and session.draft.mask is None


def test_stale_results_are_dropped(project_image, runner) -> None:
    project, image_id, _ = project_image
    session = AnnotationSession(project, image_id)
    first = session.set_box(DISK_BOX)
    second = session.add_stroke(Stroke(2, 3.0, ((30.0, 20.0),)))
    assert second.request_id > first.request_id
    assert not session.apply(runner.submit(first).result())  # superseded
    assert session.draft.mask is None and session.busy
    assert session.apply(runner.submit(second).result())
    third = session.add_stroke(Stroke(1, 3.0, ((50.0, 40.0),)))
    shown = session.draft.mask
    assert session.undo() and not session.busy  # undo while in flight: the result is stale
    assert not session.apply(runner.submit(third).result())
    assert np.array_equal(session.draft.mask, shown) and len(session.draft.strokes) == 1
    other = SegmentResult(second.request_id, "elsewhere:1", shown, 0.0)
    assert not session.apply(other)


def test_error_result_is_reported_and_keeps_the_mask(project_image, runner) -> None:
    project, image_id, _ = project_image
    session = AnnotationSession(project, image_id)
    mask = _cut(session, runner)
    events: list[str] = []
    session.subscribe(events.append)
    request = session.add_stroke(Stroke(1, 2.0, ((50.0, 40.0),)))
    failed = SegmentResult(request.request_id, request.image_key, None, 0.1, "ValueError: boom")
    assert not session.apply(failed)
    assert session.last_error == "ValueError: boom" and "error" in events and not session.busy
    assert np.array_equal(session.draft.mask, mask)


def test_crash_recovery_restores_the_draft(project_image, runner) -> None:
    project, image_id, _ = project_image
    session = AnnotationSession(project, image_id)
    mask = _cut(session, runner)
    session.add_stroke(Stroke(2, 3.0, ((30.0, 20.0), (35.0, 22.0))))  # result never applied
    session.set_class(project.classes()[1].id)
    del session  # "crash": nothing is closed
    again = AnnotationSession(project, image_id)
    assert again.recovered and again.draft.box == DISK_BOX
    assert again.draft.class_id == project.classes()[1].id
    assert again.draft.strokes == (Stroke(2, 3.0, ((30.0, 20.0), (35.0, 22.0))),)
    assert np.array_equal(again.draft.mask, mask) and again.scribble_map()[20, 30] == 2
    assert again.accept() is not None
    assert not AnnotationSession(project, image_id).recovered


def test_class_change_and_z_move_are_undoable(project_image, runner) -> None:
    project, image_id, _ = project_image
    session = AnnotationSession(project, image_id)
    disk, other = (c.id for c in project.classes())
    _cut(session, runner)
    a = session.accept()
    _cut(session, runner, (15, 5, 90, 75))
    b = session.accept()
    assert [i.id for i in session.instances] == [a, b]
    session.set_instance_class(a, other)
    assert {i.id: i.class_id for i in project.instances(image_id)} == {a: other, b: disk}
    session.move_instance(a, +1)
    assert [i.id for i in project.instances(image_id)] == [b, a]
    assert session.undo() and [i.id for i in project.instances(image_id)] == [a, b]
    assert session.undo() and project.instances(image_id)[0].class_id == disk
    assert session.redo() and session.redo()
    assert [(i.id, i.class_id) for i in project.instances(image_id)] == [(b, disk), (a, other)]
    session.move_instance(a, +5)  # already on top: nothing to do, nothing recorded
    assert session.undo_label == "Move instance" and session.undo()
    with pytest.raises(ValueError, match="class_id 99 is not in the project's class registry"):
        session.set_instance_class(a, 99)


def test_scribbles_without_a_box_cut_once_both_kinds_exist(project_image, runner) -> None:
    project, image_id, truth = project_image
    session = AnnotationSession(project, image_id)
    assert session.add_stroke(Stroke(1, 4.0, ((45.0, 40.0), (55.0, 40.0)))) is None
    request = session.add_stroke(Stroke(2, 4.0, ((5.0, 5.0), (95.0, 5.0), (95.0, 75.0))))
    assert request is not None and request.box is None
    assert run(session, runner, request) and iou(session.draft.mask, truth) > 0.8


def test_new_instance_drops_the_draft_undoably(project_image, runner) -> None:
    project, image_id, _ = project_image
    session = AnnotationSession(project, image_id)
    mask = _cut(session, runner)
    draft_file = project.root / f".grabseg/drafts/{image_id}.npz"
    session.new_instance()
    assert session.draft.is_empty and not draft_file.exists()
    assert session.undo() and np.array_equal(session.draft.mask, mask)
    assert draft_file.exists()


def test_visibility_and_selection_are_view_state(project_image, runner) -> None:
    project, image_id, _ = project_image
    session = AnnotationSession(project, image_id)
    _cut(session, runner)
    iid = session.accept()
    assert session.selected == iid
    session.set_instance_visible(iid, False)
    assert not session.is_visible(iid) and session.undo_label == "Accept"
    session.select(None)
    assert session.selected is None


def test_bad_input_messages(project_image, runner) -> None:
    project, image_id, _ = project_image
    session = AnnotationSession(project, image_id)
    with pytest.raises(ValueError, match=r"box must have x0 < x1 and y0 < y1, got \(5, 5, 2, 9\)"):
        session.set_box((5, 5, 2, 9))
    with pytest.raises(ValueError, match=r"lies outside the 100x80 image"):
        session.set_box((200, 0, 300, 10))
    with pytest.raises(ValueError, match="stroke label must be"):
        session.add_stroke(Stroke(5, 1.0, ((1.0, 1.0),)))
    with pytest.raises(TypeError, match="apply\\(\\) expects a SegmentResult, got dict"):
        session.apply({})
    with pytest.raises(KeyError, match="no instance with id 42 on image"):
        session.edit_instance(42)
    with pytest.raises(ValueError, match="iterations must be an int >= 1, got 0"):
        AnnotationSession(project, image_id, iterations=0)
    assert session.accept() is None
    assert session.last_error == "nothing to accept: the draft has no mask yet"
    assert not session.can_undo


def test_bounded_history_drops_the_oldest_steps_and_stays_exact(project_image, runner) -> None:
    project, image_id, _ = project_image
    session = AnnotationSession(project, image_id, history_bytes=1500)
    masks = [_cut(session, runner)]
    for k in range(5):
        stroke = Stroke(2, 2.0, ((30.0 + 8 * k, 22.0), (32.0 + 8 * k, 30.0)))
        assert run(session, runner, session.add_stroke(stroke))
        masks.append(session.draft.mask)
    undone = 0
    while session.undo():
        undone += 1
        assert np.array_equal(session.draft.mask, masks[-1 - undone])
    assert 1 <= undone < 5  # older steps were dropped to stay within 1500 bytes
    assert session.draft.mask is not None and len(session.draft.strokes) == 5 - undone


def test_busy_event_follows_the_request(project_image, runner) -> None:
    project, image_id, _ = project_image
    session = AnnotationSession(project, image_id)
    seen: list[tuple[str, bool]] = []
    session.subscribe(lambda event: seen.append((event, session.busy)))
    request = session.set_box(DISK_BOX)
    assert ("busy", True) in seen and session.pending_request_id == request.request_id
    seen.clear()
    assert session.apply(runner.submit(request).result())
    assert ("busy", False) in seen and ("draft", False) in seen and ("history", False) in seen
