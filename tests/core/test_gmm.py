"""Colour GMM fits, densities and the OpenCV 1x65 layout."""

from __future__ import annotations

import numpy as np
import pytest

from grabseg.core import gmm


def two_clusters(n=4000, seed=0):
    rng = np.random.default_rng(seed)
    cov_a = np.array([[40.0, 10, 0], [10, 30, 5], [0, 5, 20]])
    a = rng.multivariate_normal([200, 50, 40], cov_a, n)
    b = rng.multivariate_normal([30, 80, 160], np.diag([15.0, 25, 35]), n)
    x = np.concatenate([a, b]).astype(np.float32)
    labels = np.repeat([0, 1], n)
    return x, labels, cov_a


def test_fit_recovers_parameters():
    x, labels, cov_a = two_clusters()
    m = gmm.fit(x, labels, 2)
    assert m.weights == pytest.approx([0.5, 0.5])
    assert m.means[0] == pytest.approx([200, 50, 40], abs=0.5)
    assert m.covariances[0] == pytest.approx(cov_a, abs=3.0)


def test_weighted_fit_equals_repeated_samples():
    x, labels, _ = two_clusters(500)
    w = np.where(np.arange(len(x)) % 2 == 0, 3.0, 1.0)
    rep = np.repeat(np.arange(len(x)), w.astype(int))
    a = gmm.fit(x, labels, 2, sample_weights=w)
    b = gmm.fit(x[rep], labels[rep], 2)
    assert a.weights == pytest.approx(b.weights)
    assert a.means == pytest.approx(b.means)
    assert a.covariances == pytest.approx(b.covariances)


def test_densities_match_direct_formula():
    x, labels, _ = two_clusters(300)
    m = gmm.fit(x, labels, 2)
    pts = np.array([[190, 55, 45], [35, 70, 150], [120, 120, 120]], np.float32)
    got = m.component_log_densities(pts)
    for k in range(2):
        d = pts.astype(np.float64) - m.means[k]
        maha = np.einsum("ni,ij,nj->n", d, np.linalg.inv(m.covariances[k]), d)
        want = np.log(m.weights[k]) - 0.5 * np.log(np.linalg.det(m.covariances[k])) - 0.5 * maha
        assert got[k] == pytest.approx(want, rel=1e-4, abs=1e-2)
    mix = np.exp(got.astype(np.float64)).sum(0)
    assert m.neg_log_likelihood(pts) == pytest.approx(-np.log(mix), rel=1e-4, abs=1e-3)


def test_unweighted_densities_drop_log_pi():
    x, labels, _ = two_clusters(300)
    x, labels = x[:400], labels[:400]  # 300 of cluster 0, 100 of cluster 1
    m = gmm.fit(x, labels, 2)
    pts = x[:5]
    diff = m.component_log_densities(pts) - m.component_log_densities(pts, with_weights=False)
    assert diff[:, 0] == pytest.approx(np.log(m.weights), abs=1e-3)  # float32 sums


def test_empty_component_has_zero_weight_and_no_density():
    x, _, _ = two_clusters(100)
    m = gmm.fit(x, np.zeros(len(x), np.intp), 3)
    assert m.weights.tolist() == [1.0, 0.0, 0.0]
    ld = m.component_log_densities(x[:4])
    assert np.all(np.isneginf(ld[1:])) and np.all(np.isfinite(ld[0]))
    assert np.all(np.isfinite(m.neg_log_likelihood(x[:4])))


def test_singular_covariance_is_regularised_like_opencv():
    x = np.full((50, 3), 128, np.float32)
    m = gmm.fit(x, np.zeros(50, np.intp), 1)
    assert m.covariances[0] == pytest.approx(0.01 * np.eye(3))
    assert np.isfinite(m.neg_log_likelihood(x[:1])).all()


def test_zero_samples_raise():
    with pytest.raises(ValueError, match="zero samples"):
        gmm.fit(np.zeros((3, 3), np.float32), np.zeros(3, np.intp), 2, sample_weights=np.zeros(3))


def test_opencv_layout_round_trip_and_channel_order():
    x, labels, _ = two_clusters(300)
    k5 = labels * 2 + (np.arange(len(x)) % 2)  # 4 used components of 5
    rgb = gmm.fit(x, k5, 5)
    bgr = gmm.fit(np.ascontiguousarray(x[:, ::-1]), k5, 5)
    arr = gmm.to_opencv(bgr, bgr=False)  # as cv2 would store a model learned on BGR
    assert arr.shape == (1, 65) and arr[0, :5].sum() == pytest.approx(1.0)
    back = gmm.from_opencv(arr, bgr=True)
    assert back.means == pytest.approx(rgb.means)
    assert back.covariances == pytest.approx(rgb.covariances)
    assert gmm.to_opencv(back, bgr=True) == pytest.approx(arr)


def test_kmeans_separates_clusters_deterministically():
    rng = np.random.default_rng(1)
    centres = np.array([[20, 20, 20], [200, 30, 30], [30, 30, 200]])
    x = (centres[rng.integers(0, 3, 900)] + rng.normal(0, 5, (900, 3))).astype(np.float32)
    a = gmm.kmeans_components(x, 3, np.random.default_rng(7))
    b = gmm.kmeans_components(x, 3, np.random.default_rng(7))
    assert np.array_equal(a, b)
    truth = np.argmin(((x[:, None, :] - centres[None]) ** 2).sum(2), 1)
    # each cluster maps to exactly one k-means label
    assert all(len(np.unique(a[truth == c])) == 1 for c in range(3))
    assert len(np.unique(a)) == 3


def test_orchard_bouman_splits_along_the_widest_axis_first():
    # two far-apart red clusters and a tight pair of blue ones: the first split must
    # separate red from blue, the next the two reds; no rng involved
    rng = np.random.default_rng(2)
    centres = np.array([[250, 0, 0], [130, 0, 0], [0, 0, 250]])
    truth = rng.integers(0, 3, 1200)
    x = (centres[truth] + rng.normal(0, 4, (1200, 3))).astype(np.float32)
    labels = gmm.orchard_bouman_components(x, 3)
    assert all(len(np.unique(labels[truth == c])) == 1 for c in range(3))
    assert len(np.unique(labels)) == 3
    again = gmm.orchard_bouman_components(x[::-1].copy(), 3)[::-1]
    assert all(len(np.unique(again[labels == c])) == 1 for c in range(3))


def test_orchard_bouman_weights_count_like_repeated_samples():
    rng = np.random.default_rng(3)
    x = rng.normal(0, 30, (300, 3)).astype(np.float32) + 128
    counts = rng.integers(1, 4, 300)
    weighted = gmm.orchard_bouman_components(x, 5, sample_weights=counts.astype(float))
    repeated = gmm.orchard_bouman_components(np.repeat(x, counts, 0), 5)
    assert np.array_equal(np.repeat(weighted, counts), repeated)


def test_orchard_bouman_with_fewer_colours_than_components():
    x = np.array([[10, 10, 10], [200, 200, 200]], np.float32)
    labels = gmm.orchard_bouman_components(x, 5)
    assert labels[0] != labels[1]


def test_unknown_init_method_is_named():
    with pytest.raises(ValueError, match="'spectral'"):
        gmm.init_components(np.zeros((4, 3), np.float32), 2, method="spectral", rng=np.random.default_rng(0))
