#!/usr/bin/env bash
# Runs the README's commands (and one of each job) with the binary of a base
# commit and with the binary of the working tree, and compares what they
# print on stdout and every byte of every file they write. A restructuring
# that changes no result prints `same` for every command.
#
#   scripts/compare-outputs.sh [BASE_REV]        (default: main)
#
# stderr is not compared (it holds timings). The commands on Corsica's road
# network run only when ../shared/data is beside the clone. Each side runs
# in its own folder from a copy of its binary named `medaccess`, so that the
# command line written in the reports is the same on both sides.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
base="${1:-main}"
work="$(mktemp -d /tmp/medaccess-compare.XXXXXX)"
trap 'git -C "$repo" worktree remove --force "$work/base-src" >/dev/null 2>&1 || true' EXIT

echo "base $(git -C "$repo" rev-parse --short "$base") vs working tree of $(git -C "$repo" rev-parse --short HEAD) in $work"
git -C "$repo" worktree add --detach "$work/base-src" "$base" >/dev/null 2>&1
# The base builds in its own target folder (kept: its dependencies are
# built once), the working tree in the usual one.
(cd "$work/base-src" && CARGO_TARGET_DIR="$repo/target/compare-base" cargo build --release --quiet --bin medaccess)
mkdir -p "$work/base" "$work/new"
cp "$repo/target/compare-base/release/medaccess" "$work/base/medaccess"
(cd "$repo" && cargo build --release --quiet --bin medaccess)
cp "$repo/target/release/medaccess" "$work/new/medaccess"

shared="$(cd "$repo/.." && pwd)/shared/data"
commands=(
  "access --dep 64 --year 2016 --compare-year 2017 --report @OUT@/report-64.html"
  "access --dep 64 --year 2016 --compare-year 2017 --report @OUT@/report-64-en.html --lang en"
  "scenario --dep 64 --year 2016 --close 640000410 --report @OUT@/scenario.html"
  "scenario --dep 64 --year 2017 --open 64422,Test@-0.6:43.2"
  "rank --dep 64 --year 2023 --report @OUT@/rank.html"
  "site --dep 64 --year 2017 --add 3"
  "history --dep 64 --report @OUT@/history.html"
  "catchments --dep 64 --year 2023"
  "isochrones --dep 64 --year 2023"
  "gp --dep 64,65 --report @OUT@/gp.html"
  "gp --dep 64 --add 64104:2 --remove 64422:1"
  "access --france --year 2023 --split-by-dep"
  "access --region 75 --year 2023"
  "access --insee 64422,64445 --year 2023 --bands 15,30,45 --threshold 30"
  "access --dep 64 --facilities $repo/fixtures/urgences-64-65-40.csv --id-col finess"
  "graph info $repo/fixtures/roads/bdtopo_troncon_de_route.gpkg"
)
if [ -d "$shared/osm-fr-corse" ]; then
  corsica="$shared/osm-fr-corse/corsica_links.csv.gz"
  commands+=(
    "access --dep 2A,2B --year 2023 --roads $corsica --no-roads-cache"
    "rank --dep 2A --year 2023 --roads $corsica --no-roads-cache"
    "isochrones --dep 2A --year 2023 --roads $corsica --no-roads-cache --cell-m 1000"
  )
fi

differ=0
for k in "${!commands[@]}"; do
  cmd="${commands[$k]}"
  case "$cmd" in graph*) extra=() ;; *) extra=(--out "out/$k") ;; esac
  for side in base new; do
    (cd "$work/$side" && mkdir -p "out/$k" &&
      # shellcheck disable=SC2086
      ./medaccess ${cmd//@OUT@/out\/$k} "${extra[@]}" >"stdout-$k.txt" 2>"stderr-$k.txt"; echo $? >"status-$k.txt")
  done
  # The shipped data is named where a path is printed or written: by the
  # base binary as its own checkout's fixtures/ (before the data was built
  # into the binary), by a newer one as `embedded:fixtures`. Name them alike.
  { grep -rlF "$work/base-src" "$work/base/stdout-$k.txt" "$work/base/out/$k" 2>/dev/null || true; } |
    xargs -r sed -i "s|$work/base-src/fixtures|embedded:fixtures|g; s|$work/base-src|$repo|g"
  verdict=same
  for f in stdout status; do
    cmp -s "$work/base/$f-$k.txt" "$work/new/$f-$k.txt" || verdict="DIFFERENT ($f)"
  done
  if ! diff -r -q "$work/base/out/$k" "$work/new/out/$k" >/dev/null; then
    verdict="DIFFERENT (files: $(diff -r -q "$work/base/out/$k" "$work/new/out/$k" | wc -l))"
  fi
  files=$(find "$work/new/out/$k" -type f | wc -l)
  bytes=$(find "$work/new/out/$k" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
  printf '%-12s %3d files %10d bytes, exit %s: medaccess %s\n' "$verdict" "$files" "$bytes" \
    "$(cat "$work/new/status-$k.txt")" "${cmd//@OUT@/out\/$k}"
  [ "$verdict" = same ] || differ=1
done
if [ "$differ" = 0 ]; then
  echo "all ${#commands[@]} commands: same stdout, same exit status, same output bytes"
else
  echo "some outputs differ: see $work/{base,new}" >&2
  trap - EXIT
  exit 1
fi
