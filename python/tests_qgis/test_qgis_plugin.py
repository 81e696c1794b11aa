"""The QGIS plugin, from its zip, in real headless QGIS: every algorithm run by
processing.run, its GeoPackage output loaded as a layer and checked against the
medaccess Python package and the command line.

Run with the Python QGIS uses (python3-qgis), QT_QPA_PLATFORM=offscreen, the
medaccess wheel installed, PLUGIN_ZIP naming the zip and MEDACCESS_BIN the
binary (.ci/run does all of it)."""

import csv
import os
import pathlib
import subprocess
import sys
import tempfile
import zipfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import QgsApplication, QgsVectorLayer, QgsWkbTypes  # noqa: E402

OUT = pathlib.Path(tempfile.mkdtemp(prefix="medaccess-qgis-"))


@pytest.fixture(scope="module")
def qgis():
    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    sys.path.append("/usr/share/qgis/python/plugins")
    import processing  # noqa: F401
    from processing.core.Processing import Processing

    Processing.initialize()
    # the plugin as a user installs it: from the zip
    plugins = OUT / "plugins"
    with zipfile.ZipFile(os.environ["PLUGIN_ZIP"]) as z:
        z.extractall(plugins)
    sys.path.insert(0, str(plugins))
    import medaccess_processing

    plugin = medaccess_processing.classFactory(None)
    plugin.initProcessing()
    ids = [a.id() for a in QgsApplication.processingRegistry().providerById("medaccess").algorithms()]
    assert sorted(ids) == sorted(f"medaccess:{n}" for n in ["access", "scenario", "rank", "isochrones", "gp"])
    yield processing
    plugin.unload()


def cli(*args):
    p = subprocess.run([os.environ["MEDACCESS_BIN"], *map(str, args)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return p.stdout


def layer(path):
    lyr = QgsVectorLayer(str(path), "out", "ogr")
    assert lyr.isValid(), path
    return lyr


def rows(lyr, key):
    return {str(f[key]): f for f in lyr.getFeatures()}


def read_csv(path, key):
    with open(path, newline="", encoding="utf-8") as f:
        return {r[key]: r for r in csv.DictReader(f)}


def test_access_maternities_2016(qgis):
    out = OUT / "access.gpkg"
    res = qgis.run("medaccess:access", {"DEPARTEMENTS": "64", "YEAR": 2016, "OUTPUT": str(out)})
    lyr = layer(res["OUTPUT"])
    assert lyr.featureCount() == 545
    assert lyr.crs().authid() == "EPSG:4326"
    assert QgsWkbTypes.geometryType(lyr.wkbType()) == QgsWkbTypes.PolygonGeometry
    names = [f.name() for f in lyr.fields()]
    for n in ["insee", "minutes", "beyond_threshold", "facility_id", "population"]:
        assert n in names, names
    cli("access", "--dep", "64", "--year", "2016", "--out", OUT / "cli")
    ref = read_csv(OUT / "cli" / "maternity-access-64-2016.csv", "insee")
    got = rows(lyr, "insee")
    assert set(got) == set(ref)
    for insee, r in ref.items():
        f = got[insee]
        assert float(r["minutes"]) == f["minutes"], insee
        assert r["facility_id"] == f["facility_id"]
        assert (r["beyond_threshold"] == "true") == bool(f["beyond_threshold"])
    assert all(f.geometry().isGeosValid() for f in lyr.getFeatures())
    # the run's record: the command line's, beside the output and as an output
    record = (OUT / "cli" / "maternity-access-64-2016.config.json").read_text()
    assert res["RECORD"] == record
    assert (OUT / "access.config.json").read_text() == record


def test_scenario_rank_isochrones_gp(qgis):
    import medaccess as ma

    ctx = ma.load(dep=["64"])
    res = qgis.run(
        "medaccess:scenario",
        {"DEPARTEMENTS": "64", "YEAR": 2016, "CLOSE": "640000410", "OUTPUT": str(OUT / "scenario.gpkg")},
    )
    lyr = layer(res["OUTPUT"])
    want = ma.scenario(ctx, year=2016, close=["640000410"])
    assert lyr.featureCount() == want.num_rows == 545
    newly = sum(1 for f in lyr.getFeatures() if f["newly_beyond"])
    assert newly == sum(want.column("newly_beyond").to_pylist()) > 0

    res = qgis.run("medaccess:rank", {"DEPARTEMENTS": "64", "YEAR": 2023, "OUTPUT": str(OUT / "rank.gpkg")})
    lyr = layer(res["OUTPUT"])
    want = ma.rank(ctx, year=2023)
    assert lyr.featureCount() == want.num_rows > 0
    first = want.column_names[0]
    assert [str(f[first]) for f in lyr.getFeatures()] == [str(x) for x in want.column(first).to_pylist()]

    res = qgis.run("medaccess:isochrones", {"DEPARTEMENTS": "64", "YEAR": 2023, "OUTPUT": str(OUT / "iso.gpkg")})
    lyr = layer(res["OUTPUT"])
    want = ma.isochrones(ctx, year=2023)
    assert lyr.featureCount() == want.num_rows > 3
    assert QgsWkbTypes.geometryType(lyr.wkbType()) == QgsWkbTypes.PolygonGeometry

    res = qgis.run("medaccess:gp", {"DEPARTEMENTS": "64,65", "OUTPUT": str(OUT / "gp.gpkg")})
    lyr = layer(res["OUTPUT"])
    assert lyr.featureCount() == 1014
    cli("gp", "--dep", "64,65", "--out", OUT / "cli")
    ref = read_csv(OUT / "cli" / "gp-access-64-65.csv", "insee")
    for insee, f in rows(lyr, "insee").items():
        assert float(ref[insee]["apl_consultations"]) == f["apl_consultations"], insee
        assert (ref[insee]["under_served"] == "true") == bool(f["under_served"])


def test_a_facility_layer_of_emergency_departments(qgis):
    src = pathlib.Path(os.environ["MEDACCESS_REPO"]) / "fixtures" / "urgences-64-65-40.csv"
    uri = f"file://{src}?delimiter=,&xField=lon&yField=lat&crs=EPSG:4326"
    pts = QgsVectorLayer(uri, "urgences", "delimitedtext")
    assert pts.isValid() and pts.featureCount() == 11
    res = qgis.run(
        "medaccess:access",
        {
            "DEPARTEMENTS": "64",
            "FACILITIES": pts,
            "ID_FIELD": "finess",
            "NAME_FIELD": "name",
            "KIND": 1,
            "OUTPUT": str(OUT / "urgences.gpkg"),
        },
    )
    lyr = layer(res["OUTPUT"])
    cli("access", "--dep", "64", "--kind", "emergency", "--facilities", src, "--id-col", "finess", "--out", OUT / "cli")
    ref = read_csv(OUT / "cli" / "emergency-access-64.csv", "insee")
    got = rows(lyr, "insee")
    assert len(got) == len(ref) == 545
    for insee, r in ref.items():
        assert float(r["minutes"]) == got[insee]["minutes"], insee
        assert float(r["threshold_min"]) == got[insee]["threshold_min"] == 30.0


def test_errors_become_processing_errors(qgis):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException) as e:
        qgis.run("medaccess:gp", {"DEPARTEMENTS": "64", "DECAY": "cubic", "OUTPUT": str(OUT / "bad.gpkg")})
    assert "cubic" in str(e.value)
    with pytest.raises(QgsProcessingException):
        qgis.run("medaccess:access", {"DEPARTEMENTS": "99", "OUTPUT": str(OUT / "bad2.gpkg")})
