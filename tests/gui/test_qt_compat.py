"""The installed Qt binding must survive a long session (PySide6 6.12 on Python 3.11 did not)."""

from __future__ import annotations

import subprocess
import sys


STRESS = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
import grabseg.gui
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
