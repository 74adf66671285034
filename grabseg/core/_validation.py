"""Up-front checks of ``segment`` / ``GrabCutSession`` inputs.

Each function returns a normalised value and raises ``TypeError`` (wrong kind of
argument) or ``ValueError`` (wrong value) with a message quoting what was received.
Inputs are never modified.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import numpy.typing as npt

from grabseg.pixels import to_rgb8
from grabseg.types import Box

ENGINES = ("native", "opencv")


def check_image(image: Any) -> npt.NDArray[np.uint8]:
    """(H, W, 3) uint8 RGB via ``grabseg.pixels.to_rgb8`` (grey/RGBA/16-bit/float accepted)."""
    return to_rgb8(image, name="image")


def check_box(box: Any, shape: tuple[int, int]) -> tuple[int, int, int, int] | None:
    """``(x0, y0, x1, y1)`` ints, x1/y1 exclusive, non-empty and inside an image of ``shape`` (H, W)."""
    if box is None:
        return None
    if isinstance(box, Box):
        box = box.as_tuple()
    try:
        vals = np.asarray(box)
    except Exception as e:  # pragma: no cover - exotic sequences
        raise TypeError(f"box must be 4 numbers (x0, y0, x1, y1), got {box!r}") from e
    if vals.dtype == object or not (np.issubdtype(vals.dtype, np.number)) or vals.dtype == np.bool_:
        raise TypeError(f"box must be 4 numbers (x0, y0, x1, y1), got {box!r}")
    if vals.shape != (4,):
        raise ValueError(f"box must be 4 numbers (x0, y0, x1, y1), got shape {vals.shape}: {box!r}")
    if not np.all(np.isfinite(vals)) or not np.all(vals == np.round(vals)):
        raise ValueError(f"box coordinates must be whole pixels, got {box!r}")
    x0, y0, x1, y1 = (int(v) for v in vals)
    if x1 <= x0 or y1 <= y0:
        raise ValueError(f"box (x0, y0, x1, y1) = {(x0, y0, x1, y1)} is empty or inverted; "
                         "need x0 < x1 and y0 < y1 (x1, y1 exclusive)")
    h, w = shape
    if x0 < 0 or y0 < 0 or x1 > w or y1 > h:
        raise ValueError(f"box (x0, y0, x1, y1) = {(x0, y0, x1, y1)} lies outside the "
                         f"{w}x{h} (WxH) image; need 0 <= x0 < x1 <= {w} and 0 <= y0 < y1 <= {h}")
    return x0, y0, x1, y1


def check_scribbles(scribbles: Any, shape: tuple[int, int]) -> npt.NDArray[np.uint8] | None:
    """(H, W) uint8 map of 0 (none), 1 (foreground), 2 (background)."""
    if scribbles is None:
        return None
    arr = np.asarray(scribbles)
    if not (np.issubdtype(arr.dtype, np.integer) or arr.dtype == np.bool_):
        raise TypeError(f"scribbles must be an integer (H, W) map of 0/1/2, got dtype {arr.dtype}")
    if arr.shape != tuple(shape):
        raise ValueError(f"scribbles must have the image's shape {tuple(shape)}, got shape {arr.shape}")
    in_range = arr.size == 0 or (int(arr.max()) <= 2 and int(arr.min()) >= 0)  # cheap at 12 MP
    bad = np.zeros(0) if in_range else np.setdiff1d(np.unique(arr), [0, 1, 2])
    if bad.size:
        raise ValueError(f"scribbles may only hold 0 (none), 1 (foreground) and 2 (background), "
                         f"got values {bad[:10].tolist()}")
    return arr.astype(np.uint8, copy=False)


def check_prior(prior: Any, shape: tuple[int, int]) -> npt.NDArray[np.floating] | None:
    """(H, W) float foreground probability in [0, 1], without NaN."""
    if prior is None:
        return None
    arr = np.asarray(prior)
    numeric = np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)
    if not numeric or arr.dtype == np.bool_:
        raise TypeError(f"prior must be a float (H, W) array of probabilities, got dtype {arr.dtype}")
    if arr.shape != tuple(shape):
        raise ValueError(f"prior must have the image's shape {tuple(shape)}, got shape {arr.shape}")
    if np.isnan(arr).any():
        raise ValueError(f"prior contains {int(np.isnan(arr).sum())} NaN values")
    lo, hi = float(arr.min()), float(arr.max())
    if lo < 0 or hi > 1:
        raise ValueError(f"prior must lie in [0, 1], got values in [{lo:g}, {hi:g}]")
    return arr


def check_prompts(box: tuple[int, int, int, int] | None, scribbles: npt.NDArray[np.uint8] | None) -> None:
    """Without a box, scribbles must mark some foreground."""
    if box is None and scribbles is None:
        raise ValueError("need a box or scribbles, got neither (box=None, scribbles=None)")
    if box is None and not np.any(scribbles == 1):
        raise ValueError("without a box the scribbles must mark some foreground (value 1); "
                         f"got values {np.unique(scribbles).tolist()}")


def check_iterations(iterations: Any) -> int:
    if isinstance(iterations, bool) or not isinstance(iterations, numbers.Integral):
        raise TypeError(f"iterations must be an int, got {iterations!r}")
    if iterations < 1:
        raise ValueError(f"iterations must be >= 1, got {iterations}")
    return int(iterations)


def check_engine(engine: Any) -> str:
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
    return str(engine)


def check_rng(rng: Any) -> np.random.Generator:
    """``Generator`` as is, an int seeds one, None means the fixed seed 0 (deterministic)."""
    if rng is None:
        return np.random.default_rng(0)
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(f"rng must be a numpy Generator, an int seed or None, got {type(rng).__name__}")
