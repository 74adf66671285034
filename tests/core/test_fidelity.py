"""The native energy is cv2.grabCut's energy: same models in, same cut out.

cv2.grabCut learns its two 1x65 colour models on real grabcut-dev images (BGR, as
OpenCV works); ``cut_with_models`` minimises the native energy with those models (graph
restricted to the box, box-border n-links as t-links) and must reproduce
``GC_EVAL_FREEZE_MODEL`` on the same trimap on at least 99.9 % of pixels. So accuracy
differences between the engines come from the method, not from a different energy.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from core_helpers import load_dev
from grabseg.core import cut_with_models

pytestmark = pytest.mark.data


def opencv_trimap(shape, box, scribbles=None):
    x0, y0, x1, y1 = box
    tri = np.full(shape, cv2.GC_BGD, np.uint8)
    tri[y0:y1, x0:x1] = cv2.GC_PR_FGD
    if scribbles is not None:
        tri[scribbles == 1] = cv2.GC_FGD
        tri[scribbles == 2] = cv2.GC_BGD
    return tri


def opencv_models_and_frozen_cut(image_rgb, box, scribbles=None):
    """cv2 learns its models (3 rounds), then one GC_EVAL_FREEZE_MODEL cut on the start trimap."""
    bgr = np.ascontiguousarray(image_rgb[:, :, ::-1])
    tri = opencv_trimap(bgr.shape[:2], box, scribbles)
    bgd, fgd = np.zeros((1, 65)), np.zeros((1, 65))
    cv2.setRNGSeed(0)
    cv2.grabCut(bgr, tri.copy(), None, bgd, fgd, 3, cv2.GC_INIT_WITH_MASK)
    frozen = tri.copy()
    cv2.grabCut(bgr, frozen, None, bgd, fgd, 1, cv2.GC_EVAL_FREEZE_MODEL)
    return fgd, bgd, (frozen == cv2.GC_FGD) | (frozen == cv2.GC_PR_FGD)


@pytest.mark.parametrize("name", ["21077", "teddy", "bool", "person7"])
def test_native_energy_reproduces_frozen_opencv_cut(grabcut_dev, name):
    image, _, box = load_dev(grabcut_dev, name)
    fgd, bgd, reference = opencv_models_and_frozen_cut(image, box)
    assert 0.01 < reference.mean() < 0.9  # a real, non-trivial cut
    native = cut_with_models(image, box, fgd, bgd, bgr=True)
    assert (native == reference).mean() >= 0.999


def test_with_scribbles(grabcut_dev):
    image, _, box = load_dev(grabcut_dev, "person3")
    scribbles = cv2.imread(str(grabcut_dev / "scribbles" / "set1" / "person3.png"), cv2.IMREAD_UNCHANGED)
    fgd, bgd, reference = opencv_models_and_frozen_cut(image, box, scribbles)
    native = cut_with_models(image, box, fgd, bgd, scribbles=scribbles, bgr=True)
    assert (native == reference).mean() >= 0.999
    assert native[scribbles == 1].all() and not native[scribbles == 2].any()


def test_channel_order_matters(grabcut_dev):
    """Reading the BGR models as RGB gives another energy: the test above can fail."""
    image, _, box = load_dev(grabcut_dev, "21077")
    fgd, bgd, reference = opencv_models_and_frozen_cut(image, box)
    wrong = cut_with_models(image, box, fgd, bgd, bgr=False)
    assert (wrong != reference).sum() > 100
