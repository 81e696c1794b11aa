#!/usr/bin/env bash
# The 1,000-scenario 2SFCA sensitivity sweep over all of France on the commune
# graph (issue 18): 5 catchments x 2 decay families x 100 seeded draws of the
# GP supply (each site's supply times a number in [0.8, 1.2]), run with 1 and
# then 2 worker threads. Prints scenarios per second and the scaling, with the
# machine's load (this 2-core machine is shared: quote the load with a time).
#   scripts/bench-sweep.sh [BINARY]     (default: target/release/medaccess)
# Writes what it prints, under a line naming the date, command and machine, to
# docs/bench/sweep.md (RECORD=FILE elsewhere), which README.md quotes
# (tests/bench_quotes.rs fails when the quote and the file differ).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/target/release/medaccess}
record=${RECORD:-$root/docs/bench/sweep.md}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
bench() {
cat > "$dir/plan.toml" <<'TOML'
name = "gp-france-1000"
france = true
[gp]
catchments = [10, 20, 30, 45, 60]
decays = ["drees", "gaussian"]
[[gp.supply]]
name = "jitter20"
jitter = 0.2
draws = 100
seed = 2026
TOML
declare -A rate
for w in 1 2; do
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  line=$("$bin" sweep "$dir/plan.toml" --workers "$w" --out "$dir/out-$w" 2>&1 >/dev/null | grep "scenarios per second")
  echo "workers=$w: $line"
  rate[$w]=$(echo "$line" | sed -E 's/.*: ([0-9.]+) scenarios per second.*/\1/')
done
cmp -s "$dir/out-1/gp-france-1000-values.csv" "$dir/out-2/gp-france-1000-values.csv" \
  && echo "values: same bytes with 1 and 2 workers" || { echo "values differ between 1 and 2 workers" >&2; exit 1; }
echo "scaling 1 -> 2 workers: $(python3 -c "print(f'{${rate[2]} / ${rate[1]}:.2f}x')")"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
head -4 "$dir/out-2/gp-france-1000-summary.txt"
}
bench | tee "$dir/printed"
{
  echo "Run of $(date -u '+%Y-%m-%d %H:%M') UTC, \`bash scripts/bench-sweep.sh\`, $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | sed -E 's/.*: //; s/ [0-9]+-Core.*//'))."
  echo
  echo '```'
  cat "$dir/printed"
  echo '```'
} > "$record"
