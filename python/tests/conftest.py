"""Shared fixtures: the command-line binary the Python results are compared
with (``MEDACCESS_BIN``, else the repository's target/release/medaccess), and
the loaded context of Pyrénées-Atlantiques."""

import csv
import io
import json
import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def cli():
    exe = pathlib.Path(os.environ.get("MEDACCESS_BIN", REPO / "target" / "release" / "medaccess"))
    assert exe.is_file(), f"{exe}: build it first (cargo build --release) or set MEDACCESS_BIN"

    def run(*args, cwd=None):
        p = subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, cwd=cwd)
        assert p.returncode == 0, p.stderr
        return p.stdout

    return run


@pytest.fixture(scope="session")
def ctx64():
    import medaccess as ma

    return ma.load(dep=["64"])


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_geojson(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)["features"]
