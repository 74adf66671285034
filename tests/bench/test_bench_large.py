"""The large-image benchmark (``grabseg.bench.large``): data preparation, children, report."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from grabseg.bench import large, large_children
from grabseg.bench.report import update_markdown


def test_upscale_scales_image_mask_and_box_together():
    image = np.random.default_rng(0).integers(0, 256, (30, 40, 3)).astype(np.uint8)
    mask = np.zeros((30, 40), np.uint8)
    mask[10:20, 12:30] = 255
    mask[9, 12:30] = 128
    big, big_mask, box, f = large.upscale(image, mask, (10, 8, 32, 22), 0.012)  # 12,000 px: x10 area
    assert big.shape[:2] == big_mask.shape and abs(big.shape[0] * big.shape[1] - 12000) < 200
    assert f == pytest.approx(np.sqrt(10), rel=1e-6)
    assert set(np.unique(big_mask)) <= {0, 128, 255}
    assert box == (32, 25, 101, 70)
    ys, xs = np.nonzero(big_mask == 255)
    assert box[0] <= xs.min() and xs.max() < box[2] and box[1] <= ys.min() and ys.max() < box[3]


def test_photo_boxes_lie_inside_the_photos(shared_data):
    for name, (x0, y0, x1, y1) in large.PHOTO_BOXES.items():
        w, h = large._jpeg_size(shared_data / "large-photos" / f"{name}.jpg")
        assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h, name
        assert (x1 - x0) * (y1 - y0) > 1_500_000, name  # every box takes the large path


def test_prepare_writes_upscaled_items(tiny_dataset, tmp_path):
    shared = tiny_dataset.parent
    (shared / "grabcut-dev").symlink_to(tiny_dataset)
    items = large.prepare(shared, tmp_path, 0.03, None, photos=False)
    assert [i["name"] for i in items] == ["disk0", "disk1"]
    first = items[0]
    image = cv2.imread(first["image"])
    assert list(image.shape[1::-1]) == first["size"] and abs(image.shape[0] * image.shape[1] - 30000) < 500
    assert cv2.imread(first["mask"], cv2.IMREAD_UNCHANGED).shape == image.shape[:2]
    assert first["radius"] == pytest.approx(5 * first["factor"], abs=0.1)


def test_touch_up_strokes_correct_against_the_mask():
    mask = np.zeros((200, 300), bool)
    mask[50:150, 80:220] = True
    rng = np.random.default_rng(0)
    x, y, label = large_children.touch_up(mask, (40, 20, 260, 180), 0, 10, rng)
    assert label == 2 and mask[y, x] and min(y - 50, 149 - y, x - 80, 219 - x) == pytest.approx(20, abs=2)
    x, y, label = large_children.touch_up(mask, (40, 20, 260, 180), 1, 10, rng)
    assert label == 1 and not mask[y, x]


def test_energy_gap_is_zero_for_the_same_labels_and_positive_for_worse_ones():
    from grabseg.core.gmm import GaussianMixture

    rng = np.random.default_rng(1)
    image = np.full((40, 50, 3), (40, 60, 170), np.uint8)
    image[10:30, 15:35] = (200, 70, 50)
    image = np.clip(image + rng.normal(0, 8, image.shape), 0, 255).astype(np.uint8)
    truth = np.zeros((40, 50), bool)
    truth[10:30, 15:35] = True
    models = (GaussianMixture(np.ones(1), np.array([[200.0, 70, 50]]), np.eye(3)[None] * 64),
              GaussianMixture(np.ones(1), np.array([[40.0, 60, 170]]), np.eye(3)[None] * 64))
    box = (5, 5, 45, 35)
    assert large_children.energy_gap(image, box, models, 0.001, truth, truth)["delta"] == 0
    worse = truth.copy()
    worse[10:14, 15:35] = False
    gap = large_children.energy_gap(image, box, models, 0.001, worse, truth)
    from grabseg.core import energy

    crop, lab = image[4:36, 4:46], truth[4:36, 4:46]  # the box and its one-pixel ring
    i, j, w, _, _ = energy.nlinks(crop, np.arange(lab.size).reshape(lab.shape), np.zeros(lab.shape, bool),
                                  lab.size, beta=0.001, gamma=50.0)
    win = image[5:35, 5:45].reshape(-1, 3).astype(np.float32)
    data = np.where(truth[5:35, 5:45].ravel(), models[0].neg_log_likelihood(win), models[1].neg_log_likelihood(win))
    e_exact = float(data.sum()) + float(w[lab.ravel()[i] != lab.ravel()[j]].sum())
    assert gap["delta"] > 0 and gap["relative"] == pytest.approx(gap["delta"] / e_exact, rel=1e-2)


def test_children_measure_in_their_own_process(tiny_dataset, tmp_path):
    image = str(tiny_dataset / "images" / "disk0.png")
    spec = {"image": image, "mask": str(tiny_dataset / "masks" / "disk0.png"),
            "box": json.loads((tiny_dataset / "boxes.json").read_text())["disk0"], "strokes": 2, "radius": 2,
            "save": str(tmp_path / "disk0.npz")}
    fast = large.child("fast", spec, timeout=120)
    assert fast["path"] == "standard" and 0.8 < fast["iou_gt"] <= 1 and fast["peak_rss_mb"] > 10
    assert len(fast["strokes"]) <= 2 and all(s["path"] == "standard" for s in fast["strokes"])
    cv = large.child("opencv", spec, timeout=120)
    assert cv["iteration_s"] >= 0 and cv["iou_gt_1_iteration"] > 0.5
    assert "error" in large.child("fast", {**spec, "image": str(tmp_path / "missing.png")}, timeout=120)


def test_large_children_usage_error(capsys):
    assert large_children.main(["nope", "{}"]) == 2
    assert "usage" in capsys.readouterr().err


def test_render_and_markdown_section(tmp_path):
    fast = {"box_s": 1.5, "iou_gt": 0.9, "peak_rss_mb": 600.0, "path": "large",
            "stats": {"window_px": 9_000_000, "s": 8, "band_px": 400_000},
            "strokes": [{"update_s": 0.1, "path": "local"}, {"update_s": 0.2, "path": "reuse"}]}
    rows = [{"set": "demo", "name": "a", "box": [0, 0, 10, 10], "size": [4000, 3000], "fast": fast,
             "exact": {"iou_raw": 0.995, "energy_gap": {"relative": 1e-4}, "exact_s": 30.0, "peak_rss_mb": 5000.0}},
            {"set": "demo", "name": "b", "box": [0, 0, 10, 10], "size": [4000, 3000], "fast": {"error": "boom"}}]
    summary = large.summarise(rows)["demo"]
    assert summary["images"] == 1 and summary["stroke_s_median"] == pytest.approx(0.15)
    assert summary["stroke_paths"] == {"local": 1, "reuse": 1} and summary["iou_vs_exact_min"] == 0.995
    machine = {"date": "d", "cpu_model": "cpu", "cpu_usable": 2, "loadavg_1min": 1.0, "python": "3",
               "opencv": "5", "pymaxflow": "1.3.2"}
    result = {"machine": machine, "settings": {"params": {}}, "summary": large.summarise(rows), "rows": rows,
              "native_size": None}
    section = large.render(result)
    assert section.startswith("<!-- bench:large -->") and "| a | 12.0 |" in section and "error: boom" in section
    md = tmp_path / "large.md"
    md.write_text("# Title\n\n<!-- bench:large -->\nold\n<!-- /bench:large -->\n\ntail\n")
    update_markdown(md, "large", section)
    text = md.read_text()
    assert "old" not in text and text.startswith("# Title") and text.endswith("tail\n")
    json.dumps(result, allow_nan=False)


def test_main_rejects_bad_options(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        large.main(["--megapixels", "0", "--shared", str(tmp_path)])
    assert exc.value.code == 2 and "--megapixels must be > 0" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        large.main(["--shared", str(tmp_path / "nothing")])
    assert "no grabcut-dev under --shared" in capsys.readouterr().err


def test_native_comparison_reports_both_paths(tiny_dataset):
    shared = tiny_dataset.parent
    (shared / "grabcut-dev").symlink_to(tiny_dataset)
    out = large.native_comparison(Path(shared), 1, None, lambda msg: None)
    assert set(out["mean_iou"]) == {"standard", "large"} and out["runs"] == 2
    assert out["default_params_identical_to_standard"] == 2  # tiny windows stay on the standard path
