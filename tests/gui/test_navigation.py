"""The Qt-free image list model: rows, unreadable files, filters, next/previous unfinished."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from grabseg.gui.navigation import ImageNavigator


def infos(*statuses):
    return [SimpleNamespace(id=k + 1, path=f"img{k + 1}.jpg", status=s, n_instances=k)
            for k, s in enumerate(statuses)]


def test_rows_include_unreadable_files_once():
    nav = ImageNavigator()
    nav.load(infos("new", "done"), [("bad.png", "cannot decode"), ("img1.jpg", "dup")])
    assert [(r.id, r.path, r.status) for r in nav.rows] == [
        (1, "img1.jpg", "new"), (2, "img2.jpg", "done"), (None, "bad.png", "unreadable")]
    assert nav.rows[2].problem == "cannot decode"


def test_step_unfinished_skips_finished_unreadable_and_wraps():
    nav = ImageNavigator()
    nav.load(infos("done", "new", "skipped", "in progress", "pre-labeled"), [("x.png", "bad")])
    assert nav.step_unfinished(None, +1) == 2
    assert nav.step_unfinished(2, +1) == 4
    assert nav.step_unfinished(5, +1) == 2
    assert nav.step_unfinished(2, -1) == 5
    nav.update_row(4, problem="truncated")
    assert nav.step_unfinished(2, +1) == 5
    nav.load(infos("done", "new"))
    assert nav.step_unfinished(2, +1) is None


def test_filters_and_notifications():
    nav = ImageNavigator()
    calls = []
    nav.subscribe(lambda: calls.append(1))
    nav.load(infos("new", "done", "in progress"), [("bad.png", "x")])
    nav.set_filter(status="unfinished")
    assert [r.id for r in nav.visible()] == [1, 3]
    nav.set_filter(status="unreadable")
    assert [r.path for r in nav.visible()] == ["bad.png"]
    nav.set_filter(status="all", text="IMG2")
    assert [r.id for r in nav.visible()] == [2]
    nav.update_row(2, status="skipped", n_instances=5)
    assert nav.row(2).status == "skipped" and nav.row(2).n_instances == 5
    assert len(calls) == 5
    with pytest.raises(ValueError, match="status filter must be one of .* got 'finished'"):
        nav.set_filter(status="finished")
