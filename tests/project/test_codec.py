"""Mask storage codec: exact round-trips, compact size, damage detection."""

from __future__ import annotations

import numpy as np
import pytest

from grabseg.project.codec import decode_mask, encode_mask, mask_bbox


@pytest.mark.parametrize("shape", [(1, 1), (1, 17), (9, 1), (13, 29), (120, 160)])
@pytest.mark.parametrize("density", [0.001, 0.3, 1.0])
def test_round_trip_is_exact(shape: tuple[int, int], density: float) -> None:
    rng = np.random.default_rng(shape[0] * 1000 + shape[1])
    mask = rng.random(shape) < density
    mask[shape[0] // 2, shape[1] // 2] = True
    enc = encode_mask(mask)
    assert np.array_equal(decode_mask(enc.bbox, enc.data, enc.crc, shape), mask)


def test_bbox_and_size() -> None:
    mask = np.zeros((2000, 2000), bool)
    yy, xx = np.ogrid[:2000, :2000]
    mask[(yy - 1000) ** 2 + (xx - 900) ** 2 < 500**2] = True
    enc = encode_mask(mask)
    assert enc.bbox == (401, 501, 1400, 1500) == mask_bbox(mask)
    assert len(enc.data) < 10_000  # 4 MB as bool, 500 kB as bits
    assert mask_bbox(np.zeros((3, 3), bool)) is None


def test_empty_mask_is_refused() -> None:
    with pytest.raises(ValueError, match=r"mask of shape \(4, 6\) is empty"):
        encode_mask(np.zeros((4, 6), bool))


def test_damage_is_detected() -> None:
    mask = np.zeros((10, 10), bool)
    mask[2:5, 3:9] = True
    enc = encode_mask(mask)
    with pytest.raises(ValueError, match="CRC-32"):
        decode_mask(enc.bbox, enc.data[:-1] + b"\x00", enc.crc, (10, 10))
    with pytest.raises(ValueError, match=r"outside the 8x10 image"):
        decode_mask(enc.bbox, enc.data, enc.crc, (10, 8))
    with pytest.raises(ValueError, match="a 3x5 crop needs 2"):
        decode_mask((3, 2, 8, 5), enc.data, enc.crc, (10, 10))
