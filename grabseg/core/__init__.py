"""Native GrabCut engine (numpy, OpenCV, PyMaxflow; never Qt or torch).

>>> import numpy as np
>>> from grabseg.core import segment
>>> img = np.zeros((40, 40, 3), np.uint8); img[10:30, 10:30] = (220, 40, 40)
>>> mask = segment(img, (5, 5, 35, 35))
>>> int(mask.sum())
400
"""

from grabseg.core.params import GAMMA, LAMBDA, N_COMPONENTS, GrabCutParams
from grabseg.core.grabcut import cut_with_models, segment

__all__ = ["GAMMA", "LAMBDA", "N_COMPONENTS", "GrabCutParams", "cut_with_models", "segment"]
