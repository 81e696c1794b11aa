#!/usr/bin/env bash
# Regenerates docs/report-64.png, the picture of the report README shows:
# runs README's first command (Pyrénées-Atlantiques, maternities open in 2016
# vs 2017, on the data in fixtures/) into a temporary folder, and screenshots
# the top of the report with headless Chromium, 1200 × 1700 pixels.
#
# Rerun it whenever the data, the engine or the report change. The
# production date shown is the date of the last commit (SOURCE_DATE_EPOCH),
# so the same tree gives the same picture on the same machine.
#
# Needs chromium (apt-get install -y chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v chromium >/dev/null 2>&1 || {
  echo "chromium is needed: apt-get install -y chromium" >&2
  exit 1
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
cargo build --release --quiet --bin medaccess
./target/release/medaccess access --dep 64 --year 2016 --compare-year 2017 \
  --report "$tmp/report-64.html" --out "$tmp/out" >/dev/null
chromium --headless --no-sandbox --disable-gpu --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --force-device-scale-factor=1 \
  --user-data-dir="$tmp/profile" --window-size=1200,1700 \
  --screenshot="$tmp/report-64.png" "file://$tmp/report-64.html" 2>/dev/null
test -s "$tmp/report-64.png"
mv "$tmp/report-64.png" docs/report-64.png
echo "wrote docs/report-64.png"
