"""Fixtures for driving the real main window offscreen (see gui_helpers for drags)."""

from __future__ import annotations

import pytest
from gui_helpers import WINDOW_SIZE
from PySide6.QtWidgets import QApplication

from grabseg.jobs import InlineRunner


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path, monkeypatch):
    """Preferences and the demo copy go to tmp_path, never the user's folders."""
    monkeypatch.setenv("GRABSEG_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("GRABSEG_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def open_window(qtbot):
    """``open_window(target, runner=None)`` -> a shown MainWindow (closed at teardown)."""
    from grabseg.gui.app import create_window, open_target

    windows = []

    def make(target, runner=None):
        window = create_window(open_target(target), runner=runner or InlineRunner())
        qtbot.addWidget(window)
        window.resize(*WINDOW_SIZE)
        qtbot.waitExposed(window)
        windows.append(window)
        QApplication.processEvents()
        window.canvas.fit()
        return window

    yield make
    for window in windows:
        window.close()


