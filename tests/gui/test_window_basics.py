"""The main window without segmentation: image list, unreadable files, keys, preferences."""

from __future__ import annotations

import json

import pytest
from gui_helpers import copy_images
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

pytestmark = pytest.mark.gui


def test_corrupt_image_is_listed_with_its_problem_and_the_app_carries_on(
        open_window, grabcut_dev, tmp_path, qtbot):
    folder = copy_images(grabcut_dev, tmp_path / "imgs", ["banana1", "flower"])
    (folder / "broken.png").write_bytes(b"this is not a png")
    window = open_window(folder)
    item = window.image_list.item_for_path("broken.png")
    assert item is not None and item.text(1) == "unreadable"
    assert "cannot decode as an image" in item.toolTip(0)
    assert window.image_id is not None and window.canvas.image_size == (640, 480)
    window.image_list.tree.setCurrentItem(item)
    qtbot.waitUntil(lambda: "broken.png" in window.status.currentMessage())
    assert "cannot decode" in window.status.currentMessage()
    assert window.canvas.image_size == (640, 480)  # still showing the previous image
    qtbot.keyClick(window, Qt.Key.Key_D)
    assert window.canvas.image_size == (600, 450)  # flower.jpg: navigation skips the broken file
    window.image_list.tree.setCurrentItem(window.image_list.item_for_path("banana1.bmp"))
    qtbot.waitUntil(lambda: window.canvas.image_size == (640, 480))  # a click opens an image


def test_image_damaged_after_the_scan_shows_a_message(open_window, grabcut_dev, tmp_path):
    folder = copy_images(grabcut_dev, tmp_path / "imgs", ["banana1", "flower"])
    window = open_window(folder)
    (folder / "flower.jpg").write_bytes(b"\xff\xd8 truncated")
    flower = next(r.id for r in window.navigator.rows if r.path == "flower.jpg")
    assert window.open_image(flower) is False
    assert "cannot open flower.jpg" in window.status.currentMessage()
    assert window.navigator.row(flower).problem is not None
    assert window.canvas.image_size == (640, 480)


def test_filter_and_next_previous_unfinished(open_window, grabcut_dev, tmp_path, qtbot):
    folder = copy_images(grabcut_dev, tmp_path / "imgs", ["banana1", "flower", "doll"])
    window = open_window(folder)
    paths = [r.path for r in window.navigator.rows]
    assert window.navigator.row(window.image_id).path == paths[0]
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)  # mark done
    assert window.navigator.row(window.image_id).status == "done"
    assert window.project.image(window.image_id).status == "done"
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    assert window.navigator.row(window.image_id).path == paths[1]
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)  # skip
    qtbot.keyClick(window, Qt.Key.Key_D)
    assert window.navigator.row(window.image_id).path == paths[2]
    qtbot.keyClick(window, Qt.Key.Key_A)  # the other two are finished: stays
    assert window.navigator.row(window.image_id).path == paths[2]
    window.image_list.status_box.setCurrentText("done")
    assert [window.image_list.tree.topLevelItem(k).text(0)
            for k in range(window.image_list.tree.topLevelItemCount())] == [paths[0]]
    window.image_list.status_box.setCurrentText("all")
    window.image_list.text_box.setText("FLOW")
    assert window.image_list.tree.topLevelItemCount() == 1


def test_tool_brush_class_and_overlay_keys(open_window, grabcut_dev, tmp_path, qtbot):
    window = open_window(copy_images(grabcut_dev, tmp_path / "imgs", ["banana1"]))
    window.project.add_class("stem")
    window._refresh_classes()
    for key, tool in ((Qt.Key.Key_G, "fg"), (Qt.Key.Key_H, "bg"), (Qt.Key.Key_E, "eraser"),
                      (Qt.Key.Key_B, "box")):
        qtbot.keyClick(window, key)
        assert window.tools.active == tool
        assert window.actions[f"tool_{tool}"].isChecked()
    radius = window.tools.radius
    qtbot.keyClick(window, Qt.Key.Key_BracketRight)
    assert window.tools.radius == pytest.approx(radius * 1.25)
    assert f"{window.tools.radius:.0f} px" in window.toolbar.brush.text()
    qtbot.keyClick(window, Qt.Key.Key_2)
    stem = window.project.get_class("stem").id
    assert window.session.draft.class_id == stem
    assert "stem" in window.status.class_label.text()
    qtbot.keyClick(window, Qt.Key.Key_9)
    assert "no class 9" in window.status.currentMessage()
    assert window.canvas.show_overlay
    qtbot.keyClick(window, Qt.Key.Key_Tab)
    assert not window.canvas.show_overlay


def test_new_folder_gets_a_default_class_and_a_titled_window(open_window, grabcut_dev, tmp_path):
    window = open_window(copy_images(grabcut_dev, tmp_path / "imgs", ["banana1"]))
    assert [c.name for c in window.project.classes()] == ["object"]
    assert window.windowTitle().startswith("grabseg - imgs")
    assert (tmp_path / "imgs" / "project.grabseg").is_file()


def test_preferences_are_saved_in_the_config_dir(open_window, grabcut_dev, tmp_path):
    from dataclasses import replace

    from grabseg.gui.preferences import load_preferences

    window = open_window(copy_images(grabcut_dev, tmp_path / "imgs", ["banana1"]))
    window.apply_preferences(replace(window.prefs, iterations=3, brush_radius=20.0,
                                     theme="dark", overlay_opacity=0.3))
    saved = json.loads((tmp_path / "config" / "preferences.json").read_text())
    assert saved["iterations"] == 3 and saved["theme"] == "dark"
    assert window.session.iterations == 3 and window.tools.radius == 20.0
    assert window.toolbar.opacity.value() == 30
    assert QApplication.instance().palette().window().color().lightness() < 100
    prefs, warning = load_preferences()
    assert warning is None and prefs.brush_radius == 20.0
    window.apply_preferences(replace(window.prefs, theme="light"))


def test_help_lists_every_shortcut(open_window, grabcut_dev, tmp_path):
    from grabseg.gui.actions import ACTIONS
    from grabseg.gui.dialogs import ShortcutsDialog

    window = open_window(copy_images(grabcut_dev, tmp_path / "imgs", ["banana1"]))
    dialog = ShortcutsDialog(window)
    keys = [dialog.table.item(k, 0).text() for k in range(dialog.table.rowCount())]
    for spec in ACTIONS:
        assert ", ".join(spec.keys) in keys
        bound = [s.toString() for s in window.actions[spec.name].shortcuts()]
        assert len(bound) == len(spec.keys)
    dialog.close()


def test_large_images_are_decoded_off_the_gui_thread(open_window, grabcut_dev, tmp_path, qtbot):
    folder = copy_images(grabcut_dev, tmp_path / "imgs", ["banana1", "flower"])
    window = open_window(folder)
    window.async_pixels = 100_000  # treat both test images as large
    flower = next(r.id for r in window.navigator.rows if r.path == "flower.jpg")
    assert window.open_image(flower) is True
    assert window.session is None and window.loader.loading == flower
    assert "Loading flower.jpg" in window.canvas.message
    qtbot.waitUntil(lambda: window.image_id == flower)
    assert window.canvas.image_size == (600, 450) and window.session.image_id == flower
    (folder / "banana1.bmp").write_bytes(b"BM broken")
    qtbot.keyClick(window, Qt.Key.Key_D)
    banana = window.loader.loading
    assert banana is not None
    qtbot.waitUntil(lambda: window.loader.loading is None)
    assert "cannot open banana1.bmp" in window.status.currentMessage()
    assert window.navigator.row(banana).problem is not None
