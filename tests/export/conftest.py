"""Fixtures for export tests; the scene itself lives in ``export_scene``."""

from __future__ import annotations

from pathlib import Path

import pytest

from export_scene import CLASSES, MemorySource, scene_records


@pytest.fixture
def scene(tmp_path: Path) -> MemorySource:
    """The synthetic scene with its images written under ``tmp_path/project``."""
    return MemorySource(list(CLASSES), scene_records(tmp_path / "project"))
