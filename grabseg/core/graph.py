"""The s-t graph and its min-cut: the only module that imports PyMaxflow.

PyMaxflow quirks kept here:

- ``GraphFloat`` is Kolmogorov's Boykov-Kolmogorov solver with double capacities;
  nodes and edges are preallocated from the counts given to the constructor.
- t-links are *additive* (``add_grid_tedges`` adds to what is there). :meth:`CutGraph.set_tlinks`
  gives them "set" semantics by adding the difference to the stored value, and marks the
  changed nodes so ``maxflow(reuse_trees=True)`` (Kohli & Torr 2005 dynamic cuts, exact)
  can restart from the previous flow and search trees.
- ``get_grid_segments`` returns True for the **sink** side. Here the source is
  foreground, so :meth:`CutGraph.foreground` negates it.
"""

from __future__ import annotations

import maxflow
import numpy as np
import numpy.typing as npt


class CutGraph:
    """A graph of ``n_nodes`` non-terminal nodes; source = foreground, sink = background.

    Parameters
    ----------
    n_nodes : int
        Number of nodes (pixels), numbered ``0 .. n_nodes - 1``.
    n_edges : int
        Number of undirected n-links that will be added (for preallocation).

    Notes
    -----
    A node on the source side pays its sink capacity (cost of foreground), one on
    the sink side pays its source capacity (cost of background); an n-link of weight
    ``w`` costs ``w`` when its ends are on different sides.
    """

    def __init__(self, n_nodes: int, n_edges: int) -> None:
        self._g = maxflow.GraphFloat(max(n_nodes, 1), max(2 * n_edges, 1))
        self._g.add_nodes(n_nodes)
        self.n_nodes = n_nodes
        self._source = np.zeros(n_nodes)
        self._sink = np.zeros(n_nodes)
        self._solved = False
        self._all = np.arange(n_nodes, dtype=np.intp)

    def add_edges(
        self, i: npt.NDArray[np.intp], j: npt.NDArray[np.intp], weights: npt.ArrayLike
    ) -> None:
        """Add undirected n-links ``i[e] -- j[e]`` of capacity ``weights[e]`` both ways (before solving)."""
        if self._solved:
            raise RuntimeError("n-links cannot change after the first solve")
        w = np.broadcast_to(np.asarray(weights, np.float64), np.shape(i))
        if len(i):
            self._g.add_edges(np.asarray(i), np.asarray(j), w, w)

    def set_tlinks(
        self,
        nodes: npt.NDArray[np.intp] | None,
        source: npt.ArrayLike,
        sink: npt.ArrayLike,
    ) -> int:
        """Set the t-link capacities of ``nodes`` (all nodes if None); returns how many changed.

        Parameters
        ----------
        nodes : (M,) int or None
        source, sink : (M,) float or scalar
            Capacity from the source (cost of background) and to the sink (cost of foreground).
        """
        idx = self._all if nodes is None else np.asarray(nodes, np.intp)
        src = np.broadcast_to(np.asarray(source, np.float64), idx.shape)
        snk = np.broadcast_to(np.asarray(sink, np.float64), idx.shape)
        d_src = src - self._source[idx]
        d_snk = snk - self._sink[idx]
        changed = (d_src != 0) | (d_snk != 0)
        if not changed.all():
            idx, d_src, d_snk = idx[changed], d_src[changed], d_snk[changed]
            src, snk = src[changed], snk[changed]
        if len(idx) == 0:
            return 0
        self._g.add_grid_tedges(idx, d_src, d_snk)
        self._source[idx] = src
        self._sink[idx] = snk
        if self._solved:
            self._g.mark_grid_nodes(idx)
        return len(idx)

    def tlinks(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Current ``(source, sink)`` capacities of all nodes, each (n_nodes,) (read-only views)."""
        src, snk = self._source.view(), self._sink.view()
        src.flags.writeable = snk.flags.writeable = False
        return src, snk

    def solve(self) -> float:
        """Run max-flow (reusing the previous search trees after the first call); returns the flow.

        The flow equals the minimum energy of the current capacities (including the constant
        that additive t-link updates carry along).
        """
        flow = float(self._g.maxflow(reuse_trees=self._solved))
        self._solved = True
        return flow

    def foreground(self) -> npt.NDArray[np.bool_]:
        """(n_nodes,) bool: True where a node ended on the source (foreground) side."""
        if self.n_nodes == 0:
            return np.zeros(0, bool)
        return ~self._g.get_grid_segments(self._all)
