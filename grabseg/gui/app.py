"""Application start-up: display check, QApplication, warm worker, project, main window."""

from __future__ import annotations

import os
import sys
from pathlib import Path

NO_DISPLAY_MESSAGE = (
    "grabseg gui: no display found (DISPLAY and WAYLAND_DISPLAY are unset).\n"
    "Run it under a virtual X server:  xvfb-run -a python main.py [PROJECT_OR_FOLDER]\n"
    "or set QT_QPA_PLATFORM=offscreen to run without showing a window."
)


def display_available(environ: dict[str, str] | None = None, platform: str | None = None) -> bool:
    """False on Linux/BSD when neither X11, Wayland nor an explicit Qt platform is set."""
    env = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if platform.startswith(("win", "darwin")):
        return True
    return any(env.get(k) for k in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def open_target(target: str | os.PathLike[str] | None):
    """The project for a project file, a folder (created there if needed) or the demo (None)."""
    from grabseg.gui.resources import demo_project_dir
    from grabseg.project import Project

    if target is None:
        return Project.open(demo_project_dir(), create=True)
    path = Path(target).expanduser()
    if path.is_dir():
        return Project.open(path, create=True)
    if path.is_file() and path.suffix.lower() == Project.SUFFIX:
        return Project.open(path)
    if path.is_file():
        raise ValueError(f"{path} is not a project file (*{Project.SUFFIX}) or a folder; "
                         "to annotate an image, open the folder that holds it")
    raise FileNotFoundError(f"no such project file or folder: {path}")


def make_app(argv: list[str] | None = None):
    """The QApplication (created once), with Qt's 256 MB image allocation guard lifted."""
    from PySide6.QtGui import QImageReader
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(argv or ["grabseg"])
    app.setApplicationName("grabseg")
    app.setOrganizationName("grabseg")
    QImageReader.setAllocationLimit(0)  # 20+ MP photos exceed Qt's default 256 MB limit
    return app


def create_window(project, *, runner=None, prefs=None):
    """A shown :class:`MainWindow` with a warm ``ProcessRunner`` unless one is given."""
    from grabseg.gui.main_window import MainWindow
    from grabseg.jobs import ProcessRunner

    window = MainWindow(project, runner=runner or ProcessRunner(start=True), prefs=prefs)
    window.show()
    return window


def choose_and_open(window) -> None:
    """File > Open: pick a folder (a project there is opened or created)."""
    from PySide6.QtWidgets import QFileDialog

    folder = QFileDialog.getExistingDirectory(window, "Open project or image folder")
    if not folder:
        return
    try:
        project = open_target(folder)
    except Exception as exc:  # noqa: BLE001 - shown to the user, app carries on
        window.status.showMessage(f"cannot open {folder}: {type(exc).__name__}: {exc}", 15000)
        return
    _relink_moved_images(project)
    window.set_project(project)


def main(target: str | None = None, *, runner=None) -> int:
    """Run the app on ``target`` (project file, image folder, or None for the demo)."""
    if not display_available():
        print(NO_DISPLAY_MESSAGE, file=sys.stderr)
        return 2
    from grabseg.gui.dialogs import apply_theme
    from grabseg.gui.preferences import load_preferences

    app = make_app(sys.argv[:1])
    prefs, warning = load_preferences()
    apply_theme(app, prefs.theme)
    try:
        project = open_target(target)
    except Exception as exc:  # noqa: BLE001 - a clear message instead of a traceback
        print(f"grabseg gui: cannot open {target or 'the demo project'}: "
              f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    _relink_moved_images(project)
    window = create_window(project, runner=runner, prefs=prefs)
    app.aboutToQuit.connect(window.controller.shutdown)
    if warning:
        window.status.showMessage(warning, 10000)
    _quit_on_ctrl_c(app, window)
    return int(app.exec())


def _relink_moved_images(project) -> None:
    """Moved images: offer to find them by content (a no-op when none are missing)."""
    from grabseg.gui.relink import offer_relink

    found = offer_relink(project)
    if found:
        print(f"grabseg gui: relinked {len(found)} moved image(s)", file=sys.stderr)


def _quit_on_ctrl_c(app, window) -> None:
    """Ctrl+C in the terminal closes the window cleanly (Qt's loop hides SIGINT from Python)."""
    import signal

    from PySide6.QtCore import QTimer

    signal.signal(signal.SIGINT, lambda *_: window.close())
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)  # lets Python run its signal handlers
    timer.start(250)
