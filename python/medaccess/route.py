"""Shortest paths on any graph given as numpy arrays: the library's route core.

A graph is its arcs: ``tail[k] -> head[k]`` taking ``seconds[k]`` (one
direction; give both arcs of a two-way road), nodes ``0 .. nodes-1``. Times are
kept in tenths of a second, as every medaccess search does: ``seconds`` are
rounded to 0.1 s, results are exact multiples of 0.1 s.

>>> import numpy as np
>>> from medaccess import route
>>> tail, head, sec = np.array([0, 1]), np.array([1, 2]), np.array([7.0, 8.0])
>>> route.matrix(tail, head, sec, sources=[0, 2], targets=[1, 2])
array([[ 7., 15.],
       [inf,  0.]])
"""

from __future__ import annotations

from typing import Optional, Sequence, Tuple, Union

import numpy as np

from . import _medaccess as _m

ArrayLike = Union[np.ndarray, Sequence[int], Sequence[float]]


def _graph(tail: ArrayLike, head: ArrayLike, seconds: ArrayLike, nodes: Optional[int]):
    t = np.ascontiguousarray(tail, dtype=np.int64)
    h = np.ascontiguousarray(head, dtype=np.int64)
    s = np.ascontiguousarray(seconds, dtype=np.float64)
    if nodes is None:
        nodes = int(max(t.max(initial=-1), h.max(initial=-1)) + 1)
    return int(nodes), t, h, s


def nearest(
    tail: ArrayLike,
    head: ArrayLike,
    seconds: ArrayLike,
    sources: ArrayLike,
    *,
    nodes: Optional[int] = None,
    limit: Optional[float] = None,
    workers: Optional[int] = None,
) -> Tuple[np.ndarray, np.ndarray]:
    """For every node, the time from the nearest of ``sources`` and which one.

    Returns ``(seconds, source)``: ``seconds[v]`` is ``inf`` and ``source[v]``
    is ``-1`` where no source reaches ``v`` within ``limit`` seconds;
    ``source[v]`` is an index into ``sources`` (ties: the lowest index).
    Equal to ``scipy.sparse.csgraph.dijkstra(..., indices=sources,
    min_only=True)`` on the same arcs.
    """
    n, t, h, s = _graph(tail, head, seconds, nodes)
    src = np.ascontiguousarray(sources, dtype=np.int64)
    return _m.graph_nearest(n, t, h, s, src, limit=limit, workers=workers)


def matrix(
    tail: ArrayLike,
    head: ArrayLike,
    seconds: ArrayLike,
    sources: ArrayLike,
    targets: ArrayLike,
    *,
    nodes: Optional[int] = None,
    limit: Optional[float] = None,
    workers: Optional[int] = None,
) -> np.ndarray:
    """Seconds from every source to every target (``len(sources) x
    len(targets)``, ``inf`` where unreachable or beyond ``limit``), searched in
    parallel."""
    n, t, h, s = _graph(tail, head, seconds, nodes)
    src = np.ascontiguousarray(sources, dtype=np.int64)
    dst = np.ascontiguousarray(targets, dtype=np.int64)
    return _m.graph_matrix(n, t, h, s, src, dst, limit=limit, workers=workers)
