"""The 2SFCA of a small hand-made case equals PySAL access's on the same
travel-time table, to 1e-9: binary catchment, and the DREES steps as a
weight function."""

import numpy as np
import pandas as pd
import pytest
from access import Access, weights

import medaccess as ma

DEMAND = pd.DataFrame({"id": ["a", "b", "c", "d", "e", "f"], "population": [1200.0, 350.0, 8000.0, 40.0, 2600.0, 900.0]})
SUPPLY = pd.DataFrame({"id": ["s1", "s2", "s3", "s4"], "supply": [3.0, 1.0, 7.5, 2.0]})


def cost_table():
    """Minutes between every unit and site, some beyond every catchment, one pair missing."""
    rng = np.random.default_rng(20261206)
    rows = []
    for o in DEMAND.id:
        for d in SUPPLY.id:
            if (o, d) == ("d", "s4"):
                continue  # unreachable
            rows.append((o, d, float(rng.integers(0, 45))))
    # the boundary: exactly on the catchment and the step edges
    rows += [("f", "s4", 30.0)] if ("f", "s4") not in {(r[0], r[1]) for r in rows} else []
    df = pd.DataFrame(rows, columns=["origin", "destination", "minutes"])
    df.loc[(df.origin == "a") & (df.destination == "s1"), "minutes"] = 30.0
    df.loc[(df.origin == "b") & (df.destination == "s2"), "minutes"] = 10.0
    df.loc[(df.origin == "c") & (df.destination == "s3"), "minutes"] = 15.0
    return df


def pysal(cost, max_cost, weight_fn=None):
    A = Access(
        demand_df=DEMAND.set_index("id"),
        demand_value="population",
        supply_df=SUPPLY.set_index("id"),
        supply_value="supply",
        cost_df=cost,
        cost_origin="origin",
        cost_dest="destination",
        cost_name="minutes",
    )
    out = A.two_stage_fca(name="x", max_cost=max_cost, weight_fn=weight_fn)
    return out.iloc[:, 0].reindex(DEMAND.id).fillna(0.0).to_numpy()


def test_binary_catchment_equals_pysal():
    cost = cost_table()
    for c in [10, 20, 30, 44]:
        mine = ma.two_step_fca(DEMAND, SUPPLY, cost, decay=f"binary:{c}")
        assert mine.column("id").to_pylist() == list(DEMAND.id)
        got = np.array(mine.column("accessibility").to_pylist())
        want = pysal(cost, c)
        assert np.abs(got - want).max() <= 1e-9, (c, got, want)
        assert got.max() > 0


def test_drees_steps_equal_pysal_weight_function():
    cost = cost_table()
    # DREES: weight 1 to 10 min, 2/3 to 15, 1/3 to 20 (inclusive upper bounds)
    fn = weights.step_fn({10: 1.0, 15: 2 / 3, 20: 1 / 3})
    got = np.array(ma.two_step_fca(DEMAND, SUPPLY, cost, decay="drees").column("accessibility").to_pylist())
    want = pysal(cost, 20, weight_fn=fn)
    assert np.abs(got - want).max() <= 1e-9, (got, want)


def test_bad_cost_rows_name_the_row():
    cost = cost_table()
    cost.loc[3, "minutes"] = -1.0
    with pytest.raises(ma.RequestError) as e:
        ma.two_step_fca(DEMAND, SUPPLY, cost, decay="binary:30")
    assert e.value.field == "minutes" and e.value.line == 4
