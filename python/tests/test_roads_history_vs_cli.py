"""Road networks (``load(roads=...)``, the command line's ``--roads``) and
``history`` from Python equal the command line's outputs, value by value."""

import pytest

import medaccess as ma
from conftest import REPO, read_csv
from test_jobs_vs_cli import same_as_csv

CORSICA = REPO.parent / "shared" / "data" / "osm-fr-corse" / "corsica_links.csv.gz"


def test_access_and_scenario_on_a_road_network_equal_cli(cli, tmp_path):
    assert CORSICA.is_file(), f"{CORSICA}: the full suite reads ../shared/data"
    roads = ["--roads", CORSICA, "--roads-cache", tmp_path / "cache"]
    cli("access", "--dep", "2A,2B", "--year", "2023", *roads, "--out", tmp_path)
    ctx = ma.load(dep=["2A", "2B"], roads=CORSICA, roads_cache=tmp_path / "cache")
    assert ctx.engine == "links", ctx.engine
    t = ma.access(ctx, year=2023)
    same_as_csv(t, read_csv(tmp_path / "maternity-access-2A-2B-2023.csv"))
    assert set(t.column("engine").to_pylist()) == {ctx.engine}
    # the commune estimate gives other minutes: the network was used
    est = ma.access(ma.load(dep=["2A", "2B"]), year=2023)
    assert est.column("minutes").to_pylist() != t.column("minutes").to_pylist()

    close = t.column("facility_id").to_pylist()[0]
    cli("scenario", "--dep", "2A,2B", "--year", "2023", "--close", close, *roads, "--out", tmp_path)
    s = ma.scenario(ctx, year=2023, close=[close])
    same_as_csv(s, read_csv(tmp_path / f"scenario-2A-2B-2023-close-{close}.csv"))

    # options the command line has, with its errors
    with pytest.raises(ma.RequestError, match="give roads=FILE"):
        ma.load(dep=["2A"], source_speed=True)
    with pytest.raises(ma.MedaccessError):
        ma.load(dep=["2A"], roads=tmp_path / "missing.osm.pbf", roads_cache=False)


def test_history_equals_cli(cli, ctx64, tmp_path):
    cli("history", "--dep", "64", "--thresholds", "30,40,45", "--out", tmp_path)
    h = ma.history(ctx64)
    rows = read_csv(tmp_path / "history-64.csv")
    same_as_csv(h, rows)
    years = sorted(set(h.column("year").to_pylist()))
    assert years == list(range(2013, 2024))
    cli("history", "--dep", "64", "--thresholds", "35", "--out", tmp_path / "35")
    same_as_csv(ma.history(ctx64, thresholds=[35]), read_csv(tmp_path / "35" / "history-64.csv"))
    with pytest.raises(ma.RequestError, match="thresholds"):
        ma.history(ctx64, thresholds=[])


def test_a_network_that_misses_the_scope_raises_unless_allowed(tmp_path):
    # St-Barthélemy's roads for the Pyrénées-Atlantiques: no commune of 64
    # is within the snap limit of any of its roads
    roads = REPO / "fixtures" / "osm" / "saint_barthelemy.osm.pbf"
    ctx = ma.load(dep=["64"], roads=roads, roads_cache=False)
    with pytest.raises(ma.MedaccessError, match="saint_barthelemy.osm.pbf misses the scope"):
        ma.access(ctx, year=2023)
    with pytest.raises(ma.MedaccessError, match="saint_barthelemy.osm.pbf misses the scope"):
        ma.access(ma.load(dep=["64"], roads=roads, roads_cache=False, snap_share_max=0.9), year=2023)
    # the share reaches the check: all of them far is allowed at 1
    everyone = ma.load(dep=["64"], roads=roads, roads_cache=False, snap_share_max=1.0)
    assert ma.access(everyone, year=2023).num_rows == 545
    # run anyway: what the command line prints comes back as a warning
    sparse = ma.load(dep=["64"], roads=roads, roads_cache=False, allow_sparse_network=True)
    with pytest.warns(UserWarning, match="misses the scope"):
        t = ma.access(sparse, year=2023)
    assert t.num_rows == 545
    with pytest.raises(ma.MedaccessError, match="snap"):
        ma.load(dep=["64"], roads=roads, roads_cache=False, snap_share_max=1.5)
    # without a network there is nothing to check
    with pytest.raises(ma.RequestError, match="give roads=FILE"):
        ma.load(dep=["64"], allow_sparse_network=True)
