"""Markdown blocks between ``bench:NAME`` markers are replaced independently."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grabseg.bench.report import update_markdown


def _block(name: str, body: str) -> str:
    return f"<!-- bench:{name} -->\n{body}\n<!-- /bench:{name} -->"


def test_creates_file_and_appends_blocks(tmp_path: Path) -> None:
    md = tmp_path / "sub" / "b.md"
    update_markdown(md, "a", _block("a", "one"))
    update_markdown(md, "b", _block("b", "two"))
    text = md.read_text()
    assert text.startswith("# Benchmarks")
    assert text.index("one") < text.index("two")


def test_replaces_only_its_own_block(tmp_path: Path) -> None:
    md = tmp_path / "b.md"
    md.write_text("intro\n\n" + _block("a", "old a") + "\n\nmiddle\n\n" + _block("b", "old b") + "\nend\n")
    update_markdown(md, "a", _block("a", "new a"))
    assert md.read_text() == (
        "intro\n\n" + _block("a", "new a") + "\n\nmiddle\n\n" + _block("b", "old b") + "\nend\n"
    )


def test_similar_names_do_not_collide(tmp_path: Path) -> None:
    md = tmp_path / "b.md"
    md.write_text(_block("davis-x", "keep") + "\n")
    update_markdown(md, "davis", _block("davis", "new"))
    text = md.read_text()
    assert "keep" in text and "new" in text


def test_start_marker_without_end_is_an_error(tmp_path: Path) -> None:
    md = tmp_path / "b.md"
    md.write_text("<!-- bench:a -->\nbroken\n")
    with pytest.raises(ValueError, match=r"found '<!-- bench:a -->' but no '<!-- /bench:a -->'"):
        update_markdown(md, "a", _block("a", "x"))
    assert md.read_text() == "<!-- bench:a -->\nbroken\n"


def test_written_files_keep_the_usual_mode(tmp_path: Path) -> None:
    umask = os.umask(0)
    os.umask(umask)
    md = tmp_path / "b.md"
    update_markdown(md, "a", _block("a", "x"))  # new file: 0666 minus umask, not mkstemp's 0600
    assert md.stat().st_mode & 0o777 == 0o666 & ~umask
    md.chmod(0o640)
    update_markdown(md, "a", _block("a", "y"))  # existing file: its mode is kept
    assert md.stat().st_mode & 0o777 == 0o640
