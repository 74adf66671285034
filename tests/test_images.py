"""grabseg.pixels.to_rgb8 and grabseg.io.images: conversions and one bad file per case."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
import tifffile

from grabseg.io.images import ImageReadError, list_images, read_image, read_image_size
from grabseg.pixels import to_rgb8


def test_rgb_png_round_trip_keeps_channel_order(tmp_path: Path) -> None:
    rgb = np.zeros((4, 5, 3), np.uint8)
    rgb[..., 0] = 200  # red
    cv2.imwrite(str(tmp_path / "red.png"), rgb[:, :, ::-1])
    out = read_image(tmp_path / "red.png")
    assert out.shape == (4, 5, 3) and out.dtype == np.uint8
    assert (out[..., 0] == 200).all() and (out[..., 1:] == 0).all()


def test_16bit_tiff_is_rescaled_to_8bit(tmp_path: Path) -> None:
    data = np.full((6, 7), 65535, np.uint16)
    data[0, 0] = 0
    tifffile.imwrite(tmp_path / "deep.tif", data)
    out = read_image(tmp_path / "deep.tif")
    assert out.shape == (6, 7, 3)
    assert out[0, 0, 0] == 0 and out[1, 1, 2] == 255


def test_12bit_data_in_16bit_container_uses_12bit_range() -> None:
    data = np.array([[0, 4095], [2048, 4095]], np.uint16)
    out = to_rgb8(data)
    assert out[0, 1, 0] == 255 and abs(int(out[1, 0, 0]) - 128) <= 1


def test_float_grey_and_rgba_are_converted() -> None:
    grey = np.linspace(0, 1, 12).reshape(3, 4)
    assert to_rgb8(grey)[2, 3].tolist() == [255, 255, 255]
    rgba = np.zeros((3, 3, 4), np.uint8)
    rgba[..., 3] = 7
    assert to_rgb8(rgba).shape == (3, 3, 3)


def test_input_is_never_modified() -> None:
    data = np.arange(12, dtype=np.uint8).reshape(2, 2, 3)
    before = data.copy()
    out = to_rgb8(data)
    out[...] = 0
    assert np.array_equal(data, before)


@pytest.mark.parametrize(
    ("array", "error", "match"),
    [
        (np.zeros((1, 1, 3), np.uint8), ValueError, r"at least 2x2 pixels, got shape \(1, 1, 3\)"),
        (np.zeros((4, 4, 2), np.uint8), ValueError, r"got shape \(4, 4, 2\)"),
        (np.array([[np.nan, 0.0], [0.0, 0.0]]), ValueError, "NaN"),
        (np.array([["a", "b"], ["c", "d"]]), TypeError, "numeric array, got dtype <U1"),
    ],
)
def test_bad_arrays_name_what_was_received(array, error, match) -> None:
    with pytest.raises(error, match=match):
        to_rgb8(array)


def test_file_that_is_not_an_image(tmp_path: Path) -> None:
    bad = tmp_path / "notes.png"
    bad.write_text("this is text, not a picture")
    with pytest.raises(ImageReadError, match="notes.png: cannot decode as an image"):
        read_image(bad)


def test_empty_and_truncated_files(tmp_path: Path) -> None:
    (tmp_path / "empty.jpg").write_bytes(b"")
    with pytest.raises(ImageReadError, match="empty"):
        read_image(tmp_path / "empty.jpg")
    ok, buf = cv2.imencode(".png", np.full((50, 50, 3), 90, np.uint8))
    (tmp_path / "cut.png").write_bytes(buf.tobytes()[:40])
    with pytest.raises(ImageReadError, match="cut.png"):
        read_image(tmp_path / "cut.png")


def test_missing_file() -> None:
    with pytest.raises(FileNotFoundError, match="image file not found"):
        read_image("/nonexistent/photo.jpg")


def test_size_from_header_matches_decode(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "a.jpg"), np.zeros((30, 41, 3), np.uint8))
    assert read_image_size(tmp_path / "a.jpg") == (41, 30)
    bad = tmp_path / "b.png"
    bad.write_bytes(b"\x89PNG garbage")
    with pytest.raises(ImageReadError):
        read_image_size(bad)


def test_list_images_skips_hidden_and_non_images(tmp_path: Path) -> None:
    for rel in ("a.jpg", "sub/b.PNG", ".hidden/c.png", "notes.txt"):
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"x")
    assert [p.relative_to(tmp_path).as_posix() for p in list_images(tmp_path)] == ["a.jpg", "sub/b.PNG"]
