"""``grabseg.core`` stays headless and keeps PyMaxflow behind one module."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "grabseg" / "core"


def test_import_core_loads_no_qt_or_torch():
    code = (
        "import sys, grabseg.core\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'torch', 'sklearn'))\n"
        "print(bad)\n"
        "assert 'maxflow' in sys.modules\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_only_graph_module_imports_maxflow():
    pattern = re.compile(r"^\s*(import maxflow|from maxflow)", re.MULTILINE)
    importers = sorted(p.name for p in CORE.rglob("*.py") if pattern.search(p.read_text()))
    assert importers == ["graph.py"]
