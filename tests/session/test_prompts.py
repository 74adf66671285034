"""Scribble rasterisation, prompt dicts, box checks and the crash-recovery draft file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from grabseg.session.draft_store import DraftStore
from grabseg.session.prompts import (
    Draft,
    Stroke,
    box_around,
    check_box,
    check_stroke,
    prompts_from_dict,
    prompts_to_dict,
    rasterize,
)


def test_dab_is_a_disc_of_the_radius() -> None:
    out = rasterize((Stroke(1, 3.0, ((10.0, 8.0),)),), (20, 20))
    yy, xx = np.mgrid[:20, :20]
    dist2 = (xx - 10) ** 2 + (yy - 8) ** 2
    assert out[8, 10] == 1
    assert np.all(out[dist2 <= 4] == 1)  # well inside
    assert np.all(out[dist2 > 16] == 0)  # well outside
    assert set(np.unique(out)) == {0, 1}


def test_line_is_thick_and_has_round_caps() -> None:
    out = rasterize((Stroke(2, 2.0, ((5.0, 10.0), (25.0, 10.0))),), (20, 40))
    assert np.all(out[9:12, 5:26] == 2)
    assert out[10, 3] == 2  # cap reaches past the end point
    assert out[10, 0] == 0 and out[10, 30] == 0
    assert out[14, 15] == 0  # not wider than 2 * radius


def test_strokes_draw_in_order_and_eraser_clears() -> None:
    fg = Stroke(1, 2.0, ((10.0, 10.0), (30.0, 10.0)))
    bg = Stroke(2, 2.0, ((20.0, 0.0), (20.0, 19.0)))
    eraser = Stroke(0, 3.0, ((12.0, 10.0),))
    out = rasterize((fg, bg, eraser), (20, 40))
    assert out[10, 20] == 2  # bg drawn after fg wins the crossing
    assert out[10, 12] == 0 and out[10, 28] == 1  # the eraser cleared only around (12, 10)
    again = rasterize((eraser,), (20, 40), base=rasterize((fg, bg), (20, 40)))
    assert np.array_equal(again, out)


@pytest.mark.parametrize(
    "stroke, message",
    [
        (Stroke(3, 1.0, ((0.0, 0.0),)), r"label must be 0 \(eraser\), 1 .* got 3"),
        (Stroke(1, 0.0, ((0.0, 0.0),)), r"radius must be a finite number > 0, got 0.0"),
        (Stroke(1, float("nan"), ((0.0, 0.0),)), r"radius must be a finite number > 0, got nan"),
        (Stroke(1, 1.0, ()), r"at least one finite \(x, y\) point, got \(\)"),
        (Stroke(1, 1.0, ((0.0, float("inf")),)), r"at least one finite \(x, y\) point"),
    ],
)
def test_bad_strokes_are_rejected(stroke: Stroke, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_stroke(stroke)


def test_check_stroke_rejects_other_types() -> None:
    with pytest.raises(TypeError, match="stroke must be a .*Stroke, got tuple"):
        check_stroke((1, 1.0, ((0, 0),)))


def test_check_box_clips_and_rejects() -> None:
    assert check_box((-5, 2, 50, 12), (10, 40)) == (0, 2, 40, 10)
    with pytest.raises(ValueError, match=r"x0 < x1 and y0 < y1, got \(5, 5, 5, 9\)"):
        check_box((5, 5, 5, 9), (10, 10))
    with pytest.raises(ValueError, match=r"box \(20, 0, 30, 5\) lies outside the 10x10 image"):
        check_box((20, 0, 30, 5), (10, 10))
    with pytest.raises(TypeError, match=r"four integers .* got \(1.5, 0, 3, 3\)"):
        check_box((1.5, 0, 3, 3), (10, 10))


def test_prompts_round_trip_through_a_dict() -> None:
    strokes = (Stroke(1, 2.5, ((1.0, 2.0), (3.0, 4.0))), Stroke(0, 1.0, ((5.0, 6.0),)))
    d = prompts_to_dict((1, 2, 30, 40), strokes)
    assert d == {"box": [1, 2, 30, 40], "strokes": [
        {"label": 1, "radius": 2.5, "points": [[1.0, 2.0], [3.0, 4.0]]},
        {"label": 0, "radius": 1.0, "points": [[5.0, 6.0]]}]}
    assert prompts_from_dict(d) == ((1, 2, 30, 40), strokes)
    assert prompts_from_dict(None) == (None, ())


def test_box_around_pads_the_mask_bbox() -> None:
    mask = np.zeros((50, 60), bool)
    mask[10:20, 30:50] = True
    assert box_around(mask) == (28, 9, 52, 21)
    assert box_around(np.zeros((5, 5), bool)) is None


def test_draft_file_round_trip_and_removal(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    mask = np.zeros((30, 40), bool)
    mask[5:9, 7:20] = True
    draft = Draft(class_id=3, box=(1, 2, 30, 25), strokes=(Stroke(2, 1.5, ((4.0, 4.0),)),),
                  mask=mask, editing_id=17)
    store.save(8, draft)
    assert [p.name for p in store.folder.iterdir()] == ["8.npz"]  # no temp file left
    back = store.load(8, (30, 40))
    assert back.class_id == 3 and back.box == draft.box and back.strokes == draft.strokes
    assert back.editing_id == 17 and np.array_equal(back.mask, mask)
    assert store.load(8, (31, 40)) is None  # another image size: not this image's draft
    store.save(8, Draft(class_id=3))  # empty draft: nothing to recover
    assert not store.path(8).exists()


def test_damaged_draft_file_is_ignored(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    store.folder.mkdir(parents=True)
    store.path(2).write_bytes(b"PK\x03\x04 not really a zip")
    assert store.load(2, (10, 10)) is None
    store.save(2, Draft(class_id=1, box=(0, 0, 5, 5)))
    assert store.load(2, (10, 10)).box == (0, 0, 5, 5)
