"""Every job's table carries the record of its run, as the command line writes
it beside its outputs (``<name>.config.json``): the same bytes for the same run,
and ``medaccess run RECORD`` makes the same table from the command line."""

import json
import os
import subprocess

import pytest

import medaccess as ma
from conftest import REPO, read_csv
from test_jobs_vs_cli import same_as_csv


def test_the_record_of_a_python_run_is_the_command_lines(cli, ctx64, tmp_path):
    cli("access", "--dep", "64", "--year", "2016", "--out", tmp_path / "cli")
    t = ma.access(ctx64, year=2016)
    ma.write_record(t, tmp_path / "py.config.json")
    ours = (tmp_path / "py.config.json").read_bytes()
    theirs = (tmp_path / "cli" / "maternity-access-64-2016.config.json").read_bytes()
    assert ours == theirs
    assert ma.record(t)["command"] == "medaccess access --dep 64 --year 2016"
    # every layer of the run holds it
    for layer in ma.access(ctx64, year=2016, all_layers=True).values():
        assert ma.record(layer) == ma.record(t)


@pytest.mark.parametrize(
    "job,kwargs",
    [
        ("scenario", dict(year=2016, close=["640000410"], threshold=45)),
        ("rank", dict(year=2023, bands=[15, 30, 45])),
        ("gp", dict(add={"64104": 2}, within=[15, 30], decay="binary:20")),
        ("history", dict(thresholds=[30, 45])),
        ("matrix", dict(year=2016, limit=30)),
        ("access", dict(facilities=str(REPO / "fixtures" / "urgences-64-65-40.csv"), kind="emergency", columns={"id_col": "finess"})),
    ],
)
def test_a_python_record_reruns_on_the_command_line(cli, ctx64, tmp_path, job, kwargs):
    t = getattr(ma, job)(ctx64, **kwargs)
    rec = tmp_path / "run.config.json"
    ma.write_record(t, rec)
    # rerun from another folder: paths in the record are absolute
    cli("run", rec, "--out", tmp_path / "again", cwd=tmp_path)
    (config,) = (tmp_path / "again").glob("*.config.json")
    rows = read_csv(config.with_name(config.name.replace(".config.json", ".csv")))
    if job == "matrix":
        assert [float(r["minutes"]) for r in rows] == t.column("minutes").to_pylist()
        assert [r["origin"] for r in rows] == t.column("origin").to_pylist()
    else:
        same_as_csv(t, rows)
    # and the command line's record of that rerun is the same record
    again = json.loads(config.read_text())
    assert again["options"] == ma.record(t)["options"]


def test_a_gp_scenario_layer_is_named_as_its_rerun_files(cli, ctx64, tmp_path):
    # one spelling of the changes for the layer name and the record: a small
    # count that Python and Rust would print differently (1e-05 / 0.00001)
    t = ma.gp(ctx64, add={"64104": 1e-5}, remove={"64445": 0.5})
    layer = t.schema.metadata[b"medaccess:layer"].decode()
    assert layer == "gp-access-64-add-64104x1e-05-remove-64445x0.5"
    ma.write_record(t, tmp_path / "run.config.json")
    cli("run", tmp_path / "run.config.json", "--out", tmp_path / "again")
    assert (tmp_path / "again" / f"{layer}.csv").is_file()
    for bad in (-1, float("nan"), 1e300, "two", None, True):
        with pytest.raises(ma.RequestError, match="not a number of GPs"):
            ma.gp(ctx64, add={"64104": bad})


def test_points_given_in_python_are_named_as_not_a_file(ctx64, tmp_path):
    pts = ma.facilities({"id": ["a", "b"], "lon": [-0.37, -0.61], "lat": [43.3, 43.19]}, kind="emergency")
    t = ma.access(ctx64, pts, kind="emergency")
    rec = ma.record(t)
    assert rec["options"]["facilities"].startswith("(not a file: 2 points given in Python")
    ma.write_record(t, tmp_path / "r.json")
    exe = os.environ.get("MEDACCESS_BIN", str(REPO / "target" / "release" / "medaccess"))
    p = subprocess.run([exe, "run", str(tmp_path / "r.json"), "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert p.returncode != 0
    assert "not a file" in p.stderr, p.stderr
    assert not (tmp_path / "o").exists()


def test_a_table_no_job_made_has_no_record(tmp_path):
    import pyarrow as pa

    t = pa.table({"a": [1]})
    assert ma.record(t) is None
    with pytest.raises(ma.RequestError):
        ma.write_record(t, tmp_path / "x.json")
