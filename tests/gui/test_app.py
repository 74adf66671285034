"""Start-up: display check, demo project copy, targets, preferences file handling."""

from __future__ import annotations

import argparse
import json

import pytest

from grabseg.gui import app
from grabseg.gui.preferences import Preferences, load_preferences, save_preferences
from grabseg.gui.resources import demo_images_dir, demo_project_dir


def run_gui_verb(argv: list[str]) -> int:
    """``grabseg gui ARGV`` through the verb module (as grabseg.cli dispatches it)."""
    from grabseg.commands import gui

    parser = argparse.ArgumentParser()
    gui.add_arguments(parser)
    return gui.run(parser.parse_args(argv))


@pytest.mark.parametrize(
    "env, platform, expected",
    [
        ({}, "linux", False),
        ({"DISPLAY": ":99"}, "linux", True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", True),
        ({}, "darwin", True),
        ({}, "win32", True),
    ],
)
def test_display_available(env, platform, expected):
    assert app.display_available(env, platform) is expected


def test_main_without_display_exits_2_with_advice(monkeypatch, capsys):
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(app.sys, "platform", "linux")
    assert run_gui_verb([]) == 2
    err = capsys.readouterr().err
    assert "no display found" in err and "xvfb-run -a python main.py" in err


def test_demo_project_is_copied_to_the_data_dir_once(tmp_path):
    source = sorted(p.name for p in demo_images_dir().iterdir())
    before = {p.name: p.stat().st_mtime_ns for p in demo_images_dir().iterdir()}
    target = demo_project_dir()
    assert target == tmp_path / "data" / "demo-project"
    assert sorted(p.name for p in target.iterdir()) == source
    (target / "chelsea.png").write_bytes(b"edited")
    assert demo_project_dir() == target
    assert (target / "chelsea.png").read_bytes() == b"edited"  # never overwritten
    assert {p.name: p.stat().st_mtime_ns for p in demo_images_dir().iterdir()} == before


def test_open_target_demo_folder_file_and_bad_paths(tmp_path):
    project = app.open_target(None)
    try:
        assert project.root == tmp_path / "data" / "demo-project"
        assert len(project.images()) == 4
        file = project.file
    finally:
        project.close()
    with app.open_target(file) as again:
        assert len(again.images()) == 4
    with pytest.raises(FileNotFoundError, match="no such project file or folder: .*nowhere"):
        app.open_target(tmp_path / "nowhere")
    image = next((tmp_path / "data" / "demo-project").glob("*.png"))
    with pytest.raises(ValueError, match="is not a project file"):
        app.open_target(image)


def test_cli_gui_reports_a_missing_target(capsys):
    assert run_gui_verb(["/definitely/not/here"]) == 1
    assert "no such project file or folder" in capsys.readouterr().err


def test_preferences_round_trip_and_bad_file(tmp_path):
    path = tmp_path / "config" / "preferences.json"
    save_preferences(Preferences(engine="opencv", iterations=7), path)
    prefs, warning = load_preferences(path)
    assert (prefs.engine, prefs.iterations, warning) == ("opencv", 7, None)
    path.write_text(json.dumps({"engine": "magic"}))
    prefs, warning = load_preferences(path)
    assert prefs == Preferences()
    assert "engine must be one of" in warning and "'magic'" in warning
    path.write_text("{not json")
    assert "ignored preferences file" in load_preferences(path)[1]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(engine="fast"), "engine must be one of .* got 'fast'"),
        (dict(theme="blue"), "theme must be one of .* got 'blue'"),
        (dict(iterations=0), r"iterations must be an integer in \[1, 50\], got 0"),
        (dict(brush_radius=0.5), r"brush_radius must be in \[1, 500\] pixels, got 0.5"),
        (dict(overlay_opacity=2), r"overlay_opacity must be in \[0, 1\], got 2"),
    ],
)
def test_bad_preferences(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Preferences(**kwargs)
