"""Shared test fixtures.

Qt must run offscreen in tests (pytest aborts silently otherwise), and heavy
libraries must use one thread on the shared 2-core machines.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("GRABSEG_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the checkout (CI has it too)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def grabcut_dev(shared_data: Path) -> Path:
    return shared_data / "grabcut-dev"


def make_disk_image(
    size: tuple[int, int] = (80, 100), *, radius: int = 22, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A seeded synthetic image: a reddish textured disk on a bluish textured background.

    Returns ``(image (H, W, 3) uint8, truth (H, W) bool)``.
    """
    rng = np.random.default_rng(seed)
    h, w = size
    yy, xx = np.mgrid[:h, :w]
    truth = (yy - h / 2) ** 2 + (xx - w / 2) ** 2 <= radius**2
    image = np.empty((h, w, 3), np.float64)
    image[...] = (40, 60, 170)
    image[truth] = (200, 70, 50)
    image += rng.normal(0, 12, image.shape)
    return np.clip(image, 0, 255).astype(np.uint8), truth


@pytest.fixture
def disk_image() -> tuple[np.ndarray, np.ndarray]:
    return make_disk_image()
