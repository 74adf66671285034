"""Full-covariance colour Gaussian mixtures (numpy only), as GrabCut uses them.

A component density is ``det(S)^-1/2 exp(-d^T S^-1 d / 2)``; the ``(2 pi)^-3/2``
constant is dropped as in ``cv::grabCut`` (it cancels in the cut). Covariances are
maximum-likelihood estimates; a near-singular one (det <= 1e-6) gets 0.01 added to
its diagonal, as OpenCV does. The 1x65 OpenCV model layout (5 weights, 15 means,
45 covariance entries) converts both ways with :func:`from_opencv` / :func:`to_opencv`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

_DET_EPS = 1e-6
_VARIANCE = 0.01


@dataclass(frozen=True, eq=False)
class GaussianMixture:
    """K full-covariance Gaussians in colour space.

    Attributes
    ----------
    weights : (K,) float64
        Mixing weights pi_k (sum to 1; an empty component has weight 0).
    means : (K, 3) float64
    covariances : (K, 3, 3) float64
    """

    weights: npt.NDArray[np.float64]
    means: npt.NDArray[np.float64]
    covariances: npt.NDArray[np.float64]
    _proj_t: npt.NDArray[np.float32] = field(init=False, repr=False)
    _offset: npt.NDArray[np.float32] = field(init=False, repr=False)
    _log_norm: npt.NDArray[np.float32] = field(init=False, repr=False)
    _log_norm_unweighted: npt.NDArray[np.float32] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        k = self.weights.shape[0]
        covs = self.covariances.copy()
        for i in range(k):
            if np.linalg.det(covs[i]) <= _DET_EPS:
                covs[i] = covs[i] + _VARIANCE * np.eye(3)
        # precision = L L^T; the Mahalanobis distance is |(x - mu) L|^2.
        chol = np.linalg.cholesky(np.linalg.inv(covs))
        proj = np.concatenate(list(chol), axis=1)  # (3, 3K)
        offset = np.concatenate([self.means[i] @ chol[i] for i in range(k)])
        half_log_det = 0.5 * np.log(np.linalg.det(covs))
        alive = self.weights > 0
        with np.errstate(divide="ignore"):
            log_w = np.log(self.weights)
        log_norm = np.where(alive, log_w - half_log_det, -np.inf)
        unweighted = np.where(alive, -half_log_det, -np.inf)
        object.__setattr__(self, "covariances", covs)
        object.__setattr__(self, "_proj_t", np.ascontiguousarray(proj.T, np.float32))
        object.__setattr__(self, "_offset", offset.astype(np.float32))
        object.__setattr__(self, "_log_norm", log_norm.astype(np.float32))
        object.__setattr__(self, "_log_norm_unweighted", unweighted.astype(np.float32))

    @property
    def n_components(self) -> int:
        return int(self.weights.shape[0])

    def component_log_densities(
        self, colors: npt.NDArray[np.float32], *, with_weights: bool = True
    ) -> npt.NDArray[np.float32]:
        """Per-component log densities, component-major.

        Parameters
        ----------
        colors : (N, 3) float32
        with_weights : bool
            Add ``log pi_k`` (so ``argmax`` over axis 0 is the paper's component assignment).

        Returns
        -------
        (K, N) float32
            ``log pi_k - log det(S_k)/2 - d^T S_k^-1 d / 2``; ``-inf`` for empty components.
        """
        xt = np.ascontiguousarray(colors.T, dtype=np.float32)  # (3, N)
        norm = self._log_norm if with_weights else self._log_norm_unweighted
        out = np.zeros((self.n_components, xt.shape[1]), np.float32)
        y = np.empty(xt.shape[1], np.float32)
        # Explicit multiply-adds: a BLAS call with an inner dimension of 3 is slow and
        # its thread start-up dominates on small inputs.
        for r, (p, off) in enumerate(zip(self._proj_t, self._offset)):
            np.multiply(xt[0], p[0], out=y)
            y += p[1] * xt[1]
            y += p[2] * xt[2]
            y -= off
            np.square(y, out=y)
            out[r // 3] += y
        out *= -0.5
        out += norm[:, None]
        return out

    def neg_log_likelihood(self, colors: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """``-log sum_k pi_k N_k(colors)``, shape (N,), computed stably (log-sum-exp)."""
        return neg_logsumexp(self.component_log_densities(colors))


def neg_logsumexp(logd: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """``-log sum_k exp(logd[k])`` over axis 0 of a (K, N) array; returns (N,)."""
    top = logd.max(axis=0)
    e = logd - top
    np.exp(e, out=e)
    s = e.sum(axis=0)
    np.log(s, out=s)
    s += top
    return -s


def fit(
    colors: npt.NDArray[np.float32],
    components: npt.NDArray[np.intp],
    n_components: int,
    *,
    sample_weights: npt.NDArray[np.float64] | None = None,
) -> GaussianMixture:
    """Maximum-likelihood fit of each component to the samples assigned to it.

    Parameters
    ----------
    colors : (N, 3) float32
    components : (N,) int
        Component index of each sample, in ``[0, n_components)``.
    n_components : int
    sample_weights : (N,) float, optional
        Each sample counts this many times (used for subsampled pixels).

    Returns
    -------
    GaussianMixture
    """
    k = n_components
    w = np.ones(len(colors)) if sample_weights is None else sample_weights
    x = colors.astype(np.float64)
    n = np.bincount(components, weights=w, minlength=k)
    total = n.sum()
    if total <= 0:
        raise ValueError("cannot fit a colour model to zero samples")
    safe = np.maximum(n, 1e-12)
    means = np.stack([np.bincount(components, w * x[:, c], k) for c in range(3)], 1) / safe[:, None]
    covs = np.empty((k, 3, 3))
    for a in range(3):
        for b in range(a, 3):
            s = np.bincount(components, w * x[:, a] * x[:, b], k) / safe
            covs[:, a, b] = covs[:, b, a] = s - means[:, a] * means[:, b]
    covs[n <= 0] = np.eye(3)
    return GaussianMixture(n / total, means, covs)


def kmeans_components(
    colors: npt.NDArray[np.float32], n_components: int, rng: np.random.Generator, *,
    sample_weights: npt.NDArray[np.float64] | None = None, n_iter: int = 10, attempts: int = 1,
) -> npt.NDArray[np.intp]:
    """Weighted k-means (k-means++ seeding, ``n_iter`` Lloyd steps); each sample's cluster, (N,).

    With ``sample_weights`` (e.g. pixel counts of distinct colours) this is k-means over
    all the pixels they stand for. With ``attempts`` > 1 the most compact of several
    seedings is kept (as ``cv2.kmeans``). Fewer distinct colours than clusters leaves some
    clusters empty.
    """
    xt = np.ascontiguousarray(colors.T, dtype=np.float64)  # (3, N): no strided reductions
    w = np.ones(xt.shape[1]) if sample_weights is None else np.asarray(sample_weights, np.float64)
    best: tuple[float, npt.NDArray[np.intp]] | None = None
    for _ in range(attempts):
        labels, inertia = _kmeans_once(xt, w, n_components, rng, n_iter)
        if best is None or inertia < best[0]:
            best = (inertia, labels)
    assert best is not None
    return best[1]


def _sq_dist(xt: npt.NDArray[np.float64], c: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    d = (xt[0] - c[0]) ** 2
    d += (xt[1] - c[1]) ** 2
    d += (xt[2] - c[2]) ** 2
    return d


def _kmeans_once(xt: npt.NDArray[np.float64], w: npt.NDArray[np.float64], k: int,
                 rng: np.random.Generator, n_iter: int) -> tuple[npt.NDArray[np.intp], float]:
    n = xt.shape[1]
    centers = np.empty((k, 3))
    centers[0] = xt[:, rng.choice(n, p=w / w.sum())]
    d2 = _sq_dist(xt, centers[0])
    for i in range(1, k):
        pw = d2 * w
        total = pw.sum()
        centers[i] = xt[:, rng.choice(n, p=pw / total) if total > 0 else rng.integers(n)]
        np.minimum(d2, _sq_dist(xt, centers[i]), out=d2)
    return _lloyd(xt, w, centers, n_iter)


def _lloyd(xt: npt.NDArray[np.float64], w: npt.NDArray[np.float64], centers: npt.NDArray[np.float64],
           n_iter: int) -> tuple[npt.NDArray[np.intp], float]:
    """Weighted Lloyd steps from ``centers`` (K, 3); labels (N,) and inertia."""
    k = len(centers)
    centers = centers.copy()
    for _ in range(n_iter + 1):
        dist = np.stack([_sq_dist(xt, c) for c in centers])
        labels = dist.argmin(0)
        counts = np.bincount(labels, w, k)
        for c in range(3):
            sums = np.bincount(labels, xt[c] * w, k)
            centers[:, c] = np.where(counts > 0, sums / np.maximum(counts, 1e-12), centers[:, c])
    return labels, float((dist.min(0) * w).sum())


def from_opencv(model: npt.ArrayLike, *, bgr: bool = True) -> GaussianMixture:
    """Read a ``cv::grabCut`` 1x65 model (5 weights, 15 means, 45 covariances).

    With ``bgr=True`` (OpenCV's channel order) the model is permuted to RGB.
    """
    m = np.asarray(model, np.float64).reshape(65)
    weights, means, covs = m[:5].copy(), m[5:20].reshape(5, 3), m[20:].reshape(5, 3, 3)
    if bgr:
        means, covs = means[:, ::-1], covs[:, ::-1, ::-1]
    return GaussianMixture(weights, np.ascontiguousarray(means), np.ascontiguousarray(covs))


def to_opencv(gmm: GaussianMixture, *, bgr: bool = True) -> npt.NDArray[np.float64]:
    """Write a 5-component mixture in ``cv::grabCut``'s (1, 65) float64 layout."""
    if gmm.n_components != 5:
        raise ValueError(f"OpenCV models have 5 components, got {gmm.n_components}")
    means, covs = gmm.means, gmm.covariances
    if bgr:
        means, covs = means[:, ::-1], covs[:, ::-1, ::-1]
    return np.concatenate([gmm.weights, means.ravel(), covs.ravel()])[None, :].copy()


def orchard_bouman_components(
    colors: npt.NDArray[np.float32], n_components: int, *,
    sample_weights: npt.NDArray[np.float64] | None = None, n_iter: int = 10,
) -> npt.NDArray[np.intp]:
    """Orchard-Bouman binary splitting (the GrabCut paper's initialisation); (N,) clusters.

    Starting from one cluster, the cluster whose weighted covariance has the largest
    eigenvalue is split by the plane through its mean normal to that eigenvector, until
    there are ``n_components`` clusters; ``n_iter`` weighted Lloyd (k-means) steps then
    refine them. Deterministic: no random seeding.
    """
    x = np.asarray(colors, np.float64)
    w = np.ones(len(x)) if sample_weights is None else np.asarray(sample_weights, np.float64)
    labels = np.zeros(len(x), np.intp)
    splits: dict[int, tuple[float, npt.NDArray[np.float64], npt.NDArray[np.float64]]] = {}
    for new in range(1, n_components):
        for c in range(new):
            if c not in splits:
                splits[c] = _principal_split(x[labels == c], w[labels == c])
        c = max(splits, key=lambda i: splits[i][0])
        lam, mean, axis = splits.pop(c)
        if lam <= 0:
            break
        sel = labels == c
        side = (x[sel] - mean) @ axis > 0
        idx = np.flatnonzero(sel)
        labels[idx[side]] = new
    k = int(labels.max()) + 1
    xt = np.ascontiguousarray(x.T)
    counts = np.maximum(np.bincount(labels, w, k), 1e-12)
    centers = np.stack([np.bincount(labels, xt[c] * w, k) / counts for c in range(3)], 1)
    return _lloyd(xt, w, centers, n_iter)[0]


def init_components(
    colors: npt.NDArray[np.float32], n_components: int, *, method: str,
    rng: np.random.Generator, sample_weights: npt.NDArray[np.float64] | None = None,
    attempts: int = 1,
) -> npt.NDArray[np.intp]:
    """Initial clusters (N,) for a colour model: ``method`` "orchard_bouman" or "kmeans++"."""
    if method == "orchard_bouman":
        return orchard_bouman_components(colors, n_components, sample_weights=sample_weights)
    if method == "kmeans++":
        return kmeans_components(colors, n_components, rng, sample_weights=sample_weights,
                                 attempts=attempts)
    raise ValueError(f"gmm_init must be 'orchard_bouman' or 'kmeans++', got {method!r}")


def _principal_split(x: npt.NDArray[np.float64], w: npt.NDArray[np.float64]
                     ) -> tuple[float, npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Largest weighted-covariance eigenvalue (times weight), mean and eigenvector of a cluster."""
    total = w.sum()
    if len(x) < 2 or total <= 0:
        return 0.0, np.zeros(3), np.array([1.0, 0.0, 0.0])
    mean = (w[:, None] * x).sum(0) / total
    d = x - mean
    cov = (w[:, None] * d).T @ d / total
    vals, vecs = np.linalg.eigh(cov)
    return float(vals[-1]), mean, vecs[:, -1]

