"""``GrabCutSession``: one image, a box, then scribble updates on warm state.

A native session keeps the solver alive: colour models, n-links and the solved graph. A
scribble update changes the t-links of the changed pixels only, marks those nodes and
re-solves with ``maxflow(reuse_trees=True)`` (Kohli & Torr 2005, exact), then refits the
colour models once and cuts again (as one ``GC_EVAL`` round of OpenCV does). Clearing
every scribble restores the box result exactly (the models learned for the box are kept).
An opencv session keeps the GC trimap and the two 1x65 model arrays and runs ``GC_EVAL``.
Native node windows above ``params.large_threshold`` pixels are served by
``grabseg.core.large.LargeGrabCut`` (coarse-to-fine, warm band graph) unless ``exact``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt

from grabseg.core import _validation as v
from grabseg.core import collapse, large
from grabseg.core.grabcut import finish, make_trimap, run_native
from grabseg.core.opencv_engine import OpenCVGrabCut
from grabseg.core.params import GrabCutParams
from grabseg.core.solver import GrabCutSolver


class GrabCutSession:
    """Interactive GrabCut on one image with warm colour models.

    Parameters
    ----------
    image : (H, W, 3) uint8 array
        RGB (other layouts converted by ``grabseg.pixels.to_rgb8``). Never modified.
    engine : {"native", "opencv"}
    iterations : int
        Maximum rounds for :meth:`set_box` (and for a rebuild after a foreground scribble
        outside the box).
    rng : numpy.random.Generator, int or None
    params : GrabCutParams, optional
    exact : bool, optional
        Overrides ``params.exact``: True turns the large-image approximations off.

    Examples
    --------
    >>> s = GrabCutSession(image)                        # doctest: +SKIP
    >>> mask = s.set_box((10, 10, 90, 70))               # doctest: +SKIP
    >>> scribbles[40, 50] = 2; mask = s.update(scribbles)  # doctest: +SKIP
    """

    def __init__(self, image: Any, *, engine: str = "native", iterations: int = 5,
                 rng: Any = None, params: GrabCutParams | None = None, exact: bool | None = None) -> None:
        self.image = v.check_image(image)
        self.engine = v.check_engine(engine)
        self.iterations = v.check_iterations(iterations)
        self.rng = v.check_rng(rng)
        self.params = params if params is not None else GrabCutParams()
        if exact is not None:
            self.params = replace(self.params, exact=bool(exact))
        shape = self.image.shape[:2]
        self.box: tuple[int, int, int, int] | None = None
        self.prior: npt.NDArray[np.floating] | None = None
        self.scribbles = np.zeros(shape, np.uint8)
        self.mask = np.zeros(shape, bool)
        self._solver: GrabCutSolver | None = None
        self._cv: OpenCVGrabCut | None = None
        self._base: tuple[Any, Any] | None = None
        self._beta: float | None = None
        self._large: large.LargeGrabCut | None = None

    def _new_solver(self) -> GrabCutSolver:
        solver = GrabCutSolver(self.image, self.params, self.rng, beta=self._beta)
        self._beta = solver.beta
        return solver

    def set_box(self, box: Any, *, prior: Any = None) -> npt.NDArray[np.bool_]:
        """Start a new object from a box; clears the scribbles.

        Parameters
        ----------
        box : (x0, y0, x1, y1) or grabseg.types.Box
            x1, y1 exclusive.
        prior : (H, W) float in [0, 1], optional

        Returns
        -------
        (H, W) bool
            The mask (also kept as ``self.mask``).
        """
        shape = self.image.shape[:2]
        self.box = v.check_box(box, shape)
        self.prior = v.check_prior(prior, shape)
        self.scribbles = np.zeros(shape, np.uint8)
        if self.engine == "opencv":
            self._cv = OpenCVGrabCut(self.image, self.rng)
            self.mask = self._cv.start(self.box, None, self.prior, self.iterations)
            return self.mask.copy()
        self._start_native()
        first, given = (self.mask, self._solver, self._large, self._base), self.prior

        def retry(centre: npt.NDArray[np.float32]) -> npt.NDArray[np.bool_]:
            self.prior = centre
            self._start_native()
            return self.mask

        _, used = collapse.guard(self.mask, self.box, self.params.collapse_fill, None, self.prior, retry)
        if used is None:  # no retry, or it was worse: back to the first cut
            self.mask, self._solver, self._large, self._base = first
            self.prior = given
        return self.mask.copy()

    def _start_native(self) -> None:
        """A fresh native cut of ``self.box`` with ``self.prior`` (large path if it applies)."""
        self._large = self._solver = None
        if large.dispatch(self.params, self.image.shape[:2], self.box, None):
            self.mask = self._start_large(self.box, None)
            return
        self._solver = self._new_solver()
        self.mask = run_native(self._solver, self.box, None, self.prior, self.iterations)
        self._base = (self._solver.fg_model, self._solver.bg_model)

    def _start_large(self, box: tuple[int, int, int, int] | None,
                     scribbles: npt.NDArray[np.uint8] | None) -> npt.NDArray[np.bool_]:
        self._large = large.LargeGrabCut(self.image, self.params, self.rng, beta=self._beta)
        self._beta = self._large.beta
        return self._large.start(box, scribbles, self.prior, self.iterations)

    def reiterate(self, rounds: int = 1) -> npt.NDArray[np.bool_]:
        """Refit the colour models to the current labels and cut again, ``rounds`` times.

        Scribble updates of a large-image session keep the models warm (see
        ``grabseg.core.large``); this is the explicit "learn again" step. The opencv
        engine and a session with nothing cut yet return the current mask.
        """
        rounds = v.check_iterations(rounds)
        if self._large is not None:
            self.mask = self._large.reiterate(rounds)
        elif self._solver is not None and self.engine == "native":
            self._solver.iterate(rounds)
            self.mask = finish(self._solver, self.scribbles)
        return self.mask.copy()

    def update(self, scribbles: Any) -> npt.NDArray[np.bool_]:
        """Apply the full current scribble map (0 none, 1 fg, 2 bg); returns the new mask.

        The map is compared with the previous one; only changed pixels change the graph.
        """
        new = v.check_scribbles(scribbles, self.image.shape[:2])
        new = np.array(new, np.uint8, copy=True)
        old, self.scribbles = self.scribbles, new
        if np.array_equal(old, new):
            return self.mask.copy()
        if self.box is None and not (new == 1).any():  # scribbles alone mark nothing yet
            self._solver, self._cv, self._large = None, None, None
            self.mask = np.zeros(new.shape, bool)
        elif self.engine == "opencv":
            self.mask = self._update_opencv(old, new)
        elif self._large is not None:
            self.mask = self._large.update(new)
        elif self._solver is None and large.dispatch(self.params, new.shape, None, new):
            self.mask = self._start_large(None, new)
        elif self._solver is None:
            self._solver = self._new_solver()
            self.mask = run_native(self._solver, None, new, self.prior, self.iterations)
        else:
            self.mask = self._update_native(old, new)
        return self.mask.copy()

    def _update_opencv(self, old: npt.NDArray[np.uint8], new: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
        if self._cv is None:
            self._cv = OpenCVGrabCut(self.image, self.rng)
            return self._cv.start(None, new, self.prior, self.iterations)
        return self._cv.update(old, new)

    def _update_native(self, old: npt.NDArray[np.uint8], new: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
        s = self._solver
        assert s is not None
        trimap, window = make_trimap(self.image.shape[:2], self.box, new)
        hard = None
        if window != s.window:  # a foreground scribble outside the box: new graph, warm models
            mask, fg, bg = s.mask(), s.fg_model, s.bg_model
            s.build(trimap, window, prior=self.prior, has_box=self.box is not None)
            s.init_from(mask, fg, bg)
            hard = s.hard  # the new graph has no t-links yet
        if not new.any() and self._base is not None:  # all erased: back to the box result
            s.fg_model, s.bg_model = self._base
            s.hard = s._take(trimap).copy()
            s.update_tlinks()
            s.cut()
            return finish(s, new)
        if hard is not None:
            s.update_tlinks()
        else:
            changed = np.flatnonzero(s._take(trimap) != s.hard)
            s.set_hard(changed, s._take(trimap)[changed])
        s.cut()
        if self.params.refit_on_update:
            s.refit_models()
            s.update_tlinks()
            s.cut()
        return finish(s, new)
