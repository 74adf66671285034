"""The ``grabseg`` command: verbs listed, and the headless demo on the bundled images."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from grabseg.cli import VERBS, main
from grabseg.commands.demo import DEMO_DIR


def test_help_lists_every_verb() -> None:
    out = subprocess.run([sys.executable, "-m", "grabseg", "--help"], capture_output=True,
                         text=True, check=True).stdout
    for verb in VERBS:
        assert verb in out


def test_no_verb_prints_help_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: grabseg" in capsys.readouterr().out


def test_demo_writes_masks_inside_their_boxes(tmp_path: Path) -> None:
    assert main(["demo", "--out", str(tmp_path)]) == 0
    boxes = json.loads((DEMO_DIR / "boxes.json").read_text())
    for name, (x0, y0, x1, y1) in boxes.items():
        mask = cv2.imread(str(tmp_path / f"{name}_mask.png"), cv2.IMREAD_GRAYSCALE) > 0
        inside = np.zeros_like(mask)
        inside[y0:y1, x0:x1] = True
        assert mask.any(), name
        assert not (mask & ~inside).any(), f"{name}: foreground outside the box"
        # a cut, not the whole box
        assert mask.sum() < inside.sum(), name
        overlay = cv2.imread(str(tmp_path / f"{name}_overlay.png"))
        assert overlay.shape[:2] == mask.shape
