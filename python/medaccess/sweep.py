"""Sweeps: grids of 2SFCA parameters or closure combinations (see docs/sweeps.md).

The same TOML plan as ``medaccess sweep`` runs here on this machine's cores, or
on a Dask cluster: each task (``tasks`` in the plan) becomes one Dask task that
loads the plan's data (name one commune graph file every worker can read, e.g.
from :func:`cache_commune_graph`) and returns its part; the parts are merged
here. Local and distributed runs give the same bytes.

Why Dask (not Ray): it installs as pure-Python wheels, runs the same code on a
laptop (``LocalCluster``), on a Slurm or PBS cluster (dask-jobqueue) and in the
cloud, and it is the engine the Python geo stack already uses (dask-geopandas,
xarray). A sweep task is a coarse, independent, CPU-bound call that releases the
GIL: exactly what ``client.submit`` schedules well, with nothing Ray adds
(actors, object store) needed.
"""

from __future__ import annotations

import io
import os
import tempfile
from typing import Any, Dict, Optional, Union

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from . import _medaccess as _m

PathLike = Union[str, "os.PathLike[str]"]


def cache_commune_graph(dir: PathLike, fixtures: Optional[PathLike] = None) -> str:
    """Write the commune graph (of the shipped data, or of ``fixtures``) once into
    ``dir``, named by a hash of its bytes, and return its path: the file to name in
    a plan's ``[data] commune_graph`` so every task of a distributed run reads it."""
    return os.fspath(_m.cache_commune_graph(os.fspath(dir), None if fixtures is None else os.fspath(fixtures)))


def _run_task(text: str, source: str, task: int, workers: Optional[int]) -> bytes:
    """One task of a plan, as a Dask worker runs it."""
    return _m.SweepPlan.parse(text, source).run_task(task, workers=workers)


class SweepResult:
    """The files of a sweep: ``files`` (name -> bytes, exactly what the command
    line writes) and the tables read from them."""

    def __init__(self, name: str, files: Dict[str, bytes]):
        self.name = name
        self.files = files

    def _csv(self, suffix: str) -> pa.Table:
        return pacsv.read_csv(io.BytesIO(self.files[f"{self.name}-{suffix}.csv"]))

    @property
    def values(self) -> pa.Table:
        """The tidy table: ``scenario, parameters, commune, value, flagged``."""
        pq_name = f"{self.name}-values.parquet"
        if pq_name in self.files:
            return pq.read_table(io.BytesIO(self.files[pq_name]))
        return pacsv.read_csv(
            io.BytesIO(self.files[f"{self.name}-values.csv"]),
            convert_options=pacsv.ConvertOptions(
                column_types={"commune": pa.string(), "parameters": pa.string(), "value": pa.float64()}
            ),
        )

    @property
    def scenarios(self) -> pa.Table:
        """Per scenario: communes and population flagged, Spearman and Jaccard against scenario 0."""
        return self._csv("scenarios")

    @property
    def communes(self) -> pa.Table:
        """Per commune: times flagged, rank min/median/max over the scenarios."""
        return pacsv.read_csv(
            io.BytesIO(self.files[f"{self.name}-communes.csv"]),
            convert_options=pacsv.ConvertOptions(column_types={"commune": pa.string()}),
        )

    @property
    def spearman(self) -> pa.Table:
        """Spearman between every two parameter sets."""
        return self._csv("spearman")

    @property
    def summary(self) -> str:
        return self.files[f"{self.name}-summary.txt"].decode()

    def write(self, out: PathLike) -> None:
        """Write the files into ``out`` all together or not at all."""
        out = os.fspath(out)
        os.makedirs(out, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=".medaccess-", dir=out)
        try:
            for name, data in self.files.items():
                with open(os.path.join(tmp, name), "wb") as f:
                    f.write(data)
            for name in self.files:
                os.replace(os.path.join(tmp, name), os.path.join(out, name))
        finally:
            for name in os.listdir(tmp):
                os.remove(os.path.join(tmp, name))
            os.rmdir(tmp)


class Sweep:
    """A sweep plan (TOML text or a path to a ``.toml`` file; see docs/sweeps.md).

    Relative paths inside a plan file are read from the plan's folder (kept
    as an absolute path, so that Dask workers with another working folder
    read the same files); inside a plan given as text, from the current
    folder.

    >>> s = Sweep('name = "g"\\ndep = ["64"]\\n[gp]\\ncatchments = [20, 30]\\n')
    >>> s.scenarios
    ['catchment=20;decay=drees;supply=counts', 'catchment=30;decay=drees;supply=counts']
    """

    def __init__(self, plan: Union[str, "os.PathLike[str]"]):
        text, source = plan, "<plan>"
        if isinstance(plan, os.PathLike) or (isinstance(plan, str) and "\n" not in plan and plan.endswith(".toml")):
            source = os.path.abspath(os.fspath(plan))
            with open(source, encoding="utf-8") as f:
                text = f.read()
        self._text, self._source = str(text), source
        self._plan = _m.SweepPlan.parse(self._text, source)

    @property
    def name(self) -> str:
        return self._plan.name

    @property
    def tasks(self) -> int:
        return self._plan.tasks

    @property
    def scenarios(self) -> list:
        return self._plan.scenarios

    def run(self, *, client: Any = None, workers: Optional[int] = None) -> SweepResult:
        """Run every scenario: on this machine's cores (``workers`` threads, default
        all), or with ``client`` (a ``dask.distributed.Client``) one Dask task per
        plan task, merged here. Same files either way."""
        if client is None:
            files = self._plan.run(workers=workers)
        else:
            futures = [
                client.submit(_run_task, self._text, self._source, t, workers, pure=False, key=f"medaccess-{self.name}-{t}")
                for t in range(self.tasks)
            ]
            parts = client.gather(futures)
            files = self._plan.merge(list(parts))
        return SweepResult(self.name, dict(files))

    def run_task(self, task: int, *, workers: Optional[int] = None) -> bytes:
        """Task ``task`` alone: the bytes of its part (``medaccess sweep --task``)."""
        return self._plan.run_task(task, workers=workers)

    def merge(self, parts: list) -> SweepResult:
        """Merge the parts of every task (bytes, any order)."""
        return SweepResult(self.name, dict(self._plan.merge([bytes(p) for p in parts])))
