#!/usr/bin/env python3
"""Cross-check medaccess's road import and routing against an independent
router on the same files with the same speeds.

* OSM extracts: the .osm.pbf is converted to XML with osmium-tool, loaded by
  OSMnx (its own parser, way splitting, one-way handling and great-circle
  lengths; unsimplified, all components), the car profile's rules
  (access, speeds, maxspeed parsing, ferries) are applied to the edges by
  this script, re-implemented from the documentation in src/roads/profile.rs,
  and networkx's Dijkstra gives the times.
* Corsica's link table: networkx directly on corsica_links.csv.gz with the
  class speeds.

Pairs are drawn by medaccess (`examples/roads_pairs.rs`, fixed seed) among
its graph nodes; both sides are restricted to their largest strongly
connected component. Run from the crate root:

    python3 bench/crosscheck/crosscheck.py

It prints a summary table (Markdown) and writes per-pair CSVs to
target/crosscheck/.
"""

import csv
import gzip
import math
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import networkx as nx
import osmnx as ox

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "target" / "crosscheck"
PAIRS = 300
SEED = 7

# ---- the car profile, from src/roads/profile.rs documentation ----------------
CLASS_KMH = {
    "motorway": 130, "motorway_link": 70, "trunk": 110, "trunk_link": 60,
    "primary": 80, "primary_link": 50, "secondary": 80, "secondary_link": 50,
    "tertiary": 70, "tertiary_link": 40, "unclassified": 50, "residential": 30,
    "living_street": 20, "service": 15, "road": 40,
}
DENY = {"no", "private", "agricultural", "forestry", "emergency", "psv", "bus",
        "delivery", "customers", "military"}
IMPLICIT = {"urban": 50, "rural": 80, "motorway": 130, "trunk": 110, "expressway": 110,
            "zone30": 30, "30": 30, "zone20": 20, "living_street": 20, "20": 20, "walk": 6}


def implicit(v):
    v = v.strip()
    if v.startswith("FR:"):
        v = v[3:]
    return IMPLICIT.get(v)


def maxspeed(v):
    """km/h, or None (no limit / unparsable)."""
    best = None
    for p in v.split(";"):
        p = p.strip()
        if p in ("none", "signals", "variable", "FR:none"):
            continue
        if p.startswith("FR:") or p == "walk":
            k = implicit(p)
        elif p.endswith("mph"):
            try:
                k = float(p[:-3]) * 1.609344
            except ValueError:
                return None
        else:
            n = re.sub(r"\s*(km/h|kmh|kph)$", "", p)
            try:
                k = float(n)
            except ValueError:
                return None
        if k is None or not (1 <= k <= 200):
            return None
        best = k if best is None else min(best, k)
    return best


def duration_s(v):
    v = v.strip()
    m = re.fullmatch(r"PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?", v, re.I)
    if m:
        h, mi, s = (float(x) if x else 0.0 for x in m.groups())
        t = h * 3600 + mi * 60 + s
    elif ":" in v:
        parts = [float(x) for x in v.split(":")]
        t = parts[0] * 3600 + parts[1] * 60 + (parts[2] if len(parts) == 3 else 0)
    else:
        try:
            t = float(v) * 60
        except ValueError:
            return None
    return t if t > 0 else None


def first(v):
    # OSMnx keeps a list when merged ways disagree; unsimplified edges carry
    # one way's value.
    return v[0] if isinstance(v, list) else v


def car_kmh(d):
    """Speed of an OSMnx edge for cars (km/h), 'ferry', or None."""
    g = lambda k: (lambda x: None if x is None else str(first(x)))(d.get(k))
    for k in ("motorcar", "motor_vehicle", "vehicle", "access"):
        if g(k) is not None:
            if g(k) in DENY:
                return None
            break
    if g("route") == "ferry":
        return "ferry"
    if g("area") == "yes" or g("impassable") == "yes" or g("service") == "emergency_access":
        return None
    hw = g("highway")
    if hw not in CLASS_KMH:
        return None
    if g("oneway") == "reversible":
        return None
    default = CLASS_KMH[hw]
    if hw == "trunk" and not d.get("oneway"):
        default = 80
    key = "maxspeed:backward" if d.get("reversed") else "maxspeed:forward"
    for k in (key, "maxspeed"):
        if g(k) is not None and maxspeed(g(k)) is not None:
            return maxspeed(g(k))
    for k in ("maxspeed:type", "source:maxspeed", "zone:maxspeed"):
        if g(k) is not None and implicit(g(k)) is not None:
            return implicit(g(k))
    return default


def osm_graph(pbf):
    OUT.mkdir(parents=True, exist_ok=True)
    xml = OUT / (pbf.stem.replace(".osm", "") + ".osm")
    # Only ways that can be roads (OSMnx refuses ways whose nodes were cut
    # off by the extract, like the coastline here); their nodes come along.
    subprocess.run(["osmium", "tags-filter", str(pbf), "w/highway", "w/route=ferry",
                    "-o", str(xml), "-f", "osm", "--overwrite"], check=True)
    ox.settings.useful_tags_way = list(ox.settings.useful_tags_way) + [
        "motorcar", "motor_vehicle", "vehicle", "route", "duration", "impassable",
        "maxspeed:forward", "maxspeed:backward", "maxspeed:type", "source:maxspeed", "zone:maxspeed"]
    G = ox.graph_from_xml(xml, simplify=False, retain_all=True)
    H = nx.DiGraph()
    way_len = defaultdict(float)
    for u, v, d in G.edges(data=True):
        if not d.get("reversed"):
            way_len[first(d["osmid"])] += d["length"]
    for u, v, d in G.edges(data=True):
        kmh = car_kmh(d)
        if kmh is None:
            continue
        if kmh == "ferry":
            dur = duration_s(str(first(d["duration"]))) if d.get("duration") is not None else None
            total = way_len[first(d["osmid"])]
            t = dur * d["length"] / total if dur and total > 0 else d["length"] / (5 / 3.6)
        else:
            t = d["length"] / (kmh / 3.6)
        if not H.has_edge(u, v) or H[u][v]["t"] > t:
            H.add_edge(u, v, t=t)
    return H


def links_graph(links_csv):
    H = nx.DiGraph()
    with gzip.open(links_csv, "rt") as f:
        for r in csv.DictReader(f):
            if "car" not in r["modes"].split(",") or r["from_node"] == r["to_node"]:
                continue
            kmh = CLASS_KMH.get(r["highway"], float(r["freespeed_kmh"]))
            t = float(r["length_m"]) / (kmh / 3.6)
            u, v = int(r["from_node"]), int(r["to_node"])
            if not H.has_edge(u, v) or H[u][v]["t"] > t:
                H.add_edge(u, v, t=t)
    return H


def compare(name, path, H):
    scc = max(nx.strongly_connected_components(H), key=len)
    H = H.subgraph(scc)
    ours = subprocess.run(
        ["cargo", "run", "--quiet", "--release", "--example", "roads_pairs", "--", str(path), str(PAIRS), str(SEED)],
        cwd=ROOT, check=True, capture_output=True, text=True).stdout.splitlines()[1:]
    rows, cache = [], {}
    for line in ours:
        a, b, s = line.split(",")
        a, b, s = int(a), int(b), float(s)
        if a not in cache:
            cache[a] = nx.single_source_dijkstra_path_length(H, a, weight="t") if a in H else {}
        theirs = cache[a].get(b)
        rows.append((a, b, s, theirs))
    with open(OUT / f"{name}.csv", "w") as f:
        f.write("from_osm,to_osm,medaccess_s,networkx_s\n")
        for r in rows:
            f.write(f"{r[0]},{r[1]},{r[2]},{'' if r[3] is None else round(r[3], 2)}\n")
    both = [(s, t) for _, _, s, t in rows if t is not None]
    rel = [abs(s - t) / t for s, t in both if t > 0]
    within = sum(1 for s, t in both if abs(s - t) <= 0.01 * t or abs(s - t) <= 0.5)
    worst = max(rel) if rel else 0.0
    absd = max((abs(s - t) for s, t in both), default=0.0)
    print(f"| {name} | {len(H)} | {len(rows)} | {len(both)} | {within} | {100 * worst:.3f} % | {absd:.2f} s |")
    return len(rows) - within


def main():
    print("| network | nodes in networkx SCC | pairs | routed by both | equal within 1 % (or 0.5 s) | worst relative | worst absolute |")
    print("|---|---|---|---|---|---|---|")
    bad = 0
    sbh = DATA / "osm-small-fr" / "saint_barthelemy.osm.pbf"
    bad += compare("saint_barthelemy", sbh, osm_graph(sbh))
    tiny = ROOT / "fixtures" / "osm" / "tiny.osm"
    G = osm_graph_from_xml(tiny)
    bad += compare("tiny_fixture", tiny, G)
    links = DATA / "osm-fr-corse" / "corsica_links.csv.gz"
    bad += compare("corsica_links", links, links_graph(links))
    sys.exit(1 if bad else 0)


def osm_graph_from_xml(xml):
    # the fixture is already XML: same path as osm_graph without osmium
    tmp = OUT / "tiny.osm.pbf"
    subprocess.run(["osmium", "cat", str(xml), "-o", str(tmp), "--overwrite"], check=True)
    return osm_graph(tmp)


if __name__ == "__main__":
    main()
