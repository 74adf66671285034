"""Architecture boundaries, checked by a tool rather than by convention.

- importing core, export, project, io, jobs, session and the CLI never loads PySide6 or torch;
- only ``grabseg/gui`` imports PySide6, only ``grabseg/deep`` imports torch;
- exactly one module of ``grabseg/core`` imports ``maxflow``;
- ``grabseg/core`` imports nothing from the layers above it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "grabseg"

HEADLESS_MODULES = [
    "grabseg.core",
    "grabseg.export",
    "grabseg.project",
    "grabseg.io.images",
    "grabseg.jobs",
    "grabseg.session.annotation",
    "grabseg.cli",
]


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _py_files(sub: str = "") -> list[Path]:
    return sorted((PACKAGE / sub).rglob("*.py"))


@pytest.mark.parametrize("module", HEADLESS_MODULES)
def test_headless_import_loads_no_qt_or_torch(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "from grabseg.cli import build_parser; build_parser()\n"
        "bad = [m for m in ('PySide6', 'torch', 'shiboken6') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{module} loaded {out.stdout.strip()}"


def test_only_gui_imports_pyside6() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in _py_files()
        if any(m.split(".")[0] == "PySide6" for m in _imported_modules(p))
        and "gui" not in p.relative_to(PACKAGE).parts[:1]
    ]
    assert offenders == []


def test_only_deep_imports_torch() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in _py_files()
        if any(m.split(".")[0] == "torch" for m in _imported_modules(p))
        and p.relative_to(PACKAGE).parts[0] != "deep"
    ]
    assert offenders == []


def test_exactly_one_core_module_imports_maxflow() -> None:
    importers = [p.name for p in _py_files("core") if "maxflow" in {
        m.split(".")[0] for m in _imported_modules(p)}]
    assert len(importers) == 1, importers
    others = [str(p.relative_to(PACKAGE)) for p in _py_files() if p.parent.name != "core"
              and "maxflow" in {m.split(".")[0] for m in _imported_modules(p)}]
    assert others == []


def test_core_does_not_import_upper_layers() -> None:
    upper = ("grabseg.gui", "grabseg.session", "grabseg.jobs", "grabseg.project",
             "grabseg.export", "grabseg.deep", "grabseg.cli", "grabseg.commands")
    offenders = {
        str(p.relative_to(PACKAGE)): sorted(m for m in _imported_modules(p) if m.startswith(upper))
        for p in _py_files("core")
    }
    assert {k: v for k, v in offenders.items() if v} == {}
