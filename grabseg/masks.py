"""Mask geometry shared by every exporter and importer (numpy + OpenCV only).

A *mask* is a boolean ``(H, W)`` array and the source of truth; RLE, bbox and
polygons are derived from it here, and :func:`resolve_overlaps` is the one
place where overlapping instances are settled by z-order.

Polygon conventions (``convention=``):

``"center"``
    Vertices are pixel centres of the mask's boundary pixels (integer
    coordinates, as ``cv2.findContours`` gives them). A rasteriser that fills
    the polygon *including its outline* (``cv2.fillPoly``, PIL
    ``ImageDraw.polygon(outline=...)``; what labelme and YOLO tools use) gives
    the mask back.
``"edge"``
    Pixel ``(i, j)`` is the unit square ``[i, i+1] x [j, j+1]`` (COCO's
    coordinates). Vertices sit a quarter pixel outside the boundary pixels'
    centres, so no pixel centre ever lies on an edge, and a rasteriser that
    keeps pixels whose *centre* is inside (``pycocotools``) gives the mask
    back exactly. Used for COCO.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

import cv2
import numpy as np
import numpy.typing as npt

from grabseg.types import Instance

Convention = Literal["center", "edge"]
BoolMask = npt.NDArray[np.bool_]


def _check_mask(mask: np.ndarray, name: str = "mask") -> BoolMask:
    arr = np.asarray(mask)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D (H, W) array, got shape {arr.shape}")
    if arr.dtype != np.bool_:
        if not np.issubdtype(arr.dtype, np.integer):
            raise TypeError(f"{name} must be boolean or integer, got dtype {arr.dtype}")
        arr = arr != 0
    return arr


# --------------------------------------------------------------------- RLE

def rle_encode(mask: npt.ArrayLike, *, compressed: bool = True) -> dict:
    """COCO run-length encoding of a mask (column-major, first run is zeros).

    Parameters
    ----------
    mask : (H, W) bool or integer array (non-zero is foreground).
    compressed : bool
        True gives ``counts`` as the compact ASCII string pycocotools writes;
        False gives the uncompressed list of ints (COCO's ``iscrowd`` form).

    Returns
    -------
    dict
        ``{"size": [H, W], "counts": str | list[int]}``.
    """
    m = _check_mask(np.asarray(mask))
    h, w = m.shape
    flat = m.ravel(order="F")
    if flat.size == 0:
        counts: list[int] = [0]
    else:
        change = np.flatnonzero(flat[1:] != flat[:-1]) + 1
        bounds = np.concatenate(([0], change, [flat.size]))
        runs = np.diff(bounds)
        if flat[0]:
            runs = np.concatenate(([0], runs))
        counts = [int(c) for c in runs]
    return {"size": [h, w], "counts": _counts_to_string(counts) if compressed else counts}


def rle_decode(rle: dict) -> BoolMask:
    """Decode a COCO RLE dict (string or list ``counts``) into an ``(H, W)`` bool mask."""
    if not isinstance(rle, dict) or "size" not in rle or "counts" not in rle:
        raise ValueError(f"RLE must be a dict with 'size' and 'counts', got {type(rle).__name__}")
    h, w = (int(v) for v in rle["size"])
    counts = rle["counts"]
    if isinstance(counts, bytes):
        counts = counts.decode("ascii")
    runs = np.asarray(_string_to_counts(counts) if isinstance(counts, str) else counts, np.int64)
    if runs.size and (runs.min() < 0 or runs.sum() != h * w):
        raise ValueError(f"RLE counts sum to {int(runs.sum())}, expected H*W = {h * w}")
    values = np.zeros(runs.size, np.bool_)
    values[1::2] = True
    flat = np.repeat(values, runs)
    return flat.reshape((w, h)).T.copy() if h * w else np.zeros((h, w), np.bool_)


def _counts_to_string(counts: Sequence[int]) -> str:
    """pycocotools ``rleToString``: delta (from i > 2) + 6-bit LEB128-like chars from '0'."""
    out: list[str] = []
    for i, c in enumerate(counts):
        x = int(c) - (int(counts[i - 2]) if i > 2 else 0)
        more = True
        while more:
            ch = x & 0x1F
            x >>= 5
            more = (x != -1) if (ch & 0x10) else (x != 0)
            if more:
                ch |= 0x20
            out.append(chr(ch + 48))
    return "".join(out)


def _string_to_counts(s: str) -> list[int]:
    """pycocotools ``rleFrString``, the inverse of :func:`_counts_to_string`."""
    counts: list[int] = []
    p, n = 0, len(s)
    while p < n:
        x, k, more = 0, 0, True
        while more:
            if p >= n:
                raise ValueError("truncated compressed RLE string")
            c = ord(s[p]) - 48
            if c < 0 or c > 63:
                raise ValueError(f"invalid character {s[p]!r} in compressed RLE string")
            x |= (c & 0x1F) << (5 * k)
            more = bool(c & 0x20)
            p += 1
            k += 1
            if not more and (c & 0x10):
                x |= -1 << (5 * k)
        if len(counts) > 2:
            x += counts[-2]
        counts.append(x)
    return counts


# ------------------------------------------------------------ measurements

def mask_area(mask: npt.ArrayLike) -> int:
    """Number of foreground pixels."""
    return int(np.count_nonzero(_check_mask(np.asarray(mask))))


def mask_bbox(mask: npt.ArrayLike) -> list[int]:
    """COCO bbox ``[x, y, w, h]`` of the foreground (``[0, 0, 0, 0]`` when empty)."""
    m = _check_mask(np.asarray(mask))
    rows = np.flatnonzero(m.any(axis=1))
    if rows.size == 0:
        return [0, 0, 0, 0]
    cols = np.flatnonzero(m.any(axis=0))
    return [int(cols[0]), int(rows[0]), int(cols[-1] - cols[0] + 1), int(rows[-1] - rows[0] + 1)]


def mask_iou(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Intersection over union of two masks of one shape (1.0 when both are empty)."""
    ma, mb = _check_mask(np.asarray(a), "a"), _check_mask(np.asarray(b), "b")
    if ma.shape != mb.shape:
        raise ValueError(f"mask shapes differ: {ma.shape} vs {mb.shape}")
    union = np.count_nonzero(ma | mb)
    return 1.0 if union == 0 else float(np.count_nonzero(ma & mb) / union)


def has_holes(mask: npt.ArrayLike) -> bool:
    """True if some background region is enclosed by foreground (8-connected foreground)."""
    m = _check_mask(np.asarray(mask)).astype(np.uint8)
    if not m.any():
        return False
    _, hierarchy = cv2.findContours(m, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    return bool(hierarchy is not None and (hierarchy[0][:, 3] >= 0).any())


# ---------------------------------------------------------------- overlaps

def resolve_overlaps(
    instances: Sequence[Instance], shape: tuple[int, int] | None = None
) -> npt.NDArray[np.int32]:
    """Label map of which instance owns each pixel, by z-order.

    The higher ``z`` wins a pixel claimed by several instances; on equal ``z``
    the later one in ``instances`` wins. This is THE overlap rule of every
    export format.

    Parameters
    ----------
    instances : sequence of Instance, each with an ``(H, W)`` mask.
    shape : (H, W), required when ``instances`` is empty.

    Returns
    -------
    (H, W) int32
        0 for background, ``k + 1`` where ``instances[k]`` is visible.
    """
    if shape is None:
        if not instances:
            raise ValueError("resolve_overlaps needs shape=(H, W) when there are no instances")
        shape = np.asarray(instances[0].mask).shape
    labels = np.zeros(tuple(shape), np.int32)
    order = sorted(range(len(instances)), key=lambda k: (instances[k].z, k))
    for k in order:
        m = _check_mask(np.asarray(instances[k].mask), f"instances[{k}].mask")
        if m.shape != labels.shape:
            raise ValueError(
                f"instances[{k}].mask has shape {m.shape}, expected {labels.shape}"
            )
        labels[m] = k + 1
    return labels


# ---------------------------------------------------------------- polygons

@dataclass(frozen=True)
class Part:
    """One 8-connected component of a mask as polygon rings.

    ``exterior`` and each of ``holes`` are ``(N, 2)`` float64 arrays of
    ``(x, y)`` vertices (not closed: the last vertex joins the first).
    """

    exterior: npt.NDArray[np.float64]
    holes: tuple[npt.NDArray[np.float64], ...] = ()


def mask_to_polygons(mask: npt.ArrayLike, *, convention: Convention = "edge") -> list[Part]:
    """Trace a mask into parts, each an exterior ring with its holes.

    Uses ``cv2.findContours`` with ``RETR_CCOMP``: every component is a part,
    every enclosed background region is a hole of its part, and an island
    inside a hole is a part of its own. Rasterising the result with
    :func:`parts_to_mask` (same ``convention``) gives the mask back.

    Parameters
    ----------
    mask : (H, W) bool or integer array.
    convention : {"edge", "center"}
        See the module docstring. ``"center"`` rings have at least 3 vertices
        (a one- or two-pixel part repeats its last vertex).

    Returns
    -------
    list of Part, in ``findContours`` order (deterministic).
    """
    m = _check_mask(np.asarray(mask))
    if convention not in ("edge", "center"):
        raise ValueError(f"convention must be 'edge' or 'center', got {convention!r}")
    x, y, w, h = mask_bbox(m)
    if w == 0:
        return []
    crop = m[y : y + h, x : x + w].astype(np.uint8)
    if convention == "edge":
        crop = np.repeat(np.repeat(crop, 2, axis=0), 2, axis=1)
    contours, hierarchy = cv2.findContours(crop, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    rings = [_to_image_coords(c, x, y, convention) for c in contours]
    parents = hierarchy[0][:, 3]
    parts = []
    for k, parent in enumerate(parents):
        if parent < 0:
            holes = tuple(rings[j] for j in np.flatnonzero(parents == k))
            parts.append(Part(rings[k], holes))
    return parts


def _to_image_coords(contour: np.ndarray, x0: int, y0: int, convention: str) -> np.ndarray:
    pts = contour.reshape(-1, 2).astype(np.float64)
    if convention == "edge":
        # pixel i is the square [i, i+1]; sub-pixel k of the 2x grid is centred at k/2 + 0.25
        return pts / 2.0 + 0.25 + (x0, y0)
    pts += (x0, y0)
    if len(pts) < 3:
        pts = np.concatenate([pts, np.repeat(pts[-1:], 3 - len(pts), axis=0)])
    return pts


def polygons_to_mask(
    rings: Sequence[npt.ArrayLike], shape: tuple[int, int], *, convention: Convention = "edge"
) -> BoolMask:
    """Union of filled rings (each filled on its own), as COCO and labelme read polygons.

    Parameters
    ----------
    rings : sequence of (N, 2) ``(x, y)`` vertex arrays, or flat ``[x0, y0, x1, y1, ...]``.
    shape : (H, W) of the output.
    convention : {"edge", "center"}
        ``"edge"`` keeps pixels whose centre is inside (pycocotools);
        ``"center"`` also keeps pixels the outline passes through (cv2.fillPoly, PIL).
    """
    out = np.zeros(tuple(shape), np.bool_)
    for ring in rings:
        out |= _fill(_as_ring(ring), shape, convention)
    return out


def parts_to_mask(
    parts: Sequence[Part], shape: tuple[int, int], *, convention: Convention = "edge"
) -> BoolMask:
    """Rasterise parts (exterior minus holes, even-odd), the inverse of :func:`mask_to_polygons`."""
    out = np.zeros(tuple(shape), np.bool_)
    for part in parts:
        out |= _fill([part.exterior, *part.holes], shape, convention)
    return out


def _as_ring(ring: npt.ArrayLike) -> list[np.ndarray]:
    arr = np.asarray(ring, np.float64)
    if arr.ndim == 1:
        if arr.size % 2:
            raise ValueError(f"flat polygon needs an even number of coordinates, got {arr.size}")
        arr = arr.reshape(-1, 2)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"polygon must be (N, 2) or flat [x, y, ...], got shape {arr.shape}")
    return [arr]


def _fill(rings: list[np.ndarray], shape: tuple[int, int], convention: str) -> BoolMask:
    h, w = int(shape[0]), int(shape[1])
    if convention == "center":
        canvas = np.zeros((h, w), np.uint8)
        pts = [np.round(r).astype(np.int32).reshape(-1, 1, 2) for r in rings if len(r)]
        if pts:
            cv2.fillPoly(canvas, pts, 1)
        return canvas.astype(np.bool_)
    if convention != "edge":
        raise ValueError(f"convention must be 'edge' or 'center', got {convention!r}")
    return _scanline_fill([r - 0.5 for r in rings], h, w)


def _scanline_fill(rings: list[np.ndarray], h: int, w: int) -> BoolMask:
    """Even-odd fill keeping pixels whose centre ``(i, j)`` is inside (half-open spans)."""
    rows_all, xs_all = [], []
    for ring in rings:
        if len(ring) < 3:
            continue
        p0, p1 = ring, np.roll(ring, -1, axis=0)
        ylo, yhi = np.minimum(p0[:, 1], p1[:, 1]), np.maximum(p0[:, 1], p1[:, 1])
        j0 = np.clip(np.ceil(ylo), 0, h).astype(np.int64)
        j1 = np.clip(np.ceil(yhi), 0, h).astype(np.int64)
        n = np.maximum(j1 - j0, 0)
        if not n.any():
            continue
        edge = np.repeat(np.arange(len(ring)), n)
        rows = j0[edge] + (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n))
        t = (rows - p0[edge, 1]) / (p1[edge, 1] - p0[edge, 1])
        rows_all.append(rows)
        xs_all.append(p0[edge, 0] + t * (p1[edge, 0] - p0[edge, 0]))
    acc = np.zeros((h, w + 1), np.int32)
    if rows_all:
        rows, xs = np.concatenate(rows_all), np.concatenate(xs_all)
        order = np.lexsort((xs, rows))
        rows, xs = rows[order], xs[order]
        start, stop = rows[0::2], rows[1::2]
        if start.shape != stop.shape or np.any(start != stop):
            raise ValueError("polygon rings are not closed (odd crossings on a row)")
        xa = np.clip(np.ceil(xs[0::2]), 0, w).astype(np.int64)
        xb = np.clip(np.ceil(xs[1::2]), 0, w).astype(np.int64)
        np.add.at(acc, (start, xa), 1)
        np.add.at(acc, (start, xb), -1)
    return np.cumsum(acc, axis=1)[:, :w] > 0
