"""The large path's full-resolution band (``grabseg.core.large_band``): growth and the dense pass."""

from __future__ import annotations

import numpy as np

from core_helpers import iou
from grabseg.core import GrabCutParams, large
from grabseg.core.gmm import GaussianMixture


def needle_image() -> tuple[np.ndarray, tuple[int, int, int, int], tuple[GaussianMixture, GaussianMixture]]:
    """A red disc with a 2-px red needle 300 px long on blue, its box and exact colour models."""
    h, w = 480, 640
    yy, xx = np.mgrid[:h, :w]
    truth = (yy - 240) ** 2 + (xx - 220) ** 2 < 100 ** 2
    truth[240:242, 220:520] = True
    noise = np.random.default_rng(0).normal(0, 8, (h, w, 3))
    image = np.clip(np.where(truth[..., None], (200, 60, 50), (40, 70, 170)) + noise, 0, 255).astype(np.uint8)

    def model(mean):
        return GaussianMixture(np.ones(1), np.array([mean], float), np.eye(3)[None] * 400.0)

    return image, (100, 120, 560, 360), (model((200, 60, 50)), model((40, 70, 170)))


def test_band_growth_follows_a_needle_the_coarse_level_misses():
    image, box, models = needle_image()
    masks = {}
    for rounds in (0, GrabCutParams().band_grow_rounds):  # only growth can find it: other tests off
        params = GrabCutParams(large_threshold=0, large_coarse_nodes=1500, postprocess=False, uncertain_ratio=0,
                               uncertain_boundary=(), band_hole_blocks=0, band_grow_rounds=rounds)
        cut = large.LargeGrabCut(image, params, np.random.default_rng(0))
        masks[rounds] = cut.start(box, None, None, 1, models=models)
        assert cut.stats["s"] >= 8  # blocks four times wider than the needle
    exact = cut.exact_labels()
    assert exact[240:242, 220:520].all()  # the exact cut keeps the needle
    assert not masks[0][240:242, 400:520].any()  # the coarse level and a fixed band lose it
    assert cut.stats["grow_rounds"] > 5 and np.array_equal(masks[rounds], exact)


def test_dense_pass_recovers_needles_the_capped_band_drops():
    image, box, models = needle_image()
    base = dict(large_threshold=0, large_coarse_nodes=1500, postprocess=False, uncertain_boundary=(),
                band_hole_blocks=0, band_grow_rounds=0)  # only uncertain blocks could find the needle
    cut = large.LargeGrabCut(image, GrabCutParams(**base), np.random.default_rng(0))
    cut.start(box, None, None, 1, models=models)
    assert cut._unsure.any() and not cut.capped  # uncapped, the uncertain blocks hold the needle
    cut._unsure = None
    boundary = int(cut._band(0, cut.frame.h, 0, cut.frame.w)[0].sum())  # the band nothing drops
    masks, stats = {}, {}
    for dense in (0.0, 0.05):
        params = GrabCutParams(**base, band_max_px=boundary + 10, band_dense_ratio=dense)
        cut = large.LargeGrabCut(image, params, np.random.default_rng(0))
        masks[dense] = cut.start(box, None, None, 1, models=models)
        stats[dense] = cut.stats
    exact = cut.exact_labels()
    assert exact[240:242, 220:520].all()
    assert stats[0.0]["capped"] and stats[0.0]["dense_px"] == 0  # the cap dropped the needle's blocks
    assert not masks[0.0][240:242, 400:520].any()
    assert stats[0.05]["dense_px"] > stats[0.05]["band_px"]  # uncapped: more than the band
    assert cut.decided.sum() >= stats[0.05]["dense_px"]
    assert iou(masks[0.05], exact) > 0.999 and masks[0.05][240:242, 230:510].all()


def test_a_stroke_keeps_what_the_dense_pass_decided_near_it():
    image, box, models = needle_image()
    base = dict(large_threshold=0, large_coarse_nodes=1500, postprocess=False, uncertain_boundary=(),
                band_hole_blocks=0, band_grow_rounds=0)
    cut = large.LargeGrabCut(image, GrabCutParams(**base, band_max_px=0), np.random.default_rng(0))
    first = cut.start(box, None, None, 1, models=models)
    assert cut.stats["dense_px"] > 0 and first[240:242, 230:510].all()
    scribbles = np.zeros(image.shape[:2], np.uint8)
    scribbles[232:236, 440:460] = 2  # background, 4 px above the needle
    after = cut.update(scribbles)
    assert cut.stats["path"] in ("local", "reuse")
    assert after[240:242, 230:510].all() and not after[232:236, 440:460].any()
