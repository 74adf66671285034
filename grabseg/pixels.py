"""Pixel-format conversion to the one layout grabseg works in: ``(H, W, 3)`` uint8 RGB.

Bottom layer (numpy only), shared by ``core`` (arrays passed to ``segment``) and
``io`` (files read from disk).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def to_rgb8(image: npt.ArrayLike, *, name: str = "image") -> npt.NDArray[np.uint8]:
    """Convert an image array to ``(H, W, 3)`` uint8 RGB, never modifying the input.

    Parameters
    ----------
    image : (H, W), (H, W, 1), (H, W, 3) or (H, W, 4) array
        Grey, RGB or RGBA. Supported dtypes and their conversion:

        - ``uint8``: used as is.
        - ``bool``: False -> 0, True -> 255.
        - ``uint16`` / other integers: linearly rescaled from ``[0, max]`` to ``[0, 255]``,
          where ``max`` is 65535 for uint16 data using more than 12 bits, 4095 for
          12-bit data (max <= 4095), and the dtype's max otherwise.
        - floating point: values are expected in ``[0, 1]`` (clipped) and scaled by 255;
          if the maximum exceeds 1, they are taken as ``[0, 255]`` and clipped.
        - grey is replicated to three channels; the alpha channel of RGBA is dropped.
    name : str
        Used in error messages.

    Returns
    -------
    (H, W, 3) uint8 ndarray
        A new C-contiguous array.

    Raises
    ------
    TypeError
        If the dtype is not numeric (e.g. object, complex, string).
    ValueError
        If the shape is not one of the above, an image dimension is smaller than
        2 pixels, or a float image contains NaN or infinity.
    """
    arr = np.asarray(image)
    if arr.dtype == object or np.issubdtype(arr.dtype, np.complexfloating) or not (
        np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_
    ):
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] not in (3, 4)):
        raise ValueError(
            f"{name} must have shape (H, W), (H, W, 3) or (H, W, 4), got shape {arr.shape}"
        )
    if arr.shape[0] < 2 or arr.shape[1] < 2:
        raise ValueError(f"{name} must be at least 2x2 pixels, got shape {arr.shape}")
    arr8 = _to_uint8(arr, name)
    if arr8.ndim == 2:
        arr8 = np.repeat(arr8[:, :, None], 3, axis=2)
    elif arr8.shape[2] == 4:
        arr8 = arr8[:, :, :3]
    return np.ascontiguousarray(arr8) if arr8 is not arr else arr8.copy()


def _to_uint8(arr: np.ndarray, name: str) -> np.ndarray:
    if arr.dtype == np.uint8:
        return arr
    if arr.dtype == np.bool_:
        return arr.astype(np.uint8) * 255
    if np.issubdtype(arr.dtype, np.floating):
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} contains NaN or infinite values")
        scale = 255.0 if arr.max(initial=0.0) <= 1.0 else 1.0
        return np.clip(np.rint(arr * scale), 0, 255).astype(np.uint8)
    info = np.iinfo(arr.dtype)
    top = float(info.max)
    if arr.dtype == np.uint16 and int(arr.max(initial=0)) <= 4095:
        top = 4095.0
    lo = np.clip(arr.astype(np.float64), 0, None)
    return np.clip(np.rint(lo * (255.0 / top)), 0, 255).astype(np.uint8)
