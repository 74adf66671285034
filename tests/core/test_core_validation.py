"""One test per bad input of ``segment`` / ``GrabCutSession``, each matching its message."""

from __future__ import annotations

import numpy as np
import pytest

from grabseg.core import GrabCutSession, segment
from grabseg.types import Box
from core_helpers import centred_square

BOX = (20, 10, 80, 70)


def test_empty_box(disk_image):
    with pytest.raises(ValueError, match=r"box .*\(20, 10, 20, 70\) is empty or inverted"):
        segment(disk_image[0], (20, 10, 20, 70))


def test_inverted_box(disk_image):
    with pytest.raises(ValueError, match=r"\(80, 10, 20, 70\) is empty or inverted"):
        segment(disk_image[0], (80, 10, 20, 70))


def test_box_outside_image(disk_image):
    with pytest.raises(ValueError, match=r"\(20, 10, 120, 70\) lies outside the 100x80"):
        segment(disk_image[0], (20, 10, 120, 70))


def test_box_negative_corner(disk_image):
    with pytest.raises(ValueError, match=r"\(-1, 10, 50, 70\) lies outside"):
        segment(disk_image[0], Box(-1, 10, 50, 70))


def test_box_wrong_length(disk_image):
    with pytest.raises(ValueError, match=r"box must be 4 numbers .* got shape \(3,\)"):
        segment(disk_image[0], (1, 2, 3))


def test_box_not_numbers(disk_image):
    with pytest.raises(TypeError, match=r"box must be 4 numbers .*'a'"):
        segment(disk_image[0], ("a", 1, 2, 3))


def test_box_fractional(disk_image):
    with pytest.raises(ValueError, match=r"whole pixels, got \(1.5, 2, 30, 40\)"):
        segment(disk_image[0], (1.5, 2, 30, 40))


def test_scribbles_wrong_shape(disk_image):
    msg = r"scribbles must have the image's shape \(80, 100\), got shape \(80, 99\)"
    with pytest.raises(ValueError, match=msg):
        segment(disk_image[0], BOX, scribbles=np.zeros((80, 99), np.uint8))


def test_scribbles_bad_values(disk_image):
    s = np.zeros((80, 100), np.uint8)
    s[0, 0], s[1, 1] = 3, 255
    with pytest.raises(ValueError, match=r"only hold 0 .* got values \[3, 255\]"):
        segment(disk_image[0], BOX, scribbles=s)


def test_scribbles_float(disk_image):
    with pytest.raises(TypeError, match=r"scribbles must be an integer .* got dtype float64"):
        segment(disk_image[0], BOX, scribbles=np.zeros((80, 100)))


def test_prior_nan(disk_image):
    p = np.full((80, 100), 0.5)
    p[3, 4] = np.nan
    with pytest.raises(ValueError, match=r"prior contains 1 NaN values"):
        segment(disk_image[0], BOX, prior=p)


def test_prior_out_of_range(disk_image):
    p = np.full((80, 100), 0.5)
    p[0, 0] = 1.5
    with pytest.raises(ValueError, match=r"prior must lie in \[0, 1\], got values in \[0.5, 1.5\]"):
        segment(disk_image[0], BOX, prior=p)


def test_prior_wrong_shape(disk_image):
    with pytest.raises(ValueError, match=r"prior must have the image's shape \(80, 100\), got shape \(80,\)"):
        segment(disk_image[0], BOX, prior=np.zeros(80))


def test_prior_not_numeric(disk_image):
    with pytest.raises(TypeError, match=r"prior must be a float .* got dtype <U1"):
        segment(disk_image[0], BOX, prior=np.full((80, 100), "a"))


def test_one_pixel_image():
    with pytest.raises(ValueError, match=r"at least 2x2 pixels, got shape \(1, 1, 3\)"):
        segment(np.zeros((1, 1, 3), np.uint8), (0, 0, 1, 1))


def test_non_numeric_image():
    with pytest.raises(TypeError, match=r"numeric array, got dtype object"):
        segment(np.empty((4, 4, 3), object), (0, 0, 2, 2))


def test_image_wrong_channels():
    with pytest.raises(ValueError, match=r"got shape \(8, 8, 2\)"):
        segment(np.zeros((8, 8, 2), np.uint8), (0, 0, 4, 4))


def test_neither_box_nor_scribbles(disk_image):
    with pytest.raises(ValueError, match=r"need a box or scribbles, got neither"):
        segment(disk_image[0])


def test_scribbles_without_foreground(disk_image):
    s = np.zeros((80, 100), np.uint8)
    s[0, 0] = 2
    with pytest.raises(ValueError, match=r"must mark some foreground .* got values \[0, 2\]"):
        segment(disk_image[0], scribbles=s)


def test_iterations_zero(disk_image):
    with pytest.raises(ValueError, match=r"iterations must be >= 1, got 0"):
        segment(disk_image[0], BOX, iterations=0)


def test_iterations_not_int(disk_image):
    with pytest.raises(TypeError, match=r"iterations must be an int, got 2.5"):
        segment(disk_image[0], BOX, iterations=2.5)


def test_unknown_engine(disk_image):
    with pytest.raises(ValueError, match=r"engine must be one of .* got 'cuda'"):
        segment(disk_image[0], BOX, engine="cuda")


def test_bad_rng(disk_image):
    with pytest.raises(TypeError, match=r"rng must be a numpy Generator, an int seed or None, got str"):
        segment(disk_image[0], BOX, rng="seed")


def test_session_update_wrong_shape(disk_image):
    s = GrabCutSession(disk_image[0])
    s.set_box(BOX)
    with pytest.raises(ValueError, match=r"got shape \(10, 10\)"):
        s.update(np.zeros((10, 10), np.uint8))


@pytest.mark.parametrize("engine", ["native", "opencv"])
def test_box_covering_whole_image_warns_and_works(engine):
    image, truth = centred_square()
    with pytest.warns(UserWarning, match=r"no background pixels to learn from"):
        mask = segment(image, (0, 0, image.shape[1], image.shape[0]), engine=engine)
    assert (mask & truth).sum() / (mask | truth).sum() > 0.9
