"""Colour models of the large-image path: subsampled fitting, a 6-bit colour LUT, drift.

- Models are refitted from a fixed random sample of window pixels (each standing for
  ``n_window / n_samples`` pixels) plus the background sample from outside the window,
  weighted as ``GrabCutSolver`` weights it.
- Coarse unaries go through a look-up table over 6 bits per channel (64^3 = 262,144 bins,
  each occupied bin evaluated at the mean colour of its pixels, once per model update) and
  one gather per pixel; the full-resolution band uses exact colours.
- A scribble *drifts* the models when most of its pixels are outliers of both models:
  their cost exceeds the 0.99 quantile of each model's cost over its own training sample.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from grabseg.core import gmm
from grabseg.core.gmm import GaussianMixture

def lut_costs(model: GaussianMixture, bins: npt.NDArray[np.int64],
              colours: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """``-log p(z)`` per 6-bit colour bin, (262144,) float32: each occupied bin (``bins``) is
    evaluated at the mean colour of its pixels (``colours``, (n, 3)), others are 0.

    At the bin centre the error would be first order in the 4-level bin width (several
    nats on a sharp component, enough to flip ambiguous regions); at the pixels' mean it is
    second order."""
    out = np.zeros(1 << 18, np.float32)
    out[bins] = model.neg_log_likelihood(colours)
    return out


class Samples:
    """Fixed pixel sample of one window for refitting models.

    Parameters
    ----------
    image : (H, W, 3) uint8
    window : (y0, y1, x0, x1)
    n_inside : int
        Sample size inside the window (all of it when smaller).
    outside : ((m, 3) colours, (m,) weights)
        The background sample from outside the window (drawn as ``GrabCutSolver`` does).
    rng : numpy.random.Generator
    """

    def __init__(self, image: npt.NDArray[np.uint8], window: tuple[int, int, int, int], n_inside: int,
                 outside: tuple[npt.NDArray, npt.NDArray[np.float64]], rng: np.random.Generator) -> None:
        y0, y1, x0, x1 = window
        h, w = y1 - y0, x1 - x0
        n = h * w
        if n > n_inside:
            self.flat = np.unique(rng.integers(0, n, n_inside))
        else:
            self.flat = np.arange(n)
        self.weight = n / len(self.flat)
        y, x = np.divmod(self.flat, w)
        self.rgb = image[y + y0, x + x0].astype(np.float32)
        self.out_rgb = np.asarray(outside[0], np.float32)
        self.out_weights = np.asarray(outside[1], np.float64)
        self.reference = (float("inf"), float("inf"))

    def fit(self, models: tuple[GaussianMixture, GaussianMixture], fg: npt.NDArray[np.bool_], *,
            weighted: bool, extra: tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_]] | None = None,
            ) -> tuple[GaussianMixture, GaussianMixture]:
        """Refit both models from the sample labelled ``fg`` (n,) bool (GrabCut's hard assignment).

        ``extra`` adds pixels (colours (m, 3), labels (m,)) of weight 1, e.g. scribbles.
        """
        out = []
        for is_fg, model in ((True, models[0]), (False, models[1])):
            sel = fg if is_fg else ~fg
            parts = [self.rgb[sel]]
            weights = [np.full(int(sel.sum()), self.weight)]
            if not is_fg:
                parts.append(self.out_rgb)
                weights.append(self.out_weights)
            if extra is not None:
                esel = extra[1] if is_fg else ~extra[1]
                parts.append(extra[0][esel])
                weights.append(np.ones(int(esel.sum())))
            x, wt = np.concatenate(parts), np.concatenate(weights)
            if wt.sum() <= 0:
                out.append(model)
                continue
            comp = model.component_log_densities(x, with_weights=weighted).argmax(0)
            out.append(gmm.fit(x, comp, model.n_components, sample_weights=wt))
        self.reference = (_upper(out[0], self.rgb[fg], 0.99), _upper(out[1], self.rgb[~fg], 0.99))
        return out[0], out[1]


def _upper(model: GaussianMixture, x: npt.NDArray[np.float32], q: float) -> float:
    """The ``q`` quantile of a model's cost over its own samples (inf if none)."""
    return float(np.quantile(model.neg_log_likelihood(x), q)) if len(x) else float("inf")


def drifted(models: tuple[GaussianMixture, GaussianMixture], reference: tuple[float, float],
            rgb: npt.NDArray[np.float32], *, fraction: float) -> bool:
    """Whether more than ``fraction`` of scribbled pixels (colours ``rgb``, (n, 3)) are colours
    that neither model covers: their cost exceeds each model's ``reference`` quantile.

    A scribble on a mislabelled region is *not* drift: its colours are well explained by
    the other model, and the hard constraint alone corrects the cut.
    """
    if len(rgb) == 0:
        return False
    bad = models[0].neg_log_likelihood(rgb) > reference[0]
    bad &= models[1].neg_log_likelihood(rgb) > reference[1]
    return bool(bad.mean() > fraction)
