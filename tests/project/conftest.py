"""Fixtures for project tests: small synthetic image folders written with cv2.imwrite."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._helpers import write_image


@pytest.fixture
def image_folder(tmp_path: Path) -> Path:
    """A folder with three images of different sizes, one in a subfolder."""
    folder = tmp_path / "photos"
    write_image(folder / "a.png", (24, 32), seed=1)
    write_image(folder / "b.jpg", (20, 30), seed=2)
    write_image(folder / "sub" / "c.png", (16, 16), seed=3)
    return folder
