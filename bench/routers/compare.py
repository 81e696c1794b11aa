"""OSRM (CH and MLD) and Valhalla on the inputs and points medaccess used
(examples/routers_side.rs wrote OUT_DIR/points.csv and OUT_DIR/ours.json),
the same tasks timed, the times compared. Run by bench/routers/run.sh:

    compare.py NAME FILE.osm.pbf OUT_DIR

Prints one markdown block for the input: preprocessing (wall s, peak
memory of the process tree, by /usr/bin/time), nearest facility of the
1,000 origins (a 1,000 x 50 table), the 500 x 50 and 1,000 x 1,000
matrices, a 30-minute isochrone of facility 0 (Valhalla only: OSRM has
none), and the agreement of drive times with ours (peer / medaccess,
median and 10th-90th percentiles over the 500 x 50 pairs), overall and by
the OSM class of the origin's road (as Valhalla's locate reports it).
Also writes OUT_DIR/peers.json. A step longer than ROUTERS_TIMEOUT
seconds (default 1200) is killed and reported as such; the steps after it
that need it are skipped. OSRM's steps (preprocessing and queries) have
their own limit, OSRM_TIMEOUT (default ROUTERS_TIMEOUT), so that OSRM can
be tried briefly on a file where it cannot finish while Valhalla gets
longer.

With PEERS_FROM=DIR (bench/routers/run.sh passes it on), the peers are
not rerun: their figures are those of the earlier run kept in DIR
(DIR/points.csv, DIR/ours.json, DIR/peers.json, as this script and
examples/routers_side.rs wrote them). It refuses unless DIR/points.csv is
byte for byte OUT_DIR/points.csv and our drive times (nearest facility,
500 x 50, 1,000 x 1,000) in DIR/ours.json are those of OUT_DIR/ours.json,
so that the peers' agreement with us stands unchanged. The peers' rows,
their load average and the agreement lines come from DIR/peers.json
("section", written since PEERS_FROM exists) or, for an older DIR, from
the record docs/bench/routers-NAME.md when its medaccess row is the one
DIR/ours.json gives. The block says so in its first line, with the
earlier run's date; OUT_DIR/peers.json keeps that date for a later rerun.
"""

import csv
import json
import multiprocessing
import os
import signal
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import osrm
import valhalla

TIMEOUT = float(os.environ.get("ROUTERS_TIMEOUT", "1200"))
OSRM_TIMEOUT = float(os.environ.get("OSRM_TIMEOUT") or TIMEOUT)
OSRM_DIR = Path(osrm.__file__).parent
VALHALLA_BIN = Path(valhalla.__file__).parent / "bin"


def load_average():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def timed_process(cmd, cwd=None, timeout=TIMEOUT):
    """(wall s, peak RSS GB, ok, last stderr line) of cmd under /usr/bin/time,
    killed after timeout s."""
    t0 = time.perf_counter()
    # its own process group: on timeout the router's binary dies with
    # /usr/bin/time (killing time alone left osrm-customize running on)
    p = subprocess.Popen(
        ["/usr/bin/time", "-f", "MAXRSS_KB %M", *cmd],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        return timeout, None, False, f"killed after {timeout:.0f} s"
    wall = time.perf_counter() - t0
    rss = None
    for line in err.splitlines():
        if line.startswith("MAXRSS_KB"):
            rss = int(line.split()[1]) / 1e6
    tail = (err.strip().splitlines() or [""])[-1]
    return wall, rss, p.returncode == 0, tail


def in_child(timeout, fn, *args):
    """fn(*args) in a forked process that loads its own router (forking a
    loaded router is unsafe: thread pools); (wall s, result) or None when it
    ran past timeout s (then killed)."""
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=lambda: send.send(fn(*args)))
    child.start()
    got = recv.poll(timeout)
    result = recv.recv() if got else None
    child.join(None if got else 0)
    if child.is_alive():
        child.kill()
        child.join()
    return result


def read_points(out):
    origins, facilities = [], []
    with open(out / "points.csv") as f:
        for r in csv.DictReader(f):
            p = (float(r["lon"]), float(r["lat"]))
            (origins if r["role"] == "origin" else facilities).append(p)
    return origins, facilities


def as_array(rows):
    return np.array([[np.nan if x is None else float(x) for x in row] for row in rows])


def osrm_side(name, pbf, out, origins, facilities):
    work = out / "osrm"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    local = work / f"{name}.osm.pbf"
    os.symlink(Path(pbf).resolve(), local)
    base = work / f"{name}.osrm"
    binary = lambda tool: str(OSRM_DIR / "bin" / f"osrm-{tool}")  # noqa: E731
    profile = str(OSRM_DIR / "share" / "profiles" / "car.lua")
    steps = {}
    steps["extract"] = timed_process([binary("extract"), "-p", profile, str(local)], cwd=work, timeout=OSRM_TIMEOUT)
    results = {"steps": steps}
    if not steps["extract"][2]:
        return results
    for algo, tools in (("CH", ["contract"]), ("MLD", ["partition", "customize"])):
        ok = True
        for tool in tools:
            steps[tool] = timed_process([binary(tool), str(base)], cwd=work, timeout=OSRM_TIMEOUT)
            ok = ok and steps[tool][2]
            if not ok:
                break
        if not ok:
            continue
        def table(src, dst, algo=algo):
            engine = osrm.OSRM(
                storage_config=str(base),
                algorithm=algo,
                use_shared_memory=False,
                max_locations_distance_table=10_000,
            )
            coords = src + dst
            params = osrm.TableParameters(
                coordinates=coords,
                sources=list(range(len(src))),
                destinations=list(range(len(src), len(coords))),
                annotations=["duration"],
            )
            t0 = time.perf_counter()
            res = engine.Table(params)
            wall = time.perf_counter() - t0
            return wall, as_array(res["durations"])

        results[algo] = queries(table, origins, facilities, OSRM_TIMEOUT)
    return results


def queries(table, origins, facilities, timeout=TIMEOUT):
    """The three tables, each in a child process (None: timed out after
    timeout s)."""
    r = {}
    for key, src, dst in (
        ("nearest", origins, facilities),
        ("m500x50", origins[:500], facilities),
        ("m1000x1000", origins, origins),
    ):
        got = in_child(timeout, table, src, dst)
        r[key], r[key + "_times"] = got if got else (None, None)
    near = r.pop("nearest_times")
    if near is not None:
        r["nearest_times"] = np.nanmin(np.where(np.isnan(near), np.inf, near), axis=1)
    return r


def valhalla_side(name, pbf, out, origins, facilities):
    work = out / "valhalla"
    shutil.rmtree(work, ignore_errors=True)
    (work / "tiles").mkdir(parents=True)
    config = valhalla.get_config(tile_dir=str(work / "tiles"), tile_extract="", verbose=False)
    limits = config["service_limits"]
    # the default limits refuse more than 2,500 pairs or 400 km
    limits["auto"]["max_matrix_location_pairs"] = 2_000_000
    limits["auto"]["max_matrix_distance"] = 2e7
    limits["auto"]["max_distance"] = 2e7
    conf_path = work / "valhalla.json"
    conf_path.write_text(json.dumps(config))
    steps = {"tiles": timed_process([str(VALHALLA_BIN / "valhalla_build_tiles"), "-c", str(conf_path), str(pbf)])}
    results = {"steps": steps}
    if not steps["tiles"][2]:
        return results
    loc = lambda ps: [{"lon": x, "lat": y} for x, y in ps]  # noqa: E731

    def table(src, dst):
        actor = valhalla.Actor(str(conf_path))
        t0 = time.perf_counter()
        res = actor.matrix({"sources": loc(src), "targets": loc(dst), "costing": "auto"})
        wall = time.perf_counter() - t0
        rows = [[c.get("time") for c in row] for row in res["sources_to_targets"]]
        return wall, as_array(rows)

    r = queries(table, origins, facilities)
    actor = valhalla.Actor(str(conf_path))
    t0 = time.perf_counter()
    actor.isochrone({"locations": loc(facilities[:1]), "costing": "auto", "contours": [{"time": 30}]})
    r["isochrone"] = time.perf_counter() - t0
    classes = []
    for i in range(0, 500, 100):
        res = actor.locate({"locations": loc(origins[i : i + 100]), "costing": "auto", "verbose": True})
        for point in res:
            edges = point.get("edges") or []
            c = edges[0].get("edge", {}).get("classification", {}).get("classification") if edges else None
            classes.append(c or "unknown")
    r["classes"] = classes
    results["Valhalla"] = r
    return results


def spread(ratio):
    ratio = ratio[np.isfinite(ratio)]
    if ratio.size == 0:
        return "n/a"
    q10, q50, q90 = np.percentile(ratio, [10, 50, 90])
    return f"{q50:.2f} ({q10:.2f}-{q90:.2f})"


def secs(x, timeout=TIMEOUT):
    return f"killed after {timeout:.0f} s" if x is None else f"{x:.3f}"


def fmt(x, digits=2):
    return "-" if x is None else f"{x:.{digits}f}"


TABLE_HEAD = [
    "| router | preprocessing s | peak GB | nearest (1,000 x 50) s | 500 x 50 s | 1,000 x 1,000 s | 30-min isochrone s | times / ours: median (p10-p90) |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
]
# our drive times, which the peers' agreement columns divide by
OUR_TIMES = ("nearest", "m500x50", "m1000x1000")


def title(name, ours):
    return f"#### {name}: {ours['nodes']:,} nodes, {ours['arcs']:,} arcs, {ours['pbf_bytes'] / 1e6:.1f} MB PBF"


def our_load(ours):
    return f"medaccess {ours['load_start']} -> {ours['load_end']}"


def our_row(ours):
    t = ours["timings"]
    return (
        f"| medaccess | {t['import']:.1f} import + {t['hierarchy build (for 1,000 x 1,000)']:.1f} hierarchy "
        f"| {ours['import_peak_bytes'] / 1e9:.2f} | {t['nearest facility of every node (50 facilities)']:.3f} "
        f"| {t['500 x 50 matrix']:.3f} | {t['1,000 x 1,000 matrix (hierarchy)']:.3f} "
        f"| {t['30-minute isochrone of facility 0 (search, grid, polygon)']:.3f} | 1 |"
    )


def refuse(msg):
    sys.exit(f"compare.py: PEERS_FROM: {msg}; not written (rerun the peers: bench/routers/run.sh without PEERS_FROM)")


def earlier_peers(name, out, ours, earlier):
    """(peers' load average, their table rows, the lines after the table,
    the earlier run's date, its peers.json) from the earlier run in
    `earlier`, after checking it was on our points with our times."""
    for f in ("points.csv", "ours.json", "peers.json"):
        if not (earlier / f).is_file():
            refuse(f"{earlier / f} is missing")
    if (earlier / "points.csv").read_bytes() != (out / "points.csv").read_bytes():
        refuse(f"{earlier / 'points.csv'} differs from {out / 'points.csv'}: the peers were timed on other points")
    old = json.loads((earlier / "ours.json").read_text())
    for k in ("nodes", "arcs", "pbf_bytes", *OUR_TIMES):
        if old.get(k) != ours.get(k):
            refuse(f"our {k} in {earlier / 'ours.json'} differs from this run's: the peers' agreement with us would change")
    peers = json.loads((earlier / "peers.json").read_text())
    section, date = peers.get("section"), peers.get("peers_date")
    if section is None:
        # an earlier run from before PEERS_FROM: its record, if it is that run's
        record = Path("docs/bench") / f"routers-{name}.md"
        text = record.read_text() if record.is_file() else ""
        first, _, section = text.partition("\n\n")
        if our_row(old) not in section.splitlines() or our_load(old) not in section:
            refuse(f"{earlier / 'peers.json'} holds no peers' rows and {record} is not the record of that run")
        if not first.startswith("Run of "):
            refuse(f"{record} does not start with its date")
        date = first[len("Run of ") :].split(",")[0]
    lines = section.strip("\n").splitlines()
    load = next((x for x in lines if x.startswith("Load average: ")), "")
    load = load.partition("; peers ")[2].partition(";")[0].partition(" (run of ")[0]
    if TABLE_HEAD[1] not in lines or not load or not date:
        refuse(f"the earlier section ({earlier}) is not in the expected form")
    at = lines.index(TABLE_HEAD[1]) + 1
    rows = []
    while at < len(lines) and lines[at].startswith("|"):
        if not lines[at].startswith("| medaccess |"):
            rows.append(lines[at])
        at += 1
    return load, rows, lines[at:], date, peers


def main():
    np.seterr(divide="ignore", invalid="ignore")  # 0 / 0 where an origin is its target
    name, pbf, out = sys.argv[1], str(Path(sys.argv[2]).resolve()), Path(sys.argv[3]).resolve()
    ours = json.loads((out / "ours.json").read_text())
    peers_from = os.environ.get("PEERS_FROM")
    if peers_from:
        load, rows, after, date, summary = earlier_peers(name, out, ours, Path(peers_from).resolve())
        lines = [
            f"Peers not rerun (PEERS_FROM): the OSRM and Valhalla rows, the peers' load average and the agreement "
            f"of times are those of the earlier run of {date}; the medaccess row is this run's, its drive times to "
            f"the same points checked identical to that run's.",
            "",
            title(name, ours),
            "",
            f"Load average: {our_load(ours)}; peers {load} (run of {date}); {ours['threads']} threads for medaccess.",
            "",
            *TABLE_HEAD,
            our_row(ours),
            *rows,
            *after,
        ]
        print("\n".join(lines))
        print()
        summary["ours"] = {k: ours[k] for k in ("nodes", "arcs", "timings", "import_peak_bytes", "load_start", "load_end")}
        summary["peers_date"] = date
        summary["section"] = "\n".join(lines)
        (out / "peers.json").write_text(json.dumps(summary, indent=1, default=str))
        return
    origins, facilities = read_points(out)
    load0 = load_average()
    o = osrm_side(name, pbf, out, origins, facilities)
    v = valhalla_side(name, pbf, out, origins, facilities)
    load1 = load_average()

    our500 = as_array([ours["m500x50"][i * 50 : (i + 1) * 50] for i in range(500)])
    our1000 = as_array([ours["m1000x1000"][i * 1000 : (i + 1) * 1000] for i in range(1000)])
    lines = [
        title(name, ours),
        "",
        f"Load average: {our_load(ours)}; peers {load0} -> {load1}; {ours['threads']} threads for medaccess.",
        "",
        *TABLE_HEAD,
        our_row(ours),
    ]
    agree = {}
    st = o["steps"]
    for algo, tools in (("CH", ["extract", "contract"]), ("MLD", ["extract", "partition", "customize"])):
        done = [s for s in tools if s in st]
        pre = " + ".join(f"{st[s][0]:.1f} {s}" for s in done)
        peaks = [st[s][1] for s in done if st[s][1] is not None]  # none of a killed step
        peak = max(peaks) if peaks else None
        failed = [f"{s}: {st[s][3]}" for s in done if not st[s][2]]
        if algo not in o:
            lines.append(f"| OSRM {algo} | {pre} | {fmt(peak)} | did not finish ({'; '.join(failed) or 'not run'}) | | | | |")
            continue
        r = o[algo]
        ratio = "n/a"
        if r["m500x50_times"] is not None:
            agree[f"OSRM {algo}"] = r["m500x50_times"] / our500
            ratio = spread(agree[f"OSRM {algo}"].ravel())
        lines.append(
            f"| OSRM {algo} | {pre} | {fmt(peak)} | {secs(r['nearest'], OSRM_TIMEOUT)} | {secs(r['m500x50'], OSRM_TIMEOUT)} "
            f"| {secs(r['m1000x1000'], OSRM_TIMEOUT)} | none | {ratio} |"
        )
    vs = v["steps"]["tiles"]
    if "Valhalla" in v:
        r = v["Valhalla"]
        ratio = "n/a"
        if r["m500x50_times"] is not None:
            agree["Valhalla"] = r["m500x50_times"] / our500
            ratio = spread(agree["Valhalla"].ravel())
        lines.append(
            f"| Valhalla | {vs[0]:.1f} tiles | {fmt(vs[1])} | {secs(r['nearest'])} | {secs(r['m500x50'])} | {secs(r['m1000x1000'])} | {r['isochrone']:.3f} | {ratio} |"
        )
        classes = r["classes"]
    else:
        lines.append(f"| Valhalla | {vs[0]:.1f} tiles | {fmt(vs[1])} | did not finish ({vs[3]}) | | | | |")
        classes = None
    lines.append("")
    our_near = np.array([np.nan if y is None else y for y in ours["nearest"]], dtype=float)
    near = [
        f"{k} {spread(x / our_near)}"
        for k, x in [
            ("OSRM CH", o.get("CH", {}).get("nearest_times")),
            ("Valhalla", v.get("Valhalla", {}).get("nearest_times")),
        ]
        if x is not None
    ]
    lines.append(
        "Same points everywhere (graph nodes, so every router snaps them to the same crossing). "
        "Time to the nearest facility, peer / medaccess, median (p10-p90): " + (", ".join(near) or "n/a") + "."
    )
    if classes and agree:
        lines += ["", "Agreement by the OSM class of the origin's road (peer / medaccess, median over its 50 facilities x origins of that class):", ""]
        lines.append("| class | origins | " + " | ".join(agree) + " |")
        lines.append("| --- | ---: |" + " ---: |" * len(agree))
        for c in sorted(set(classes)):
            rows = [i for i, x in enumerate(classes) if x == c]
            cells = []
            for k, m in agree.items():
                x = m[rows].ravel()
                x = x[np.isfinite(x)]
                cells.append(f"{np.median(x):.2f}" if x.size else "n/a")
            lines.append(f"| {c} | {len(rows)} | " + " | ".join(cells) + " |")
    print("\n".join(lines))
    print()
    # our 1,000 x 1,000 against the peers', for the record
    summary = {
        "name": name,
        "ours": {k: ours[k] for k in ("nodes", "arcs", "timings", "import_peak_bytes", "load_start", "load_end")},
        "osrm_steps": o["steps"],
        "valhalla_steps": v["steps"],
        "load_peers": [load0, load1],
        # for a later PEERS_FROM run
        "peers_date": os.environ.get("ROUTERS_STARTED"),
        "section": "\n".join(lines),
    }
    for k, m in [("OSRM CH", o.get("CH")), ("OSRM MLD", o.get("MLD")), ("Valhalla", v.get("Valhalla"))]:
        if m and m["m1000x1000_times"] is not None:
            ratio = (m["m1000x1000_times"] / our1000).ravel()
            summary[k] = {x: m[x] for x in ("nearest", "m500x50", "m1000x1000")}
            summary[k]["ratio_1000x1000"] = spread(ratio)
    (out / "peers.json").write_text(json.dumps(summary, indent=1, default=str))


if __name__ == "__main__":
    main()
