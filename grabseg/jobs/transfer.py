"""Compact wire format for masks and scribble maps sent to and from the worker process.

A boolean ``(H, W)`` mask travels as ``np.packbits`` bytes (1 bit per pixel). A
scribble map travels either sparse (flat indices + labels, good for thin strokes)
or as two packed bit planes (foreground, background), whichever is smaller.
Everything here is plain tuples of bytes and ints, so pickling stays cheap.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from grabseg.jobs.requests import SegmentRequest, SegmentResult

PackedMask = tuple[tuple[int, int], bytes]


def pack_mask(mask: npt.NDArray[np.bool_]) -> PackedMask:
    """Pack a boolean ``(H, W)`` mask into ``((H, W), bytes)`` at one bit per pixel."""
    arr = np.asarray(mask)
    if arr.ndim != 2:
        raise ValueError(f"mask must be 2-D (H, W), got shape {arr.shape}")
    bits = np.packbits(arr.astype(bool, copy=False)).tobytes()
    return (int(arr.shape[0]), int(arr.shape[1])), bits


def unpack_mask(packed: PackedMask) -> npt.NDArray[np.bool_]:
    """Inverse of :func:`pack_mask`: a new C-contiguous boolean ``(H, W)`` array."""
    (h, w), data = packed
    bits = np.unpackbits(np.frombuffer(data, np.uint8), count=h * w)
    return bits.reshape(h, w).view(bool)


def encode_scribbles(scribbles: npt.NDArray[np.uint8] | None) -> tuple | None:
    """Encode a uint8 ``(H, W)`` scribble map (values 0/1/2) for the wire; None stays None."""
    if scribbles is None:
        return None
    arr = np.asarray(scribbles)
    if arr.ndim != 2:
        raise ValueError(f"scribbles must be a 2-D (H, W) map, got shape {arr.shape}")
    shape = (int(arr.shape[0]), int(arr.shape[1]))
    flat = arr.ravel()
    idx = np.flatnonzero(flat)
    index_dtype = np.dtype(np.uint32 if flat.size < 2**32 else np.uint64)
    if idx.size * (index_dtype.itemsize + 1) <= flat.size // 4:
        labels = flat[idx].astype(np.uint8).tobytes()
        return ("sparse", shape, idx.astype(index_dtype).tobytes(), index_dtype.str, labels)
    fg = np.packbits(flat == 1).tobytes()
    bg = np.packbits(flat == 2).tobytes()
    return ("planes", shape, fg, bg)


def decode_scribbles(encoded: tuple | None) -> npt.NDArray[np.uint8] | None:
    """Inverse of :func:`encode_scribbles`."""
    if encoded is None:
        return None
    kind, (h, w) = encoded[0], encoded[1]
    out = np.zeros(h * w, np.uint8)
    if kind == "sparse":
        idx = np.frombuffer(encoded[2], np.dtype(encoded[3]))
        out[idx] = np.frombuffer(encoded[4], np.uint8)
    else:
        out[np.unpackbits(np.frombuffer(encoded[2], np.uint8), count=h * w).view(bool)] = 1
        out[np.unpackbits(np.frombuffer(encoded[3], np.uint8), count=h * w).view(bool)] = 2
    return out.reshape(h, w)


def encode_request(request: SegmentRequest) -> dict[str, Any]:
    """A request as a small dict of plain values (scribbles encoded)."""
    return {
        "request_id": request.request_id,
        "image_key": request.image_key,
        "image_path": request.image_path,
        "box": None if request.box is None else tuple(int(v) for v in request.box),
        "scribbles": encode_scribbles(request.scribbles),
        "iterations": request.iterations,
        "engine": request.engine,
    }


def decode_request(payload: dict[str, Any]) -> SegmentRequest:
    """Inverse of :func:`encode_request`."""
    return SegmentRequest(**{**payload, "scribbles": decode_scribbles(payload["scribbles"])})


def encode_result(result: SegmentResult) -> tuple:
    """A result as a plain tuple with the mask packed."""
    packed = None if result.mask is None else pack_mask(result.mask)
    return (result.request_id, result.image_key, packed, result.seconds, result.error)


def decode_result(payload: tuple) -> SegmentResult:
    """Inverse of :func:`encode_result`."""
    request_id, image_key, packed, seconds, error = payload
    mask = None if packed is None else unpack_mask(packed)
    return SegmentResult(request_id, image_key, mask, seconds, error)
