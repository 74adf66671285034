"""Drive the real window with mouse events: box -> mask, scribbles, undo/redo, autosave, pixels."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from gui_helpers import copy_images, drag, ground_truth, iou, official_box, pixel_at
from PySide6.QtCore import Qt

from grabseg.core import segment
from grabseg.io.images import read_image
from grabseg.jobs import ProcessRunner

pytestmark = pytest.mark.gui
NAME = "banana1"


def draw_box(window, box) -> None:
    x0, y0, x1, y1 = box
    drag(window.canvas, [(x0, y0), ((x0 + x1) / 2, (y0 + y1) / 2), (x1, y1)])


def wait_for_mask(qtbot, window, previous=None, timeout=60_000) -> np.ndarray:
    def ready() -> bool:
        mask = window.session.draft.mask
        return (mask is not None and mask is not previous and not window.controller.busy)

    qtbot.waitUntil(ready, timeout=timeout)
    return np.array(window.session.draft.mask)


def interior_point(region: np.ndarray) -> tuple[float, float, float]:
    """``(x, y, depth)``: the pixel centre deepest inside ``region``, and how deep it is."""
    padded = np.pad(region, 1).astype(np.uint8)  # the image border counts as an edge
    dist = cv2.distanceTransform(padded, cv2.DIST_L2, 5)[1:-1, 1:-1]
    i, j = np.unravel_index(int(np.argmax(dist)), dist.shape)
    return j + 0.5, i + 0.5, float(dist[i, j])


@pytest.fixture
def banana(grabcut_dev, tmp_path):
    folder = copy_images(grabcut_dev, tmp_path / "imgs", [NAME, "flower"])
    fg, ignore = ground_truth(grabcut_dev, NAME)
    return folder, official_box(grabcut_dev, NAME), fg, ignore


def test_box_drag_in_the_worker_process_matches_core_segment(open_window, banana, qtbot):
    folder, box, fg, ignore = banana
    window = open_window(folder, runner=ProcessRunner(start=True))
    draw_box(window, box)
    assert window.session.draft.box == box
    assert window.status.busy.isVisible()
    mask = wait_for_mask(qtbot, window)
    qtbot.waitUntil(lambda: not window.status.busy.isVisible())
    expected = segment(read_image(folder / f"{NAME}.bmp"), box)
    got, want = iou(mask, fg, ignore), iou(expected, fg, ignore)
    assert abs(got - want) <= 0.01, (got, want)
    assert got > 0.8
    assert "cut" in window.status.timing.text()


def test_background_scribble_on_a_false_positive_raises_iou(open_window, banana, qtbot):
    folder, box, fg, ignore = banana
    window = open_window(folder)
    draw_box(window, box)
    mask = wait_for_mask(qtbot, window)
    before = iou(mask, fg, ignore)
    false_pos = mask & ~fg & ~ignore
    n, labels, stats, _ = cv2.connectedComponentsWithStats(false_pos.astype(np.uint8), 8)
    biggest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, depth = interior_point(labels == biggest)
    qtbot.keyClick(window, Qt.Key.Key_H)
    window.tools.set_radius(max(2.0, min(depth, 12.0)))
    drag(window.canvas, [(x - 1, y), (x + 1, y)], steps=2)
    assert len(window.session.draft.strokes) == 1
    assert window.session.draft.strokes[0].label == 2
    after = iou(wait_for_mask(qtbot, window, previous=window.session.draft.mask), fg, ignore)
    assert after > before, (before, after)


def test_undo_and_redo_restore_the_exact_masks(open_window, banana, qtbot):
    folder, box, fg, ignore = banana
    window = open_window(folder)
    draw_box(window, box)
    first = wait_for_mask(qtbot, window)
    x, y, _ = interior_point(first & ~fg & ~ignore)
    qtbot.keyClick(window, Qt.Key.Key_H)
    drag(window.canvas, [(x, y), (x + 1, y)], steps=1)
    second = wait_for_mask(qtbot, window, previous=window.session.draft.mask)
    assert not np.array_equal(first, second)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert np.array_equal(window.session.draft.mask, first)
    assert window.session.draft.strokes == ()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.session.draft.mask is None and window.session.draft.box is None
    assert window.canvas.scene.draft_layer is None
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert np.array_equal(window.session.draft.mask, first)
    qtbot.keyClick(window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert np.array_equal(window.session.draft.mask, second)
    qtbot.keyClick(window, Qt.Key.Key_Return)
    (inst,) = window.session.instances
    assert np.array_equal(inst.mask, second)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.session.instances == [] and window.project.instances(window.image_id) == []
    qtbot.keyClick(window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert np.array_equal(window.project.instances(window.image_id)[0].mask, second)


def test_switching_images_autosaves_and_reopening_shows_the_same(open_window, banana, qtbot):
    folder, box, fg, ignore = banana
    window = open_window(folder)
    banana_id = window.image_id
    draw_box(window, box)
    accepted = wait_for_mask(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Return)
    assert window.instance_list.tree.topLevelItemCount() == 1
    assert window.navigator.row(banana_id).status == "in progress"
    qtbot.keyClick(window, Qt.Key.Key_D)
    flower_id = window.image_id
    assert flower_id != banana_id
    draw_box(window, (100, 60, 500, 400))
    draft = wait_for_mask(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_A)
    assert window.image_id == banana_id
    assert window.navigator.row(banana_id).n_instances == 1
    window.close()

    again = open_window(folder)
    assert again.image_id == banana_id
    (inst,) = again.session.instances
    assert np.array_equal(inst.mask, accepted)
    assert again.instance_list.tree.topLevelItemCount() == 1
    again.open_image(flower_id)
    assert "recovered draft" in again.status.currentMessage()
    assert again.session.draft.box == (100, 60, 500, 400)
    assert np.array_equal(again.session.draft.mask, draft)


def test_overlay_colour_is_painted_inside_the_mask(open_window, banana, qtbot):
    folder, box, fg, ignore = banana
    window = open_window(folder)
    draw_box(window, box)
    wait_for_mask(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Return)
    (inst,) = window.session.instances
    x, y, depth = interior_point(inst.mask)
    assert depth > 5
    wx, wy = window.canvas.viewport.to_widget(x, y)
    color = np.array(window.project.classes()[0].color, float)
    rgb = read_image(folder / f"{NAME}.bmp")
    alpha = window.prefs.overlay_opacity
    expected = rgb[int(y), int(x)] * (1 - alpha) + color * alpha
    shown = np.array(pixel_at(window.canvas, wx, wy))
    assert np.abs(shown - expected).max() <= 12, (shown, expected)
    qtbot.keyClick(window, Qt.Key.Key_Tab)  # overlay off: the raw image
    assert np.abs(np.array(pixel_at(window.canvas, wx, wy)) - rgb[int(y), int(x)]).max() <= 12
    qtbot.keyClick(window, Qt.Key.Key_Tab)
    ox, oy, _ = interior_point(~inst.mask)
    outside = np.array(pixel_at(window.canvas, *window.canvas.viewport.to_widget(ox, oy)))
    assert np.abs(outside - rgb[int(oy), int(ox)]).max() <= 12
