"""Wire format round trips: masks, scribble maps (sparse and dense), requests, results."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from grabseg.jobs import SegmentRequest, SegmentResult
from grabseg.jobs.transfer import (
    decode_request,
    decode_result,
    decode_scribbles,
    encode_request,
    encode_result,
    encode_scribbles,
    pack_mask,
    unpack_mask,
)


@pytest.mark.parametrize("shape", [(1, 1), (3, 5), (17, 9), (64, 64)])
def test_mask_round_trip_any_shape(shape: tuple[int, int]) -> None:
    mask = np.random.default_rng(1).random(shape) > 0.5
    (h, w), data = pack_mask(mask)
    assert (h, w) == shape
    assert len(data) == -(-mask.size // 8)
    back = unpack_mask(((h, w), data))
    assert back.dtype == bool and np.array_equal(back, mask)


def test_pack_mask_rejects_3d() -> None:
    with pytest.raises(ValueError, match=r"mask must be 2-D \(H, W\), got shape \(2, 2, 3\)"):
        pack_mask(np.zeros((2, 2, 3), bool))


def test_sparse_scribbles_round_trip_and_are_small() -> None:
    scribbles = np.zeros((200, 300), np.uint8)
    scribbles[10, 5:40] = 1
    scribbles[150, 100:130] = 2
    encoded = encode_scribbles(scribbles)
    assert encoded[0] == "sparse"
    assert len(pickle.dumps(encoded)) < 1000
    assert np.array_equal(decode_scribbles(encoded), scribbles)


def test_dense_scribbles_use_bit_planes() -> None:
    scribbles = np.random.default_rng(2).integers(0, 3, (31, 47)).astype(np.uint8)
    encoded = encode_scribbles(scribbles)
    assert encoded[0] == "planes"
    assert np.array_equal(decode_scribbles(encoded), scribbles)


def test_request_and_result_round_trip() -> None:
    scribbles = np.zeros((8, 9), np.uint8)
    scribbles[2, 3] = 2
    request = SegmentRequest(7, "p.grabseg:3", "/x/y.png", (1, 2, 5, 6), scribbles, 3, "opencv")
    back = decode_request(pickle.loads(pickle.dumps(encode_request(request))))
    assert back.box == request.box and back.request_id == 7 and back.engine == "opencv"
    assert back.iterations == 3 and np.array_equal(back.scribbles, scribbles)
    mask = np.eye(8, 9, dtype=bool)
    result = decode_result(encode_result(SegmentResult(7, "k", mask, 0.5)))
    assert np.array_equal(result.mask, mask) and result.error is None
    failed = decode_result(encode_result(SegmentResult(8, "k", None, 0.1, "ValueError: bad")))
    assert failed.mask is None and failed.error == "ValueError: bad"
