"""Box-only accuracy on a few real grabcut-dev images: native is at least as good as cv2.grabCut."""

from __future__ import annotations

import numpy as np
import pytest

from core_helpers import iou, load_dev
from grabseg.core import segment

pytestmark = pytest.mark.data

NAMES = ["21077", "stone1", "teddy", "person7"]  # stable across k-means seeds


def test_native_iou_not_below_opencv(grabcut_dev):
    native, opencv = [], []
    for name in NAMES:
        image, truth, box = load_dev(grabcut_dev, name)
        valid, fg = truth != 128, truth == 255
        native.append(iou(segment(image, box, engine="native"), fg, valid))
        opencv.append(iou(segment(image, box, engine="opencv"), fg, valid))
    assert min(native) > 0.85
    assert all(n >= o - 0.02 for n, o in zip(native, opencv)), (native, opencv)
    assert np.mean(native) >= np.mean(opencv)


def test_box_only_mean_iou_on_every_dev_image_reaches_the_target(grabcut_dev):
    # The engine issue's target: box-only mean IoU >= 0.86 over all 25 images (128 band ignored).
    names = sorted(p.stem for p in (grabcut_dev / "masks").glob("*.png"))
    assert len(names) == 25
    scores = []
    for name in names:
        image, truth, box = load_dev(grabcut_dev, name)
        scores.append(iou(segment(image, box), truth == 255, truth != 128))
    assert np.mean(scores) >= 0.86, dict(zip(names, np.round(scores, 3)))


def test_the_default_start_does_not_depend_on_the_seed(grabcut_dev):
    # banana1 moved between IoU 0.48 and 0.99 with the k-means++ draw; with the default
    # Orchard-Bouman start only the background subsample still depends on the seed.
    image, truth, box = load_dev(grabcut_dev, "banana1")
    masks = [segment(image, box, rng=seed) for seed in (0, 1, 2)]
    assert all(iou(masks[0], m) > 0.99 for m in masks[1:])
    assert all(iou(m, truth == 255, truth != 128) > 0.9 for m in masks)
