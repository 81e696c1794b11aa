"""medaccess: drive times from French communes to health care.

The library's jobs for Python: ``access``, ``scenario``, ``rank``, ``site``,
``catchments``, ``isochrones``, ``history``, ``gp`` (two-step floating catchment), the
origin-destination ``matrix``, ``Sweep`` (grids of 2SFCA parameters or closures,
locally or on Dask), and ``medaccess.route`` (nearest / matrix on any graph given
as numpy arrays).

Every job takes a :class:`Context` (``medaccess.load(dep=["64"])``: the commune
graph of France, or a road network with ``roads=FILE``, and the communes in
scope, loaded once) and returns a
``pyarrow.Table`` with the columns of the command line's CSV and a ``geometry``
column of WKB (WGS84 lon/lat), or a ``geopandas.GeoDataFrame`` with
``to_geopandas(table)``. Long calls release the GIL and stop on Ctrl-C. Errors
are :class:`MedaccessError` subclasses with ``file``, ``line`` and ``field``
attributes.

>>> import medaccess as ma
>>> ctx = ma.load(dep=["64"])
>>> t = ma.access(ctx, year=2016)
>>> t.num_rows
545
"""

from __future__ import annotations

import json
import os
import weakref
from typing import Any, Dict, Iterable, Optional, Sequence, Union

import pyarrow as pa

from . import route
from ._medaccess import (
    Context,
    Facilities,
    GraphError,
    InputError,
    MedaccessError,
    RequestError,
)
from . import _medaccess as _m
from .sweep import Sweep, cache_commune_graph

__all__ = [
    "Context",
    "Facilities",
    "MedaccessError",
    "InputError",
    "GraphError",
    "RequestError",
    "Sweep",
    "load",
    "access",
    "scenario",
    "rank",
    "site",
    "catchments",
    "isochrones",
    "history",
    "gp",
    "matrix",
    "two_step_fca",
    "facilities",
    "to_geopandas",
    "record",
    "write_record",
    "cache_commune_graph",
    "route",
]

__version__ = "0.1.0"

PathLike = Union[str, "os.PathLike[str]"]

_TYPES = {"int": pa.int64(), "float": pa.float64(), "str": pa.string(), "bool": pa.bool_()}


def load(
    dep: Optional[Sequence[str]] = None,
    region: Optional[Sequence[str]] = None,
    insee: Optional[Sequence[str]] = None,
    france: bool = False,
    fixtures: Optional[PathLike] = None,
    commune_graph: Optional[PathLike] = None,
    communes_dir: Optional[PathLike] = None,
    *,
    commune_profile: Optional[str] = None,
    roads: Optional[PathLike] = None,
    source_speed: bool = False,
    link_columns: Optional[Union[str, Dict[str, str]]] = None,
    roads_nodes: Optional[PathLike] = None,
    roads_epsg: Optional[int] = None,
    roads_cache: Union[PathLike, bool, None] = None,
    winding: bool = True,
    snap_limit_m: float = 1000.0,
    leg_kmh: float = 15.0,
    snap_share_max: float = 0.25,
    allow_sparse_network: bool = False,
) -> Context:
    """Load the data of a run once: the road graph and the communes in scope.

    Give exactly one of ``dep`` (départements, e.g. ``["64", "65"]``), ``region``
    (INSEE region codes, e.g. ``["75"]``), ``insee`` (commune codes) or
    ``france=True``. With no data argument the data shipped in medaccess is used
    (the commune graph of France, commune populations, the DREES maternity list,
    GP counts); ``fixtures`` names a folder laid out as the project's fixtures/,
    ``commune_graph`` a graph file, ``communes_dir`` a folder of
    ``polygons/dep-XX.geojson``, ``commune_profile`` the commune estimate's
    profile (``"v2"``, the default, ``"v1"`` or a JSON profile file).

    ``roads`` runs every job on a real road network instead of the commune
    estimate, as ``--roads`` does on the command line: an OpenStreetMap extract
    (.osm.pbf, .osm), a MATSim network, a CSV link table, IGN BD TOPO or
    ROUTE 500 sections (Shapefile or GeoPackage), recognised by content.
    ``source_speed`` uses the file's own speeds; ``link_columns`` names a link
    table's columns (``"from=A,to=B"`` or ``{"from": "A", "to": "B"}``);
    ``roads_nodes`` its nodes file; ``roads_epsg`` the EPSG code of coordinates
    the file does not name. The imported graph is cached in ``roads_cache``
    (default ``~/.cache/medaccess/roads``; ``False``: no cache).
    ``winding=False`` drives winding roads at their class speeds; points farther
    than ``snap_limit_m`` metres from any road are left unreachable, and the leg
    from a point to its road is driven at ``leg_kmh``. A network that misses
    the scope (more than ``snap_share_max`` of the communes in scope, or of the
    facilities within their extent, beyond ``snap_limit_m``; or a network in
    fragments) raises an error naming the file, unless
    ``allow_sparse_network=True`` makes it a ``UserWarning`` raised by the job
    (as the command line prints it); both need ``roads``.
    """
    if isinstance(link_columns, dict):
        link_columns = ",".join(f"{k}={v}" for k, v in link_columns.items())
    options = _options(
        ("dep", _codes(dep) or None),
        ("region", _codes(region) or None),
        ("insee", _codes(insee) or None),
        ("france", france),
        ("fixtures", _abs(fixtures)),
        ("commune-graph", _abs(commune_graph)),
        ("communes-dir", _abs(communes_dir)),
        ("commune-profile", _profile(commune_profile)),
        ("roads", _abs(roads)),
        ("source-speed", source_speed),
        ("link-columns", link_columns),
        ("roads-nodes", _abs(roads_nodes)),
        ("roads-epsg", roads_epsg),
        ("roads-cache", None if roads_cache is None or isinstance(roads_cache, bool) else _abs(roads_cache)),
        ("no-roads-cache", roads_cache is False),
        ("no-winding", not winding),
        ("snap-limit-m", _unless(snap_limit_m, 1000.0)),
        ("leg-kmh", _unless(leg_kmh, 15.0)),
        ("snap-share-max", _unless(snap_share_max, 0.25)),
        ("allow-sparse-network", allow_sparse_network),
    )
    ctx = _m.load(
        dep=_codes(dep),
        region=_codes(region),
        insee=_codes(insee),
        france=france,
        fixtures=_path(fixtures),
        commune_graph=_path(commune_graph),
        communes_dir=_path(communes_dir),
        commune_profile=None if commune_profile is None else os.fspath(commune_profile),
        roads=_path(roads),
        source_speed=source_speed,
        link_columns=link_columns,
        roads_nodes=_path(roads_nodes),
        roads_epsg=roads_epsg,
        roads_cache=None if roads_cache is None or isinstance(roads_cache, bool) else _path(roads_cache),
        no_roads_cache=roads_cache is False,
        winding=winding,
        snap_limit_m=snap_limit_m,
        leg_kmh=leg_kmh,
        snap_share_max=snap_share_max,
        allow_sparse_network=allow_sparse_network,
    )
    _LOADED[ctx] = options
    return ctx


def facilities(
    source: Any = None,
    *,
    year: int = 2023,
    kind: Optional[str] = None,
    id_col: str = "id",
    name_col: str = "name",
    lon_col: str = "lon",
    lat_col: str = "lat",
    xy: Optional[Sequence[str]] = None,
    epsg: Optional[int] = None,
    commune_col: Optional[str] = None,
    capacity_col: Optional[str] = None,
) -> Facilities:
    """The facilities a job runs on.

    ``source`` is ``None`` (the DREES maternities open in ``year``, or with
    ``kind="gp"`` the GPs per commune of the shipped BPE table), a path to a CSV
    or GeoJSON (columns named as on the command line), a ``pyarrow.Table``,
    ``pandas.DataFrame`` or ``dict`` with ``id``, ``lon``, ``lat`` (and optional
    ``name``, ``capacity``) columns, a ``geopandas.GeoDataFrame`` of points (any
    CRS; reprojected to WGS84), or a :class:`Facilities` (returned as is).
    """
    if isinstance(source, Facilities):
        return source
    if source is None:
        if kind in (None, "maternity"):
            return _remember(Facilities.drees(int(year)), _options(("year", int(year))))
        if kind == "gp":
            return _remember(Facilities.bpe(), {})
        raise RequestError(f"kind={kind!r} needs facilities: a file, a table or points")
    if isinstance(source, (str, os.PathLike)):
        options = _options(
            ("facilities", _abs(source)),
            ("kind", kind),
            ("id-col", _unless(id_col, "id")),
            ("name-col", _unless(name_col, "name")),
            ("lon-col", _unless(lon_col, "lon")),
            ("lat-col", _unless(lat_col, "lat")),
            ("xy", list(xy) if xy else None),
            ("epsg", epsg),
            ("commune-col", commune_col),
            ("capacity-col", capacity_col),
        )
        return _remember(Facilities.file(
            os.fspath(source),
            kind=kind or "facility",
            id_col=id_col,
            name_col=name_col,
            lon_col=lon_col,
            lat_col=lat_col,
            xy=tuple(xy) if xy else None,
            epsg=epsg,
            commune_col=commune_col,
            capacity_col=capacity_col,
        ), options)
    cols = _columns(source, id_col, name_col, lon_col, lat_col, capacity_col)
    points = Facilities.points(
        [str(x) for x in cols["id"]],
        [float(x) for x in cols["lon"]],
        [float(x) for x in cols["lat"]],
        names=[str(x) for x in cols["name"]] if "name" in cols else None,
        capacity=[None if x is None else float(x) for x in cols["capacity"]] if "capacity" in cols else None,
        kind=kind or "facility",
    )
    return _remember(points, _options(("facilities", _IN_MEMORY.format(n=len(cols["id"]))), ("kind", kind)))


def _columns(source: Any, id_col: str, name_col: str, lon_col: str, lat_col: str, capacity_col: Optional[str]) -> Dict[str, list]:
    """id/name/lon/lat/capacity lists of a table-like of points."""
    geometry = getattr(source, "geometry", None)
    if geometry is not None and hasattr(source, "crs") and hasattr(geometry, "x"):
        g = source.to_crs(4326).geometry if source.crs is not None else geometry
        table = {c: list(source[c]) for c in source.columns if c != source.geometry.name}
        table[lon_col] = list(g.x)
        table[lat_col] = list(g.y)
    elif isinstance(source, pa.Table):
        table = source.to_pydict()
    elif isinstance(source, dict):
        table = {k: list(v) for k, v in source.items()}
    elif hasattr(source, "to_dict") and hasattr(source, "columns"):
        table = {c: list(source[c]) for c in source.columns}
    else:
        raise RequestError(
            "facilities: expected a path, a pyarrow.Table, a pandas or geopandas frame, a dict or None, "
            f"got {type(source).__name__}"
        )
    out: Dict[str, list] = {}
    for role, col, required in [
        ("id", id_col, True),
        ("lon", lon_col, True),
        ("lat", lat_col, True),
        ("name", name_col, False),
        ("capacity", capacity_col or "capacity", False),
    ]:
        if col in table:
            out[role] = table[col]
        elif required:
            err = RequestError(f"facilities: no column `{col}` (columns: {', '.join(map(str, table))}); name it with {role}_col=")
            err.file, err.line, err.field, err.message = None, None, col, f"no column `{col}`"
            raise err
    return out


def _codes(v: Optional[Union[str, Iterable[Any]]]) -> list:
    if v is None:
        return []
    if isinstance(v, (str, int)):
        return [str(v)]
    return [str(x) for x in v]


def _path(p: Optional[PathLike]) -> Optional[str]:
    return None if p is None else os.fspath(p)


# What made each context and set of facilities, by command-line option name:
# a job's table carries the record of its run (see ``record``).
_LOADED: "weakref.WeakKeyDictionary[Context, Dict[str, Any]]" = weakref.WeakKeyDictionary()
_FACILITIES: "weakref.WeakKeyDictionary[Facilities, Dict[str, Any]]" = weakref.WeakKeyDictionary()
# Facilities given as points in Python have no file a command line could read.
_IN_MEMORY = "(not a file: {n} points given in Python; write them to a CSV and name it here)"
_UNKNOWN = "(not known: a Facilities object built directly; name its file here, or give year)"


def _options(*pairs) -> Dict[str, Any]:
    """Options as a record holds them: unset (None) and false switches left out."""
    return {k: v for k, v in pairs if v is not None and v is not False}


def _unless(value: Any, default: Any) -> Any:
    return None if value == default else value


def _abs(p: Optional[PathLike]) -> Optional[str]:
    return None if p is None else os.path.abspath(os.fspath(p))


def _profile(p: Optional[PathLike]) -> Optional[str]:
    if p is None:
        return None
    p = os.fspath(p)
    return p if p in ("v1", "v2") else os.path.abspath(p)


def _remember(f: Facilities, options: Dict[str, Any]) -> Facilities:
    _FACILITIES[f] = options
    return f


def _record(job: str, ctx: Optional[Context], facilities_: Optional[Facilities], options: Dict[str, Any]) -> bytes:
    """The JSON record of a job's run, as the command line writes it."""
    merged: Dict[str, Any] = {}
    if ctx is not None:
        merged.update(_LOADED.get(ctx, {}))
    if facilities_ is not None:
        merged.update(_FACILITIES.get(facilities_, {"facilities": _UNKNOWN}))
    merged.update(options)
    return _m.run_record(job, json.dumps(merged)).encode()


def record(table: pa.Table) -> Optional[Dict[str, Any]]:
    """The record of the run that made a job's table: the job, every option
    by its command-line name, the data read and the same run as a command line
    (``command``) — what the command line writes as ``<name>.config.json``.
    ``None`` for a table no job made."""
    meta = table.schema.metadata or {}
    raw = meta.get(b"medaccess:record")
    return None if raw is None else json.loads(raw)


def write_record(table: pa.Table, path: PathLike) -> None:
    """Writes the record of a job's table as the command line does; ``medaccess
    run PATH --out DIR`` then makes the same outputs from the command line."""
    meta = table.schema.metadata or {}
    raw = meta.get(b"medaccess:record")
    if raw is None:
        raise RequestError("this table carries no record: it was not made by a medaccess job")
    with open(path, "wb") as f:
        f.write(raw)


def _table(layer: Dict[str, Any], record_: bytes) -> pa.Table:
    """One layer dictionary of the extension as a pyarrow Table."""
    arrays, names = [], []
    for name, kind, values in layer["columns"]:
        names.append(name)
        arrays.append(pa.array(values, type=_TYPES[kind]))
    meta = {b"medaccess:layer": layer["name"].encode(), b"medaccess:record": record_}
    if layer["geometry"] is not None:
        names.append("geometry")
        arrays.append(pa.array(layer["geometry"], type=pa.binary()))
        # GeoParquet metadata: geopandas.read_parquet / QGIS read a written table as is.
        geo = {
            "version": "1.0.0",
            "primary_column": "geometry",
            "columns": {
                "geometry": {
                    "encoding": "WKB",
                    "geometry_types": [] if layer["geometry_type"] == "Geometry" else [layer["geometry_type"]],
                    "crs": "OGC:CRS84",
                }
            },
        }
        meta[b"geo"] = json.dumps(geo).encode()
    return pa.Table.from_arrays(arrays, names=names).replace_schema_metadata(meta)


def _result(layers: list, all_layers: bool, record_: bytes) -> Union[pa.Table, Dict[str, pa.Table]]:
    if all_layers:
        return {l["name"]: _table(l, record_) for l in layers}
    main = next((l for l in layers if l["csv"]), layers[0])
    return _table(main, record_)


def to_geopandas(table: pa.Table):
    """A medaccess table as a ``geopandas.GeoDataFrame`` (EPSG:4326).

    Needs geopandas (``pip install medaccess[geo]``). A table without geometry
    becomes a ``pandas.DataFrame``.
    """
    import geopandas
    import shapely

    if "geometry" not in table.column_names:
        return table.to_pandas()
    df = table.drop_columns(["geometry"]).to_pandas()
    geom = shapely.from_wkb(table.column("geometry").to_pylist())
    return geopandas.GeoDataFrame(df, geometry=geom, crs="EPSG:4326")


def _job_facilities(facilities_: Any, year: int, kind: Optional[str], columns: Optional[Dict[str, Any]]) -> Facilities:
    return facilities(facilities_, year=year, kind=kind, **(columns or {}))


def access(
    ctx: Context,
    facilities: Any = None,
    *,
    year: int = 2023,
    kind: Optional[str] = None,
    threshold: Optional[float] = None,
    bands: Optional[Sequence[float]] = None,
    columns: Optional[Dict[str, Any]] = None,
    all_layers: bool = False,
    workers: Optional[int] = None,
):
    """Nearest facility and minutes for every commune in scope (``medaccess access``).

    Columns: ``insee, name, dep, population, facility_id, facility_name, minutes,
    band, beyond_threshold, threshold_min, second_facility_id, second_minutes,
    origin_lon, origin_lat, origin_source, engine`` and ``geometry``.
    ``all_layers=True`` returns every layer (communes, facilities) by name.
    """
    f = _job_facilities(facilities, year, kind, columns)
    rec = _record("access", ctx, f, _options(("threshold", threshold), ("bands", _bands(bands))))
    return _result(_m.access(ctx, f, threshold=threshold, bands=_bands(bands), workers=workers), all_layers, rec)


def scenario(
    ctx: Context,
    facilities: Any = None,
    *,
    close: Sequence[str] = (),
    open: Sequence[str] = (),
    year: int = 2023,
    kind: Optional[str] = None,
    threshold: Optional[float] = None,
    bands: Optional[Sequence[float]] = None,
    columns: Optional[Dict[str, Any]] = None,
    all_layers: bool = False,
    workers: Optional[int] = None,
):
    """Close sites (ids) and open new ones (``"NAME@LON:LAT"`` or an INSEE code):
    before/after for every commune (``medaccess scenario``)."""
    f = _job_facilities(facilities, year, kind, columns)
    layers = _m.scenario(
        ctx, f, close=list(close), open=list(open), threshold=threshold, bands=_bands(bands), workers=workers
    )
    rec = _record(
        "scenario",
        ctx,
        f,
        _options(
            ("close", list(close) or None),
            ("open", list(open) or None),
            ("threshold", threshold),
            ("bands", _bands(bands)),
        ),
    )
    return _result(layers, all_layers, rec)


def rank(
    ctx: Context,
    facilities: Any = None,
    *,
    year: int = 2023,
    kind: Optional[str] = None,
    threshold: Optional[float] = None,
    bands: Optional[Sequence[float]] = None,
    columns: Optional[Dict[str, Any]] = None,
    all_layers: bool = False,
    workers: Optional[int] = None,
):
    """Every facility by the population its closure alone would push beyond the
    threshold (``medaccess rank``)."""
    f = _job_facilities(facilities, year, kind, columns)
    rec = _record("rank", ctx, f, _options(("threshold", threshold), ("bands", _bands(bands))))
    return _result(_m.rank(ctx, f, threshold=threshold, bands=_bands(bands), workers=workers), all_layers, rec)


def site(
    ctx: Context,
    facilities: Any = None,
    *,
    add: int = 1,
    candidates: Sequence[str] = (),
    year: int = 2023,
    kind: Optional[str] = None,
    threshold: Optional[float] = None,
    bands: Optional[Sequence[float]] = None,
    columns: Optional[Dict[str, Any]] = None,
    all_layers: bool = False,
    workers: Optional[int] = None,
):
    """Choose ``add`` new sites among the communes in scope (or ``candidates``)
    that bring the most people within the threshold (``medaccess site``)."""
    f = _job_facilities(facilities, year, kind, columns)
    layers = _m.site(
        ctx, f, add=add, candidates=list(candidates), threshold=threshold, bands=_bands(bands), workers=workers
    )
    rec = _record(
        "site",
        ctx,
        f,
        _options(
            ("add", _unless(add, 1)),
            ("candidates", list(candidates) or None),
            ("threshold", threshold),
            ("bands", _bands(bands)),
        ),
    )
    return _result(layers, all_layers, rec)


def catchments(
    ctx: Context,
    facilities: Any = None,
    *,
    year: int = 2023,
    kind: Optional[str] = None,
    threshold: Optional[float] = None,
    columns: Optional[Dict[str, Any]] = None,
    all_layers: bool = False,
    workers: Optional[int] = None,
):
    """Communes dissolved by nearest facility (``medaccess catchments``)."""
    f = _job_facilities(facilities, year, kind, columns)
    rec = _record("catchments", ctx, f, _options(("threshold", threshold)))
    return _result(_m.catchments(ctx, f, threshold=threshold, workers=workers), all_layers, rec)


def isochrones(
    ctx: Context,
    facilities: Any = None,
    *,
    year: int = 2023,
    kind: Optional[str] = None,
    threshold: Optional[float] = None,
    bands: Optional[Sequence[float]] = None,
    cell_m: float = 250.0,
    off_road_kmh: float = 15.0,
    columns: Optional[Dict[str, Any]] = None,
    all_layers: bool = False,
    workers: Optional[int] = None,
):
    """Time-band polygons with the population of each band (``medaccess isochrones``)."""
    f = _job_facilities(facilities, year, kind, columns)
    layers = _m.isochrones(
        ctx, f, threshold=threshold, bands=_bands(bands), cell_m=cell_m, off_road_kmh=off_road_kmh, workers=workers
    )
    rec = _record(
        "isochrones",
        ctx,
        f,
        _options(
            ("threshold", threshold),
            ("bands", _bands(bands)),
            ("cell-m", _unless(cell_m, 250.0)),
            ("off-road-kmh", _unless(off_road_kmh, 15.0)),
        ),
    )
    return _result(layers, all_layers, rec)


def gp(
    ctx: Context,
    supply: Any = None,
    *,
    decay: str = "drees",
    within: Sequence[float] = (10, 20, 30),
    consultations_per_gp: float = 5400.0,
    under_served: float = 2.5,
    add: Optional[Dict[str, float]] = None,
    remove: Optional[Dict[str, float]] = None,
    demand_weights: Optional[PathLike] = None,
    demand_weight_col: str = "weight",
    all_layers: bool = False,
    workers: Optional[int] = None,
):
    """GP access (``medaccess gp``): nearest GP, GPs within 10/20/30 minutes and the
    APL-style two-step floating catchment (``apl_consultations``, consultations per
    inhabitant per year; ``under_served`` below 2.5).

    ``supply`` is ``None`` (the shipped BPE GP counts), a path to a BPE-format file,
    or :class:`Facilities`. ``decay``: ``drees`` (1 to 10 min, 2/3 to 15, 1/3 to 20),
    ``binary:MIN``, ``gaussian:MIN`` or steps ``MIN:W,MIN:W``. ``add``/``remove``:
    GPs per INSEE code (``{"64104": 2}``).
    """
    if supply is None:
        s, supplied = Facilities.bpe(), {}
    elif isinstance(supply, (str, os.PathLike)):
        s, supplied = Facilities.bpe(os.fspath(supply)), {"supply": _abs(supply)}
    else:
        s = facilities(supply, kind="gp")
        known = _FACILITIES.get(s, {"facilities": _UNKNOWN})
        supplied = {"supply": known["facilities"]} if "facilities" in known else {}
    # spelled once, as the command line takes them: the layer names and the
    # record's command agree
    added = _changes("add", add)
    removed = _changes("remove", remove)
    layers = _m.gp(
        ctx,
        s,
        decay=decay,
        within=[float(w) for w in within],
        consultations_per_gp=consultations_per_gp,
        under_served=under_served,
        add=added,
        remove=removed,
        demand_weights=_path(demand_weights),
        demand_weight_col=demand_weight_col,
        workers=workers,
    )
    rec = _record(
        "gp",
        ctx,
        None,
        _options(
            *supplied.items(),
            ("decay", _unless(decay, "drees")),
            ("within", _unless([float(w) for w in within], [10.0, 20.0, 30.0])),
            ("consultations-per-gp", _unless(consultations_per_gp, 5400.0)),
            ("under-served", _unless(under_served, 2.5)),
            ("add", added or None),
            ("remove", removed or None),
            ("demand-weights", _abs(demand_weights)),
            ("demand-weight-col", _unless(demand_weight_col, "weight")),
        ),
    )
    return _result(layers, all_layers, rec)


def history(
    ctx: Context,
    *,
    thresholds: Sequence[float] = (30, 40, 45),
    threshold: Optional[float] = None,
    bands: Optional[Sequence[float]] = None,
    workers: Optional[int] = None,
) -> pa.Table:
    """Population beyond each of ``thresholds`` minutes from a maternity, year by
    year of the DREES list 2013-2023 (``medaccess history``).

    Columns: ``year, dep, threshold_min, communes_beyond, population_beyond,
    population, engine``; one row per year, threshold and département, and one
    for the whole scope (``dep == "all"``). ``threshold`` (default 40) is where
    the command line reads the closures; ``bands`` as in :func:`access`.
    """
    rec = _record(
        "history",
        ctx,
        None,
        _options(
            ("thresholds", _unless([float(t) for t in thresholds], [30.0, 40.0, 45.0])),
            ("threshold", threshold),
            ("bands", _bands(bands)),
        ),
    )
    return _result(
        _m.history(ctx, thresholds=[float(t) for t in thresholds], threshold=threshold, bands=_bands(bands), workers=workers),
        False,
        rec,
    )


def matrix(
    ctx: Context,
    origins: Any = None,
    destinations: Any = None,
    *,
    limit: Optional[float] = None,
    year: int = 2023,
    kind: Optional[str] = None,
    to_communes: bool = False,
    workers: Optional[int] = None,
) -> pa.Table:
    """Origin-destination drive times as the long table ``origin, destination,
    minutes`` (``medaccess matrix``): PySAL ``access``'s cost table.

    ``origins``: ``None`` for the communes in scope (by INSEE code) or points
    (anything :func:`facilities` takes). ``destinations``: ``None`` for the
    facilities of ``year``/``kind``, points, or ``to_communes=True`` for the
    communes in scope. Pairs beyond ``limit`` minutes, or unreachable, have no row.
    The table's metadata lists the points left off the graph (``far_origins``,
    ``far_destinations``).
    """
    o = None if origins is None else facilities(origins, kind="facility")
    if to_communes:
        if destinations is not None:
            raise RequestError("give destinations or to_communes=True, not both")
        d = None
    else:
        d = facilities(destinations, year=year, kind=kind)
    r = _m.od_matrix(ctx, origins=o, destinations=d, limit=limit, workers=workers)
    t = pa.table(
        {
            "origin": pa.array(r["origin"], type=pa.string()),
            "destination": pa.array(r["destination"], type=pa.string()),
            "minutes": pa.array(r["minutes"], type=pa.float64()),
        }
    )
    origin_options = {} if o is None else {"origins": _FACILITIES.get(o, {}).get("facilities", _UNKNOWN)}
    rec = _record(
        "matrix",
        ctx,
        d,
        _options(*origin_options.items(), ("limit", limit), ("to-communes", to_communes)),
    )
    meta = {
        b"medaccess:record": rec,
        b"medaccess:engine": r["engine"].encode(),
        b"medaccess:far_origins": json.dumps(r["far_origins"]).encode(),
        b"medaccess:far_destinations": json.dumps(r["far_destinations"]).encode(),
    }
    return t.replace_schema_metadata(meta)


def _changes(name: str, changes: Optional[Dict[str, float]]) -> list:
    """``{"64104": 2}`` as the command line's ``--add 64104:2``; a count that is
    not a number is a :class:`RequestError` naming the commune."""
    out = []
    for code, k in (changes or {}).items():
        try:
            if isinstance(k, bool):
                raise TypeError
            spelled = _number(k)
        except (TypeError, ValueError, OverflowError):
            raise RequestError(f"{name}[{code!r}]: {k!r} is not a number of GPs") from None
        out.append(f"{code}:{spelled}")
    return out


def _number(x: float) -> str:
    """A number as the command line reads it: ``3``, not ``3.0``."""
    x = float(x)
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def _bands(b: Optional[Sequence[float]]) -> Optional[list]:
    return None if b is None else [float(x) for x in b]


def _pydict(t: Any) -> Dict[str, list]:
    if isinstance(t, pa.Table):
        return t.to_pydict()
    if isinstance(t, dict):
        return {k: list(v) for k, v in t.items()}
    if hasattr(t, "columns"):
        return {c: list(t[c]) for c in t.columns}
    raise RequestError(f"expected a pyarrow.Table, a pandas.DataFrame or a dict, got {type(t).__name__}")


def two_step_fca(
    demand: Any,
    supply: Any,
    cost: Any,
    *,
    decay: str = "binary:30",
    demand_id: str = "id",
    demand_value: str = "population",
    supply_id: str = "id",
    supply_value: str = "supply",
    cost_origin: str = "origin",
    cost_destination: str = "destination",
    cost_name: str = "minutes",
) -> pa.Table:
    """The two-step floating catchment (2SFCA) on any travel-time table, as
    PySAL ``access``'s ``two_stage_fca`` takes it: demand (id, population),
    supply (id, supply) and a long cost table (origin, destination, minutes,
    e.g. from :func:`matrix`). ``decay`` as in :func:`gp` (``binary:30``,
    ``gaussian:30``, ``drees``, ``steps:10=1,15=0.667,20=0.333``).

    Returns ``id, accessibility`` per demand unit (supply per person) in demand
    order: ``sum_j w(t_ij) S_j / sum_k w(t_kj) P_k``, the same computation the GP
    job runs.
    """
    d, s, c = _pydict(demand), _pydict(supply), _pydict(cost)
    ids = [str(x) for x in d[demand_id]]
    sids = [str(x) for x in s[supply_id]]
    ui = {k: i for i, k in enumerate(ids)}
    si = {k: i for i, k in enumerate(sids)}
    unit, site, minutes = [], [], []
    for row, (o, dst, m) in enumerate(zip(c[cost_origin], c[cost_destination], c[cost_name])):
        o, dst = str(o), str(dst)
        if o not in ui or dst not in si:
            continue  # a pair of a unit or a site not asked about
        unit.append(ui[o])
        site.append(si[dst])
        minutes.append(float(m))
    acc, _, _ = _m.fca_two_step(
        [float(x) for x in d[demand_value]], [float(x) for x in s[supply_value]], unit, site, minutes, decay
    )
    return pa.table({"id": pa.array(ids, pa.string()), "accessibility": pa.array(acc, pa.float64())})
