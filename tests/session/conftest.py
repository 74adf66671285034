"""Fixtures for session tests: a real project on a synthetic image, and an inline runner."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import numpy as np
import pytest

from grabseg.jobs import InlineRunner
from grabseg.project import Project
from session_helpers import write_rgb_png


@pytest.fixture
def runner() -> Iterator[InlineRunner]:
    r = InlineRunner()
    yield r
    r.shutdown()


@pytest.fixture
def project_image(tmp_path: Path, disk_image: tuple[np.ndarray, np.ndarray]
                  ) -> Iterator[tuple[Project, int, np.ndarray]]:
    """``(project, image_id, truth)``: a new project holding the disk image and two classes."""
    image, truth = disk_image
    write_rgb_png(tmp_path / "disk.png", image)
    project = Project.open(tmp_path, create=True)
    project.add_class("disk")
    project.add_class("other")
    (info,) = project.images()
    yield project, info.id, truth
    project.close()
