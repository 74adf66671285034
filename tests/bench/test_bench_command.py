"""``grabseg bench`` end to end on a tiny synthetic dataset with both engines."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from grabseg.bench.metrics import noc
from grabseg.cli import main


def _run(argv: list[str]) -> int:
    return main(["bench", *argv])


def test_bench_writes_json_and_table(
    tiny_dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "docs" / "benchmarks.md"
    table.parent.mkdir()
    table.write_text("# Benchmarks\n\nHand-written intro.\n")
    out = tmp_path / "docs" / "bench" / "{dataset}.json"
    argv = [str(tiny_dataset), "--engines", "native", "opencv", "--iterations", "3",
            "--max-strokes", "3", "--out", str(out), "--table", str(table)]
    assert _run(argv) == 0
    err = capsys.readouterr().err
    assert "[tiny 1/2] disk0: native IoU" in err and "[tiny 2/2] disk1:" in err

    payload = json.loads((tmp_path / "docs" / "bench" / "tiny.json").read_text())
    assert payload["settings"]["engines"] == ["native", "opencv"]
    assert payload["settings"]["max_strokes"] == 3 and payload["settings"]["iterations"] == 3
    for key in ("cpu_count", "python", "opencv", "pymaxflow", "date", "core_sources_sha256"):
        assert payload["machine"][key]
    assert payload["machine"]["core_changed_during_run"] is False
    (ds,) = payload["datasets"]
    assert ds["name"] == "tiny" and ds["n_images"] == 2
    assert [r["name"] for r in ds["rows"]] == ["disk0", "disk1"]
    assert [r["engine_order"] for r in ds["rows"]] == [["native", "opencv"], ["opencv", "native"]]
    for row in ds["rows"]:
        for engine in ("native", "opencv"):
            res = row["engines"][engine]
            assert "error" not in res, res
            assert res["box"]["iou"] > 0.8  # an easy disk: both engines must find it
            assert 0 <= res["box"]["error_pct"] < 5 and res["box"]["time_s"] >= 0
            robot = res["robot"]
            assert robot["set_box_iou"] == res["box"]["iou"]  # same seed: the same cut
            assert len(robot["iou_curve"]) == 4 and robot["n_strokes"] == len(robot["strokes"])
            assert robot["noc90"] == noc(robot["iou_curve"], 0.90, 3)
            assert robot["iou_at_5"] == robot["iou_curve"][3]  # budget 3 < 5: last entry
    summary = ds["summary"]
    for engine in ("native", "opencv"):
        s = summary["engines"][engine]
        assert s["n_images"] == 2 and s["n_failed"] == 0
        assert s["box_iou_mean"] == pytest.approx(
            sum(r["engines"][engine]["box"]["iou"] for r in ds["rows"]) / 2
        )
        for key in ("noc85_mean", "noc90_mean", "iou_at_5_mean", "box_time_s_median"):
            assert s[key] is not None
    assert summary["comparison"]["engines"] == ["native", "opencv"]
    assert summary["comparison"]["n_images"] == 2

    # a second run replaces the block in place and keeps the hand-written text
    assert _run(argv) == 0
    text = table.read_text()
    assert text.startswith("# Benchmarks\n\nHand-written intro.\n")
    assert text.count("<!-- bench:tiny -->") == 1 and text.count("<!-- /bench:tiny -->") == 1
    assert text.index("<!-- bench:tiny -->") < text.index("<!-- /bench:tiny -->")
    assert "| metric | native | opencv |" in text
    assert "Regenerate: `python -m grabseg bench " in text and "--max-strokes 3" in text


def test_bench_single_json_for_several_datasets(
    tiny_dataset: Path, tmp_path: Path, dataset_writer: Callable[..., Path]
) -> None:
    other = dataset_writer(tmp_path / "other", sizes=((40, 40),))
    out = tmp_path / "all.json"
    argv = [str(tiny_dataset), str(other), "--engines", "opencv", "--iterations", "2",
            "--max-strokes", "1", "--limit", "1", "--out", str(out)]
    assert _run(argv) == 0
    payload = json.loads(out.read_text())
    assert [d["name"] for d in payload["datasets"]] == ["tiny", "other"]
    assert [d["n_images"] for d in payload["datasets"]] == [1, 1]
    assert payload["datasets"][0]["summary"]["comparison"] is None


def test_bench_reports_bad_dataset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad" / "images").mkdir(parents=True)
    assert _run([str(tmp_path / "bad")]) == 2
    assert "missing boxes.json" in capsys.readouterr().err
