"""Type stubs of the compiled extension (medaccess._medaccess)."""

from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import numpy.typing as npt

class MedaccessError(Exception):
    """Base of every medaccess error."""

    file: Optional[str]
    line: Optional[int]
    field: Optional[str]
    message: str

class InputError(MedaccessError):
    """An input file is unreadable or wrong: ``file``, and for a bad value ``line`` and ``field``."""

class GraphError(MedaccessError):
    """A graph that cannot be built or used as asked."""

class RequestError(MedaccessError):
    """A request that does not make sense (unknown INSEE code, empty scope, bad parameter: then `field` names the parameter)."""

class Context:
    @property
    def communes(self) -> List[str]: ...
    @property
    def engine(self) -> str: ...
    @property
    def scope(self) -> str: ...
    @property
    def warnings(self) -> List[str]: ...

class Facilities:
    @staticmethod
    def drees(year: int) -> Facilities: ...
    @staticmethod
    def bpe(path: Optional[str] = None) -> Facilities: ...
    @staticmethod
    def file(
        path: str,
        kind: str = "facility",
        id_col: str = "id",
        name_col: str = "name",
        lon_col: str = "lon",
        lat_col: str = "lat",
        xy: Optional[Tuple[str, str]] = None,
        epsg: Optional[int] = None,
        commune_col: Optional[str] = None,
        capacity_col: Optional[str] = None,
    ) -> Facilities: ...
    @staticmethod
    def points(
        ids: Sequence[str],
        lon: Sequence[float],
        lat: Sequence[float],
        names: Optional[Sequence[str]] = None,
        capacity: Optional[Sequence[Optional[float]]] = None,
        kind: str = "facility",
    ) -> Facilities: ...

Layer = Dict[str, Any]

def load(
    dep: Sequence[str] = ...,
    region: Sequence[str] = ...,
    insee: Sequence[str] = ...,
    france: bool = False,
    fixtures: Optional[str] = None,
    commune_graph: Optional[str] = None,
    communes_dir: Optional[str] = None,
    commune_profile: Optional[str] = None,
    roads: Optional[str] = None,
    source_speed: bool = False,
    link_columns: Optional[str] = None,
    roads_nodes: Optional[str] = None,
    roads_epsg: Optional[int] = None,
    roads_cache: Optional[str] = None,
    no_roads_cache: bool = False,
    winding: bool = True,
    snap_limit_m: float = 1000.0,
    leg_kmh: float = 15.0,
    snap_share_max: float = 0.25,
    allow_sparse_network: bool = False,
) -> Context: ...
def access(ctx: Context, facilities: Facilities, threshold: Optional[float] = None, bands: Optional[List[float]] = None, workers: Optional[int] = None) -> List[Layer]: ...
def scenario(ctx: Context, facilities: Facilities, close: List[str] = ..., open: List[str] = ..., threshold: Optional[float] = None, bands: Optional[List[float]] = None, workers: Optional[int] = None) -> List[Layer]: ...
def rank(ctx: Context, facilities: Facilities, threshold: Optional[float] = None, bands: Optional[List[float]] = None, workers: Optional[int] = None) -> List[Layer]: ...
def site(ctx: Context, facilities: Facilities, add: int = 1, candidates: List[str] = ..., threshold: Optional[float] = None, bands: Optional[List[float]] = None, workers: Optional[int] = None) -> List[Layer]: ...
def catchments(ctx: Context, facilities: Facilities, threshold: Optional[float] = None, bands: Optional[List[float]] = None, workers: Optional[int] = None) -> List[Layer]: ...
def isochrones(ctx: Context, facilities: Facilities, threshold: Optional[float] = None, bands: Optional[List[float]] = None, cell_m: float = 250.0, off_road_kmh: float = 15.0, workers: Optional[int] = None) -> List[Layer]: ...
def gp(
    ctx: Context,
    supply: Facilities,
    decay: str = "drees",
    within: List[float] = ...,
    consultations_per_gp: float = 5400.0,
    under_served: float = 2.5,
    add: List[str] = ...,
    remove: List[str] = ...,
    demand_weights: Optional[str] = None,
    demand_weight_col: str = "weight",
    workers: Optional[int] = None,
) -> List[Layer]: ...
def history(ctx: Context, thresholds: List[float] = ..., threshold: Optional[float] = None, bands: Optional[List[float]] = None, workers: Optional[int] = None) -> List[Layer]: ...
def od_matrix(ctx: Context, origins: Optional[Facilities] = None, destinations: Optional[Facilities] = None, limit: Optional[float] = None, workers: Optional[int] = None) -> Dict[str, Any]: ...
def graph_nearest(
    nodes: int,
    tail: npt.NDArray[np.int64],
    head: npt.NDArray[np.int64],
    seconds: npt.NDArray[np.float64],
    sources: npt.NDArray[np.int64],
    limit: Optional[float] = None,
    workers: Optional[int] = None,
) -> Tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]: ...
def graph_matrix(
    nodes: int,
    tail: npt.NDArray[np.int64],
    head: npt.NDArray[np.int64],
    seconds: npt.NDArray[np.float64],
    sources: npt.NDArray[np.int64],
    targets: npt.NDArray[np.int64],
    limit: Optional[float] = None,
    workers: Optional[int] = None,
) -> npt.NDArray[np.float64]: ...
def cache_commune_graph(dir: str, fixtures: Optional[str] = None) -> str: ...
def run_record(job: str, options: str) -> str: ...

class SweepPlan:
    @staticmethod
    def parse(text: str, source: str = "<plan>") -> SweepPlan: ...
    @property
    def name(self) -> str: ...
    @property
    def tasks(self) -> int: ...
    @property
    def scenarios(self) -> List[str]: ...
    def run(self, workers: Optional[int] = None) -> Dict[str, bytes]: ...
    def run_task(self, task: int, workers: Optional[int] = None) -> bytes: ...
    def merge(self, parts: List[bytes]) -> Dict[str, bytes]: ...
