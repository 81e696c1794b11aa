#!/usr/bin/env bash
# Side by side with OSRM (CH and MLD) and Valhalla on the same OSM PBF files
# and the same points, in one command (issue 19):
#
#     bash bench/routers/run.sh                 # St-Barthélemy, Corsica, 90k synthetic
#     INPUTS="stbarth corsica s90k s1m s5m" bash bench/routers/run.sh   # all five
#
# Makes a venv (target/routers-venv, Python 3.12: PYTHON312, default
# /root/.pyenv/versions/3.12.1/bin/python) with bench/routers/requirements.txt;
# makes the inputs once into target/routers/ (Corsica's network converted to
# a PBF by examples/corsica_pbf.rs from ../shared/data/osm-fr-corse; the
# synthetic grids by examples/roads_synth.rs: 300 x 300 (90k junctions),
# 1000 x 1000 (1M) and the France-like 5M file); then for each input runs
# examples/routers_side.rs (medaccess: import, nearest, matrices, isochrone)
# and bench/routers/compare.py (OSRM and Valhalla on the same points, their
# preprocessing time and peak memory, the agreement of times). The tables go
# to stdout and, with the date, command and machine, to
# docs/bench/routers-NAME.md (one file per input, replaced by each run of
# it), which README.md quotes (tests/bench_quotes.rs fails when it drifts).
# ROUTERS_TIMEOUT (s, default 1200) kills a peer step that runs longer;
# OSRM_TIMEOUT (s, default ROUTERS_TIMEOUT) does so for OSRM's steps alone
# (on the 5M file OSRM cannot finish on 24 GiB while Valhalla can:
#     INPUTS="s5m" OSRM_TIMEOUT=240 ROUTERS_TIMEOUT=1200 bash bench/routers/run.sh).
# PEERS_FROM=DIR reruns our side only and takes OSRM's and Valhalla's
# figures from the earlier run kept in DIR (a target/routers/run-NAME of a
# previous run, one input at a time; DIR may be the run directory this run
# replaces: it is copied to target/routers/earlier-NAME first), when its
# points.csv is byte for byte the new one and our drive times are the
# same (compare.py refuses otherwise); the record says so, with the
# earlier run's date:
#     INPUTS="s5m" PEERS_FROM=target/routers/run-s5m bash bench/routers/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=target/routers
venv=target/routers-venv
py312=${PYTHON312:-/root/.pyenv/versions/3.12.1/bin/python}
inputs=${INPUTS:-stbarth corsica s90k}
mkdir -p "$dir"
if [ ! -x "$venv/bin/python" ]; then
    "$py312" -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r bench/routers/requirements.txt
cargo build --quiet --release --example routers_side --example corsica_pbf --example roads_synth

pbf_of() {
    case "$1" in
        stbarth) echo fixtures/osm/saint_barthelemy.osm.pbf ;;
        corsica)
            [ -s "$dir/corsica.osm.pbf" ] ||
                target/release/examples/corsica_pbf ../shared/data/osm-fr-corse "$dir/corsica.osm.pbf" >&2
            echo "$dir/corsica.osm.pbf" ;;
        s90k)
            [ -s "$dir/s300.osm.pbf" ] || target/release/examples/roads_synth "$dir/s300.osm.pbf" 300 300 >&2
            echo "$dir/s300.osm.pbf" ;;
        s1m)
            [ -s "$dir/s1000.osm.pbf" ] || target/release/examples/roads_synth "$dir/s1000.osm.pbf" 1000 1000 >&2
            echo "$dir/s1000.osm.pbf" ;;
        s5m)
            [ -s "$dir/france5m.osm.pbf" ] ||
                target/release/examples/roads_synth "$dir/france5m.osm.pbf" 2400 2100 2 12 1 france >&2
            echo "$dir/france5m.osm.pbf" ;;
        *) echo "unknown input $1 (stbarth corsica s90k s1m s5m)" >&2; exit 2 ;;
    esac
}

timeout=${ROUTERS_TIMEOUT:-1200}
# named in the record only when set
osrm_timeout=${OSRM_TIMEOUT:+OSRM_TIMEOUT=$OSRM_TIMEOUT }
machine="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo) GiB"
mkdir -p docs/bench
for name in $inputs; do
    pbf=$(pbf_of "$name")
    out="$dir/run-$name"
    command="INPUTS=\"$name\" ${osrm_timeout}ROUTERS_TIMEOUT=$timeout"
    earlier=
    if [ -n "${PEERS_FROM:-}" ]; then
        earlier="$dir/earlier-$name"
        for f in points.csv ours.json peers.json; do
            [ -s "$PEERS_FROM/$f" ] || { echo "PEERS_FROM: no $PEERS_FROM/$f" >&2; exit 2; }
        done
        if [ "$(realpath "$PEERS_FROM")" != "$(realpath -m "$earlier")" ]; then
            rm -rf "$earlier"
            mkdir -p "$earlier"
            cp "$PEERS_FROM"/{points.csv,ours.json,peers.json} "$earlier/"
        fi
        command="INPUTS=\"$name\" PEERS_FROM=$PEERS_FROM"
    fi
    rm -rf "$out"
    started=$(date -u '+%Y-%m-%d %H:%M UTC')
    target/release/examples/routers_side "$pbf" "$out"
    section=$(PEERS_FROM=$earlier ROUTERS_STARTED=$started "$venv/bin/python" bench/routers/compare.py "$name" "$pbf" "$out")
    printf '%s\n' "$section"
    {
        echo "Run of $started, \`$command bash bench/routers/run.sh\`, $machine."
        echo
        printf '%s\n' "$section"
    } > "docs/bench/routers-$name.md"
    echo "(written to docs/bench/routers-$name.md)"
done
