"""The instance list dock and canvas selection on instances stored in the project."""

from __future__ import annotations

import numpy as np
import pytest
from gui_helpers import click, copy_images
from PySide6.QtCore import Qt

from grabseg.types import Instance

pytestmark = pytest.mark.gui


@pytest.fixture
def two_instances(open_window, grabcut_dev, tmp_path):
    from grabseg.project import Project

    folder = copy_images(grabcut_dev, tmp_path / "imgs", ["banana1"])
    with Project.open(folder, create=True) as project:
        cls = project.add_class("object")
        project.add_class("stem")
        image_id = project.images()[0].id
        low = np.zeros((480, 640), bool)
        low[100:300, 100:300] = True
        high = np.zeros((480, 640), bool)
        high[200:400, 200:400] = True
        ids = [project.add_instance(image_id, Instance(class_id=cls.id, mask=m))
               for m in (low, high)]
    window = open_window(folder)
    return window, ids


def rows(window) -> list[str]:
    tree = window.instance_list.tree
    return [tree.topLevelItem(k).text(0) for k in range(tree.topLevelItemCount())]


def test_list_shows_instances_top_first_and_toggles_visibility(two_instances, qtbot):
    window, (low, high) = two_instances
    assert rows(window) == [f"#{high}", f"#{low}"]
    assert [i for i, _ in window.canvas.scene.instance_layers] == [low, high]
    item = window.instance_list.tree.topLevelItem(0)
    item.setCheckState(0, Qt.CheckState.Unchecked)
    qtbot.waitUntil(lambda: not window.session.is_visible(high))
    assert [i for i, _ in window.canvas.scene.instance_layers] == [low]
    item = window.instance_list.tree.topLevelItem(0)
    assert item.checkState(0) == Qt.CheckState.Unchecked


def test_z_order_buttons_change_the_project(two_instances):
    window, (low, high) = two_instances
    window.instance_list.tree.setCurrentItem(window.instance_list.tree.topLevelItem(0))
    window.instance_list.down_button.click()
    assert rows(window) == [f"#{low}", f"#{high}"]
    by_z = sorted(window.project.instances(window.image_id), key=lambda i: i.z)
    assert [i.id for i in by_z] == [high, low]


def test_click_on_an_instance_selects_it_and_a_digit_relabels_it(two_instances, qtbot):
    window, (low, high) = two_instances
    click(window.canvas, 250.5, 250.5)  # the overlap: the higher instance wins
    assert window.session.draft.editing_id == high
    assert window.canvas.scene.selected_id == high
    assert window.instance_list.selected_id() == high
    qtbot.keyClick(window, Qt.Key.Key_2)
    stem = window.project.get_class("stem").id
    assert {i.id: i.class_id for i in window.project.instances(window.image_id)}[high] == stem
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert {i.id: i.class_id for i in window.project.instances(window.image_id)}[high] != stem
    click(window.canvas, 50.5, 50.5)
    assert "drag to draw a box" in window.status.currentMessage()


def test_delete_key_removes_the_selected_instance_and_undo_restores_it(two_instances, qtbot):
    window, (low, high) = two_instances
    before = {i.id: i.mask for i in window.project.instances(window.image_id)}
    window.instance_list.tree.itemClicked.emit(window.instance_list.tree.topLevelItem(1), 1)
    qtbot.waitUntil(lambda: window.session.draft.editing_id == low)
    qtbot.keyClick(window, Qt.Key.Key_Delete)
    assert [i.id for i in window.project.instances(window.image_id)] == [high]
    assert rows(window) == [f"#{high}"]
    assert window.navigator.row(window.image_id).n_instances == 1
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    restored = window.project.instances(window.image_id)
    assert len(restored) == 2
    assert any(np.array_equal(i.mask, before[low]) for i in restored)
