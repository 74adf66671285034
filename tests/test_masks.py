"""grabseg.masks: RLE against pycocotools, bbox/area, polygons both ways, z-order."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from pycocotools import mask as coco_mask

from grabseg import masks
from grabseg.types import Instance

# pycocotools 2.0.x's decode trips numpy 2's __array__(copy=...) deprecation; that is
# the reference reader's own warning, not ours.
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)


def _random_masks(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    for k in range(n):
        h, w = (int(v) for v in rng.integers(3, 50, 2))
        m = rng.random((h, w)) < rng.uniform(0.1, 0.9)
        if k % 2:  # blobby shapes with holes and several parts
            m = cv2.GaussianBlur(m.astype(np.float32), (5, 5), 0) > 0.5
        yield m


def _coco(m: np.ndarray) -> dict:
    return coco_mask.encode(np.asfortranarray(m.astype(np.uint8)))


def test_rle_string_and_bbox_match_pycocotools():
    for m in _random_masks(120):
        ours, ref = masks.rle_encode(m), _coco(m)
        assert ours["size"] == list(ref["size"])
        assert ours["counts"] == ref["counts"].decode("ascii")
        assert masks.mask_bbox(m) == [int(v) for v in coco_mask.toBbox(ref)]
        assert masks.mask_area(m) == int(coco_mask.area(ref))


def test_rle_decodes_pycocotools_output_and_back():
    for m in _random_masks(60, seed=1):
        ref = _coco(m)
        decoded = masks.rle_decode({"size": list(ref["size"]), "counts": ref["counts"]})
        assert np.array_equal(decoded, m)
        ours = masks.rle_encode(m)
        back = coco_mask.decode({"size": ours["size"], "counts": ours["counts"].encode()})
        assert np.array_equal(back.astype(bool), m)


def test_uncompressed_rle_known_answer_and_pycocotools():
    m = np.array([[0, 1, 1], [0, 1, 0]], bool)  # column-major: 0 0 | 1 1 | 1 0
    rle = masks.rle_encode(m, compressed=False)
    assert rle == {"size": [2, 3], "counts": [2, 3, 1]}
    assert np.array_equal(masks.rle_decode(rle), m)
    ref = coco_mask.frPyObjects(rle, 2, 3)
    assert np.array_equal(coco_mask.decode(ref).astype(bool), m)
    starts_on = masks.rle_encode(np.ones((2, 2), bool), compressed=False)
    assert starts_on["counts"] == [0, 4]


def test_rle_decode_rejects_bad_counts():
    with pytest.raises(ValueError, match="sum to 5, expected H\\*W = 6"):
        masks.rle_decode({"size": [2, 3], "counts": [2, 3]})
    with pytest.raises(ValueError, match="invalid character"):
        masks.rle_decode({"size": [2, 3], "counts": "0 1"})


def test_bbox_area_of_empty_and_known_mask():
    m = np.zeros((10, 12), bool)
    assert masks.mask_bbox(m) == [0, 0, 0, 0] and masks.mask_area(m) == 0
    m[2:5, 3:9] = True
    assert masks.mask_bbox(m) == [3, 2, 6, 3] and masks.mask_area(m) == 18


@pytest.mark.parametrize("convention", ["edge", "center"])
def test_polygons_round_trip_exactly_with_holes_and_parts(convention):
    for m in _random_masks(80, seed=2):
        parts = masks.mask_to_polygons(m, convention=convention)
        assert np.array_equal(masks.parts_to_mask(parts, m.shape, convention=convention), m)


def test_polygons_keep_holes_and_parts():
    m = np.zeros((30, 40), bool)
    m[2:20, 2:20] = True
    m[8:12, 8:12] = False  # a hole
    m[5:9, 30:36] = True  # a second part
    parts = masks.mask_to_polygons(m)
    assert len(parts) == 2
    assert sorted(len(p.holes) for p in parts) == [0, 1]
    assert not masks.has_holes(m[:, 25:]) and masks.has_holes(m)


def test_edge_polygons_rasterise_exactly_in_pycocotools():
    for m in _random_masks(80, seed=3):
        for part in masks.mask_to_polygons(m, convention="edge"):
            if part.holes:
                continue
            h, w = m.shape
            ref = coco_mask.decode(coco_mask.frPyObjects([part.exterior.ravel().tolist()], h, w))
            ours = masks.parts_to_mask([part], m.shape, convention="edge")
            assert np.array_equal(ref[:, :, 0].astype(bool), ours)


def test_edge_square_known_answer():
    m = np.zeros((6, 6), bool)
    m[1:3, 2:5] = True
    (part,) = masks.mask_to_polygons(m, convention="edge")
    xs, ys = part.exterior[:, 0], part.exterior[:, 1]
    assert (xs.min(), xs.max(), ys.min(), ys.max()) == (2.25, 4.75, 1.25, 2.75)


def test_center_polygons_have_three_vertices_even_for_one_pixel():
    m = np.zeros((5, 5), bool)
    m[2, 3] = True
    (part,) = masks.mask_to_polygons(m, convention="center")
    assert part.exterior.shape == (3, 2) and np.all(part.exterior == [3, 2])
    assert np.array_equal(masks.parts_to_mask([part], m.shape, convention="center"), m)


def test_polygons_to_mask_unites_rings_and_checks_input():
    a = [[1, 1], [4, 1], [4, 4], [1, 4]]
    b = [3, 3, 6, 3, 6, 6, 3, 6]
    out = masks.polygons_to_mask([a, b], (8, 8), convention="center")
    assert out[1:5, 1:5].all() and out[3:7, 3:7].all() and out.sum() == 16 + 16 - 4
    with pytest.raises(ValueError, match="even number of coordinates, got 5"):
        masks.polygons_to_mask([[1, 2, 3, 4, 5]], (8, 8))
    with pytest.raises(ValueError, match="convention must be 'edge' or 'center', got 'x'"):
        masks.mask_to_polygons(np.ones((2, 2), bool), convention="x")


def test_resolve_overlaps_higher_z_wins_then_later_in_list():
    a = np.zeros((4, 6), bool)
    a[:, :4] = True
    b = np.zeros((4, 6), bool)
    b[:, 2:] = True
    labels = masks.resolve_overlaps([Instance(1, a, z=5), Instance(2, b, z=1)])
    assert (labels[:, :4] == 1).all() and (labels[:, 4:] == 2).all()
    tie = masks.resolve_overlaps([Instance(1, a, z=0), Instance(2, b, z=0)])
    assert (tie[:, :2] == 1).all() and (tie[:, 2:] == 2).all()
    assert masks.resolve_overlaps([], (3, 2)).shape == (3, 2)


def test_resolve_overlaps_bad_input():
    with pytest.raises(ValueError, match="needs shape"):
        masks.resolve_overlaps([])
    pair = [Instance(1, np.ones((3, 3), bool)), Instance(1, np.ones((2, 2), bool))]
    msg = r"instances\[1\].mask has shape \(2, 2\), expected \(3, 3\)"
    with pytest.raises(ValueError, match=msg):
        masks.resolve_overlaps(pair)
    with pytest.raises(ValueError, match="2-D"):
        masks.mask_bbox(np.ones(3, bool))
    with pytest.raises(TypeError, match="boolean or integer, got dtype float64"):
        masks.mask_area(np.ones((2, 2)))


def test_mask_iou():
    a = np.zeros((4, 4), bool)
    a[:2] = True
    b = np.zeros((4, 4), bool)
    b[1:3] = True
    assert masks.mask_iou(a, b) == pytest.approx(4 / 12)
    assert masks.mask_iou(np.zeros((2, 2), bool), np.zeros((2, 2), bool)) == 1.0
