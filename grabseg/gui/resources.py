"""Locate bundled resources in one place, and set up the demo project folder.

``resources/`` sits beside the ``grabseg`` package in a checkout; if packaging
moves it, only :func:`resources_dir` changes. The app never writes into it: the
demo images are copied to the user data folder on first run.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import grabseg
from grabseg.gui.preferences import data_dir

RESOURCES_ENV = "GRABSEG_RESOURCES_DIR"


def resources_dir() -> Path:
    """The ``resources/`` folder (``GRABSEG_RESOURCES_DIR`` overrides)."""
    env = os.environ.get(RESOURCES_ENV)
    if env:
        return Path(env)
    here = Path(grabseg.__file__).resolve().parent
    for candidate in (here / "resources", here.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"grabseg resources folder not found beside {here}")


def demo_images_dir() -> Path:
    return resources_dir() / "demo"


def demo_project_dir() -> Path:
    """A writable copy of the demo images (made on first call) to open as a project."""
    target = data_dir() / "demo-project"
    source = demo_images_dir()
    if not source.is_dir():
        raise FileNotFoundError(f"demo images not found: {source}")
    target.mkdir(parents=True, exist_ok=True)
    for item in sorted(source.iterdir()):
        dest = target / item.name
        if item.is_file() and not dest.exists():
            tmp = target / f".{item.name}.part"
            shutil.copyfile(item, tmp)
            os.replace(tmp, dest)
    return target
