"""Read image files into ``(H, W, 3)`` uint8 RGB with clear errors.

OpenCV decodes; EXIF orientation is applied (``IMREAD_COLOR`` does it, and the
unchanged path applies it by hand) so masks line up with what a viewer shows.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from grabseg.pixels import to_rgb8

#: File suffixes treated as images when scanning folders (lower case).
IMAGE_SUFFIXES: frozenset[str] = frozenset(
    {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"}
)

# Camera photos of 20+ MP are normal here; OpenCV's own limit is 2^30 pixels.
os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", str(2**31 - 1))


class ImageReadError(ValueError):
    """A file could not be read as an image; the message names the file and the cause."""


def is_image_path(path: str | os.PathLike[str]) -> bool:
    """True if the suffix is one grabseg reads (case-insensitive)."""
    return Path(path).suffix.lower() in IMAGE_SUFFIXES


def read_image(path: str | os.PathLike[str]) -> npt.NDArray[np.uint8]:
    """Read an image file as ``(H, W, 3)`` uint8 RGB.

    Grey, RGBA, 16-bit and float files are converted as ``grabseg.pixels.to_rgb8``
    documents (16-bit data is rescaled to 8 bits; alpha is dropped).

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ImageReadError
        If the file is empty, not an image, truncated, or in a layout grabseg
        cannot use (the message says which).
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"image file not found: {p}")
    data = np.fromfile(str(p), dtype=np.uint8)
    if data.size == 0:
        raise ImageReadError(f"{p}: file is empty (0 bytes), not an image")
    raw = cv2.imdecode(data, cv2.IMREAD_UNCHANGED | cv2.IMREAD_IGNORE_ORIENTATION)
    if raw is None:
        raise ImageReadError(
            f"{p}: cannot decode as an image (not an image file, or truncated/corrupt)"
        )
    if raw.dtype == np.uint8 and raw.ndim == 3 and raw.shape[2] == 3:
        # The common case: let OpenCV apply EXIF orientation while decoding.
        bgr = cv2.imdecode(data, cv2.IMREAD_COLOR)
        return np.ascontiguousarray(bgr[:, :, ::-1])
    try:
        rgb = to_rgb8(_bgr_to_rgb(raw), name=str(p))
    except (TypeError, ValueError) as exc:
        raise ImageReadError(f"{p}: unsupported image layout ({exc})") from exc
    return rgb


def _bgr_to_rgb(raw: np.ndarray) -> np.ndarray:
    if raw.ndim == 3 and raw.shape[2] == 3:
        return raw[:, :, ::-1]
    if raw.ndim == 3 and raw.shape[2] == 4:
        return raw[:, :, [2, 1, 0, 3]]
    return raw


def read_image_size(path: str | os.PathLike[str]) -> tuple[int, int]:
    """Return ``(width, height)`` of an image file as ``read_image`` would load it.

    Reads only the header with Pillow (EXIF orientation applied: a 90-degree
    rotation swaps width and height) and falls back to a full decode when Pillow
    cannot identify the file. Raises like ``read_image``.
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"image file not found: {p}")
    try:
        from PIL import Image

        Image.MAX_IMAGE_PIXELS = None  # 20+ MP photos are normal here, not bombs
        with Image.open(p) as im:
            width, height = im.size
            orientation = im.getexif().get(0x0112, 1)
        if orientation in (5, 6, 7, 8):
            width, height = height, width
        if width >= 2 and height >= 2:
            return int(width), int(height)
    except Exception:  # noqa: BLE001 - any Pillow failure: let OpenCV decide
        pass
    image = read_image(p)
    return int(image.shape[1]), int(image.shape[0])


def file_sha256(path: str | os.PathLike[str], *, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file's bytes (used to relink moved images)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def list_images(folder: str | os.PathLike[str], *, recursive: bool = True) -> list[Path]:
    """Image files under ``folder`` (sorted, hidden folders skipped)."""
    root = Path(folder)
    if not root.is_dir():
        raise NotADirectoryError(f"not a folder: {root}")
    pattern = root.rglob("*") if recursive else root.glob("*")
    out = [
        p
        for p in pattern
        if p.is_file()
        and is_image_path(p)
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    ]
    return sorted(out)
