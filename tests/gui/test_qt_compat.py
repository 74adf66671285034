"""The PySide6 6.12 / Python 3.11 reference leak must not abort a long session."""

from __future__ import annotations

import subprocess
import sys

import pytest

from grabseg.gui.qt_compat import affected

STRESS = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
import grabseg.gui  # applies the work-around where needed
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

class Emitter(QObject):
    ping = Signal(float, float)

app = QApplication([])
emitter = Emitter()
hits = []
emitter.ping.connect(lambda x, y: hits.append(1))
n = 30000  # several times the refcount True and None start with
for _ in range(n):
    emitter.ping.emit(1.0, 2.0)
    app.processEvents()
print("emitted", len(hits) == n)
"""


def test_many_signal_emits_do_not_abort_the_interpreter():
    done = subprocess.run([sys.executable, "-c", STRESS], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "emitted True" in done.stdout


@pytest.mark.parametrize(
    "version, python, expected",
    [("6.12.0", (3, 11), True), ("6.13.1", (3, 10), True), ("6.12.0", (3, 12), False),
     ("6.11.3", (3, 11), False), ("dev", (3, 11), False)],
)
def test_affected_versions(version, python, expected):
    assert affected(version, python) is expected
