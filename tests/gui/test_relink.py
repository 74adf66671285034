"""Opening a project whose images moved offers to relink them by content hash."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import numpy as np

from grabseg.gui.relink import offer_relink
from grabseg.project import Project


def _project_with_moved_image(tmp_path: Path) -> tuple[Project, Path]:
    root = tmp_path / "proj"
    root.mkdir()
    image = np.random.default_rng(3).integers(0, 255, (20, 30, 3), dtype=np.uint8)
    cv2.imwrite(str(root / "a.png"), image)
    Project.open(root, create=True).close()
    elsewhere = root / "moved"
    elsewhere.mkdir()
    shutil.move(root / "a.png", elsewhere / "renamed.png")
    return Project.open(root), elsewhere


def test_accepting_the_offer_relinks_by_hash(tmp_path: Path) -> None:
    project, elsewhere = _project_with_moved_image(tmp_path)
    questions: list[str] = []
    found = offer_relink(project, ask=lambda text: questions.append(text) or True,
                         choose=lambda start: str(elsewhere))
    assert len(questions) == 1 and "a.png" in questions[0]
    assert list(found.values()) == ["moved/renamed.png"]
    assert project.missing_images() == []
    project.close()


def test_declining_changes_nothing_and_no_missing_asks_nothing(tmp_path: Path) -> None:
    project, _ = _project_with_moved_image(tmp_path)
    assert offer_relink(project, ask=lambda text: False, choose=lambda s: "/") == {}
    assert len(project.missing_images()) == 1
    project.close()
    root = tmp_path / "ok"
    root.mkdir()
    cv2.imwrite(str(root / "b.png"), np.zeros((8, 8, 3), np.uint8))
    with Project.open(root, create=True) as fine:
        def never(*args: object) -> bool:
            raise AssertionError("asked although nothing is missing")
        assert offer_relink(fine, ask=never, choose=never) == {}
