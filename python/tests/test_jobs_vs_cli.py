"""Every job from Python equals the command line's output on the default data:
same rows, same columns, same values (the CSV's text reads back to the table's
numbers exactly), same geometry as the GeoJSON."""

import math

import pyarrow as pa
import pytest
import shapely

import medaccess as ma
from conftest import read_csv, read_geojson


def same_as_csv(table: pa.Table, rows: list):
    """Table columns (geometry aside) equal the CSV's, value by value."""
    names = [n for n in table.column_names if n != "geometry"]
    assert names == list(rows[0].keys())
    assert table.num_rows == len(rows)
    for name in names:
        col = table.column(name)
        typ = col.type
        for k, (v, r) in enumerate(zip(col.to_pylist(), rows)):
            text = r[name]
            if v is None:
                assert text == "", (name, k, text)
            elif pa.types.is_boolean(typ):
                assert text == ("true" if v else "false"), (name, k)
            elif pa.types.is_floating(typ) or pa.types.is_integer(typ):
                assert float(text) == v, (name, k, text, v)
            else:
                assert text == v, (name, k, text, v)


def same_as_geojson(table: pa.Table, features: list):
    """Properties and geometry (to the GeoJSON's 6 decimals) of every feature."""
    assert table.num_rows == len(features)
    props = table.drop_columns(["geometry"]).to_pylist() if "geometry" in table.column_names else table.to_pylist()
    for k, (p, f) in enumerate(zip(props, features)):
        for key, v in f["properties"].items():
            w = p[key]
            if isinstance(v, float) or isinstance(w, float):
                assert (v is None and w is None) or float(v) == float(w), (k, key, v, w)
            else:
                assert v == w, (k, key, v, w)
    if "geometry" in table.column_names:
        for k, (g, f) in enumerate(zip(table.column("geometry").to_pylist(), features)):
            mine = shapely.from_wkb(g)
            theirs = shapely.geometry.shape(f["geometry"])
            assert mine.geom_type == theirs.geom_type
            assert shapely.equals_exact(mine, theirs, tolerance=1e-6), k


def test_access_equals_cli(cli, ctx64, tmp_path):
    cli("access", "--dep", "64", "--year", "2016", "--out", tmp_path)
    t = ma.access(ctx64, year=2016)
    assert t.num_rows == 545
    same_as_csv(t, read_csv(tmp_path / "maternity-access-64-2016.csv"))
    same_as_geojson(t, read_geojson(tmp_path / "maternity-access-64-2016.geojson"))
    layers = ma.access(ctx64, year=2016, all_layers=True)
    fac = layers["maternity-access-64-2016-facilities"]
    same_as_geojson(fac, read_geojson(tmp_path / "maternity-access-64-2016-facilities.geojson"))
    # GeoParquet metadata and a GeoDataFrame in WGS84
    assert b"geo" in t.schema.metadata
    gdf = ma.to_geopandas(t)
    assert gdf.crs.to_epsg() == 4326 and len(gdf) == 545
    assert gdf.geometry.is_valid.all()


def test_scenario_rank_site_gp_equal_cli(cli, ctx64, tmp_path):
    cli("scenario", "--dep", "64", "--year", "2016", "--close", "640000410", "--out", tmp_path)
    t = ma.scenario(ctx64, year=2016, close=["640000410"])
    same_as_csv(t, read_csv(tmp_path / "scenario-64-2016-close-640000410.csv"))
    changed = ma.scenario(ctx64, year=2016, close=["640000410"], all_layers=True)["scenario-64-2016-close-640000410-changed"]
    same_as_geojson(changed, read_geojson(tmp_path / "scenario-64-2016-close-640000410-changed.geojson"))

    cli("rank", "--dep", "64", "--year", "2023", "--out", tmp_path)
    same_as_csv(ma.rank(ctx64, year=2023), read_csv(tmp_path / "rank-64-2023.csv"))

    cli("site", "--dep", "64", "--year", "2017", "--add", "2", "--out", tmp_path)
    sites = ma.site(ctx64, year=2017, add=2, all_layers=True)
    for name, table in sites.items():
        path = tmp_path / f"{name}.csv"
        if path.exists():
            same_as_csv(table, read_csv(path))
        else:
            same_as_geojson(table, read_geojson(tmp_path / f"{name}.geojson"))

    cli("gp", "--dep", "64", "--add", "64104:2", "--out", tmp_path)
    g = ma.gp(ctx64, add={"64104": 2})
    same_as_csv(g, read_csv(tmp_path / "gp-access-64-add-64104x2.csv"))
    # the layer is named as the command line's files, scenario included
    assert g.schema.metadata[b"medaccess:layer"] == b"gp-access-64-add-64104x2"
    assert ma.gp(ctx64).schema.metadata[b"medaccess:layer"] == b"gp-access-64"


def test_catchments_isochrones_equal_cli(cli, ctx64, tmp_path):
    cli("catchments", "--dep", "64", "--year", "2023", "--out", tmp_path)
    same_as_geojson(ma.catchments(ctx64, year=2023), read_geojson(tmp_path / "catchments-64-2023.geojson"))
    cli("isochrones", "--dep", "64", "--year", "2023", "--out", tmp_path)
    iso = ma.isochrones(ctx64, year=2023)
    same_as_geojson(iso, read_geojson(tmp_path / "isochrones-64-2023.geojson"))
    assert iso.num_rows > 3


def test_other_kinds_from_a_file_and_from_points(cli, ctx64, tmp_path):
    import csv

    from conftest import REPO

    path = REPO / "fixtures" / "urgences-64-65-40.csv"
    cli("access", "--dep", "64", "--kind", "emergency", "--facilities", path, "--id-col", "finess", "--out", tmp_path)
    t = ma.access(ctx64, path, kind="emergency", columns={"id_col": "finess"})
    rows = read_csv(tmp_path / "emergency-access-64.csv")
    same_as_csv(t, rows)
    # the same sites as a table of points: the same minutes
    with open(path, newline="", encoding="utf-8") as f:
        src = list(csv.DictReader(f))
    pts = pa.table(
        {
            "id": [r["finess"] for r in src],
            "name": [r["name"] for r in src],
            "lon": [float(r["lon"]) for r in src],
            "lat": [float(r["lat"]) for r in src],
        }
    )
    t2 = ma.access(ctx64, pts, kind="emergency")
    assert t2.column("minutes").to_pylist() == t.column("minutes").to_pylist()
    assert t2.column("facility_id").to_pylist() == t.column("facility_id").to_pylist()


def test_matrix_equals_cli(cli, ctx64, tmp_path):
    cli("matrix", "--dep", "64", "--year", "2016", "--limit", "45", "--out", tmp_path)
    rows = read_csv(tmp_path / "matrix-64-2016.csv")
    m = ma.matrix(ctx64, year=2016, limit=45)
    assert m.column_names == ["origin", "destination", "minutes"]
    assert m.num_rows == len(rows)
    assert m.column("origin").to_pylist() == [r["origin"] for r in rows]
    assert m.column("destination").to_pylist() == [r["destination"] for r in rows]
    assert m.column("minutes").to_pylist() == [float(r["minutes"]) for r in rows]
    assert all(0 <= x <= 45 for x in m.column("minutes").to_pylist())
    # commune x commune
    cc = ma.matrix(ma.load(insee=["64445", "64422", "64300"]), to_communes=True)
    assert cc.num_rows == 9
    diag = [x for o, d, x in zip(*(cc.column(c).to_pylist() for c in cc.column_names)) if o == d]
    assert len(diag) == 3 and all(not math.isnan(x) for x in diag)
