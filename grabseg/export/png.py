"""PNG encoding and decoding for label maps, and PIL shape drawing (the one module using Pillow).

OpenCV cannot write or read palette ("P" mode) PNGs as raw indices, so palette
PNGs go through Pillow; everything else goes through OpenCV. Importers read
label PNGs with :func:`read_label_png` so a palette PNG gives its indices, not
colours. :func:`draw_shape` fills shapes exactly as labelme does (PIL
``ImageDraw`` with outline), which fractional labelme vertices need to come
out pixel-identical.
"""

from __future__ import annotations

import io
import os

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw


def voc_palette(n: int = 256) -> npt.NDArray[np.uint8]:
    """The standard PASCAL VOC colormap, ``(n, 3)`` uint8 RGB (index 0 black, 255 cream)."""
    cmap = np.zeros((n, 3), np.uint8)
    for i in range(n):
        c, r, g, b = i, 0, 0, 0
        for j in range(8):
            r |= ((c >> 0) & 1) << (7 - j)
            g |= ((c >> 1) & 1) << (7 - j)
            b |= ((c >> 2) & 1) << (7 - j)
            c >>= 3
        cmap[i] = (r, g, b)
    return cmap


def encode_palette_png(labels: npt.NDArray[np.uint8], palette: npt.NDArray[np.uint8]) -> bytes:
    """Encode a ``(H, W)`` uint8 index map as an 8-bit palette PNG."""
    if labels.dtype != np.uint8 or labels.ndim != 2:
        raise ValueError(f"labels must be (H, W) uint8, got {labels.dtype} {labels.shape}")
    h, w = labels.shape
    img = Image.frombytes("P", (w, h), np.ascontiguousarray(labels).tobytes())
    img.putpalette(np.asarray(palette, np.uint8).reshape(-1).tolist())
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def encode_png(array: npt.NDArray[np.uint8]) -> bytes:
    """Encode ``(H, W)`` grey or ``(H, W, 3)`` RGB uint8 as PNG (OpenCV)."""
    if array.dtype != np.uint8 or array.ndim not in (2, 3):
        raise ValueError(f"expected (H, W) or (H, W, 3) uint8, got {array.dtype} {array.shape}")
    data = array if array.ndim == 2 else np.ascontiguousarray(array[:, :, ::-1])
    ok, buf = cv2.imencode(".png", data)
    if not ok:
        raise ValueError("OpenCV could not encode the PNG")
    return buf.tobytes()


def encode_mask_png(mask: npt.NDArray[np.bool_]) -> bytes:
    """A boolean mask as a grey PNG with 0 and 255."""
    return encode_png(np.where(mask, np.uint8(255), np.uint8(0)))


def decode_label_png(data: bytes, *, name: str = "PNG") -> npt.NDArray[np.uint8]:
    """Indices of a palette PNG, or the values of a grey PNG, as ``(H, W)`` uint8.

    Raises ``ValueError`` for RGB/RGBA images and undecodable data.
    """
    try:
        img = Image.open(io.BytesIO(data))
        img.load()
    except Exception as exc:  # Pillow raises many types for bad data
        raise ValueError(f"{name}: cannot decode as a PNG ({exc})") from exc
    if img.mode in ("P", "L"):
        return np.asarray(img, np.uint8).copy()
    if img.mode == "1":
        return np.asarray(img, np.uint8) * np.uint8(255)
    if img.mode in ("I;16", "I;16B", "I"):
        arr = np.asarray(img)
        if arr.max(initial=0) > 255:
            raise ValueError(f"{name}: label values above 255 are not supported")
        return arr.astype(np.uint8)
    raise ValueError(f"{name}: expected a palette or grey PNG, got mode {img.mode!r}")


def read_label_png(path: str | os.PathLike[str]) -> npt.NDArray[np.uint8]:
    """:func:`decode_label_png` of a file; ``FileNotFoundError`` when missing."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f"label PNG not found: {path}")
    with open(path, "rb") as fh:
        return decode_label_png(fh.read(), name=str(path))


def decode_rgb_png(data: bytes, *, name: str = "PNG") -> npt.NDArray[np.uint8]:
    """An RGB PNG as ``(H, W, 3)`` uint8 (for panoptic PNGs)."""
    arr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if arr is None:
        raise ValueError(f"{name}: cannot decode as a PNG")
    return np.ascontiguousarray(arr[:, :, ::-1])


def draw_shape(kind: str, points: npt.ArrayLike, shape: tuple[int, int]) -> npt.NDArray[np.bool_]:
    """Fill a polygon, rectangle (2 corners) or ellipse (2 bbox corners) with its outline.

    Parameters
    ----------
    kind : {"polygon", "rectangle", "ellipse"}
    points : (N, 2) float ``(x, y)`` in pixel-centre coordinates.
    shape : (H, W) of the output.
    """
    h, w = int(shape[0]), int(shape[1])
    img = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(img)
    xy = [(float(x), float(y)) for x, y in np.asarray(points, np.float64).reshape(-1, 2)]
    if kind == "polygon":
        draw.polygon(xy, outline=1, fill=1)
    elif kind == "rectangle":
        (x0, y0), (x1, y1) = xy[:2]
        draw.rectangle([min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)], outline=1, fill=1)
    elif kind == "ellipse":
        draw.ellipse(xy[:2], outline=1, fill=1)
    else:
        raise ValueError(f"kind must be 'polygon', 'rectangle' or 'ellipse', got {kind!r}")
    return np.asarray(img, np.uint8).astype(np.bool_)
