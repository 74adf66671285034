"""Offer to relink a project's moved images by content hash when it is opened."""

from __future__ import annotations

from typing import Callable

Ask = Callable[[str], bool]
Choose = Callable[[str], str]


def _ask_dialog(text: str) -> bool:
    from PySide6.QtWidgets import QMessageBox

    answer = QMessageBox.question(None, "grabseg: images moved", text)
    return answer == QMessageBox.StandardButton.Yes


def _choose_dialog(start: str) -> str:
    from PySide6.QtWidgets import QFileDialog

    return QFileDialog.getExistingDirectory(None, "Folder that now holds the images", start)


def offer_relink(project, *, ask: Ask = _ask_dialog, choose: Choose = _choose_dialog) -> dict[int, str]:
    """If images are missing, ask the user for a folder and relink them by SHA-256.

    Returns ``{image_id: new relative path}`` for the images found (empty when none
    were missing, the user declined, or nothing matched). Images still missing stay
    in the project and show as unreadable in the image list.
    """
    missing = project.missing_images()
    if not missing:
        return {}
    names = ", ".join(info.path for info in missing[:3]) + (" …" if len(missing) > 3 else "")
    text = (f"{len(missing)} image(s) of this project are not where they were ({names}).\n"
            "Search a folder for them by content and relink them?")
    if not ask(text):
        return {}
    folder = choose(str(project.root))
    if not folder:
        return {}
    return project.relink(folder)
