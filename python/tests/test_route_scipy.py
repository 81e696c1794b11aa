"""nearest and matrix on a user graph of numpy arrays equal scipy's Dijkstra
on seeded random graphs (times on the 0.1 s grid, so both are exact)."""

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

import medaccess as ma
from medaccess import route


def random_graph(seed, n=400, m=2400):
    rng = np.random.default_rng(seed)
    tail = rng.integers(0, n, m)
    head = rng.integers(0, n, m)
    seconds = rng.integers(1, 6000, m) / 10.0
    # scipy keeps the last of parallel arcs in a COO -> CSR sum: keep the minimum ourselves
    best = {}
    for t, h, s in zip(tail, head, seconds):
        if t != h:
            best[(t, h)] = min(s, best.get((t, h), np.inf))
    t = np.array([k[0] for k in best]); h = np.array([k[1] for k in best]); s = np.array(list(best.values()))
    return n, t, h, s, csr_matrix((s, (t, h)), shape=(n, n))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matrix_equals_scipy(seed):
    n, t, h, s, g = random_graph(seed)
    rng = np.random.default_rng(seed + 100)
    src = rng.choice(n, 25, replace=False)
    dst = rng.choice(n, 40, replace=False)
    mine = route.matrix(t, h, s, src, dst, nodes=n)
    want = dijkstra(g, directed=True, indices=src)[:, dst]
    assert mine.shape == (25, 40)
    np.testing.assert_array_equal(np.round(mine, 1), np.round(want, 1))
    f = np.isfinite(want)
    assert np.abs(mine[f] - want[f]).max() < 1e-6
    # a limit: beyond it, inf
    lim = route.matrix(t, h, s, src, dst, nodes=n, limit=300.0)
    np.testing.assert_array_equal(lim, np.where(mine <= 300.0, mine, np.inf))
    # one thread, same numbers
    np.testing.assert_array_equal(route.matrix(t, h, s, src, dst, nodes=n, workers=1), mine)


@pytest.mark.parametrize("seed", [4, 5])
def test_nearest_equals_scipy(seed):
    n, t, h, s, g = random_graph(seed)
    src = np.random.default_rng(seed).choice(n, 12, replace=False)
    secs, which = route.nearest(t, h, s, src, nodes=n)
    dist, _, sources = dijkstra(g, directed=True, indices=src, min_only=True, return_predecessors=True)
    f = np.isfinite(dist)
    assert np.abs(secs[f] - dist[f]).max() < 1e-6
    np.testing.assert_array_equal(np.isinf(secs), np.isinf(dist))
    # the source found is at that time (ties may pick another source at the same time)
    full = dijkstra(g, directed=True, indices=src)
    reached = which >= 0
    assert np.abs(full[which[reached], np.flatnonzero(reached)] - secs[reached]).max() < 1e-6
    assert (which[~reached] == -1).all()


def test_bad_graphs_name_the_array_and_index():
    with pytest.raises(ma.GraphError) as e:
        route.matrix([0, 1], [1, 5], [1.0, 2.0], [0], [1], nodes=3)
    assert e.value.field == "head" and e.value.line == 2
    with pytest.raises(ma.GraphError) as e:
        route.nearest([0, 1], [1, 2], [1.0, float("nan")], [0])
    assert e.value.field == "seconds"
    with pytest.raises(ma.GraphError) as e:
        route.nearest([0], [1], [1.0], [7])
    assert e.value.field == "sources"
