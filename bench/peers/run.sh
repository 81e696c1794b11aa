#!/usr/bin/env bash
# Side-by-side comparison of medaccess with scipy, igraph and networkx on the
# same synthetic road grid, in one command:
#
#     bash bench/peers/run.sh
#
# Makes a venv (target/peers-venv) with bench/peers/requirements.txt, runs
# examples/peer_export.rs (our timings, the graph and our distances into
# target/peers/), then bench/peers/compare.py (their timings, an exact check
# of every distance, the ratios; the table goes to target/peers/results.md and
# docs/bench/peers.md, which README.md quotes: tests/bench_quotes.rs).
# Needs python3 with venv (Debian: apt-get install -y python3-venv).
# REPEATS (default 3): each timing is the best of that many calls.
# Timings are CPU time of the calling thread on both sides (robust on a
# shared machine); PEERS_CLOCK=wall switches both sides to wall time.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=target/peers
venv=target/peers-venv
repeats=${REPEATS:-3}
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r bench/peers/requirements.txt
cargo run --quiet --release --example peer_export -- "$out" "$repeats" > /dev/null
"$venv/bin/python" bench/peers/compare.py "$out" "$repeats"
