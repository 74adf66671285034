"""Native GrabCut engine: numpy, OpenCV and PyMaxflow only (never Qt or torch).

``segment`` cuts one object from a box and/or scribbles; ``GrabCutSession`` keeps the
colour models and the solved graph warm so scribble updates are cheap. Both offer
``engine="opencv"`` (``cv2.grabCut`` behind the same interface). See docs/engine.md.

>>> import numpy as np
>>> from grabseg.core import segment
>>> rng = np.random.default_rng(0)
>>> img = np.full((40, 40, 3), (40, 60, 170), np.uint8)
>>> img[12:28, 12:28] = (220, 40, 40)
>>> img = np.clip(img + rng.normal(0, 6, img.shape), 0, 255).astype(np.uint8)
>>> mask = segment(img, (6, 6, 34, 34))
>>> int(mask.sum()), bool(mask[20, 20]), bool(mask[8, 8])
(256, True, False)
"""

from grabseg.core.grabcut import cut_with_models, segment
from grabseg.core.params import GAMMA, LAMBDA, N_COMPONENTS, GrabCutParams
from grabseg.core.session import GrabCutSession

__all__ = [
    "GAMMA",
    "LAMBDA",
    "N_COMPONENTS",
    "GrabCutParams",
    "GrabCutSession",
    "cut_with_models",
    "segment",
]
