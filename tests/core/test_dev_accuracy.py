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
