#!/usr/bin/env bash
# Regenerates the QGIS pictures of docs/: README's first command run, its
# layers opened in real QGIS (headless PyQGIS) with the styles medaccess
# wrote beside them, and laid out with a title and legend by
# tests/qgis/render_map.py. tests/qgis.rs (full suite) renders them again
# and fails when docs/ drifts from what this script gives.
#
# Needs: apt-get install --no-install-recommends python3-qgis qgis-providers
# Usage: scripts/render-qgis-png.sh [OUT_DIR]   (default: docs)
set -euo pipefail
cd "$(dirname "$0")/.."
dest="${1:-docs}"
python="${MEDACCESS_QGIS_PYTHON:-/usr/bin/python3}"
cargo build --release --quiet
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$PWD"
bin="${CARGO_TARGET_DIR:-$root/target}/release/medaccess"
(cd "$work" && "$bin" access --dep 64 --year 2016 --compare-year 2017 \
  --report out/report-64.html >/dev/null 2>&1)
mkdir -p "$dest"
for y in 2016 2017; do
  QT_QPA_PLATFORM=offscreen "$python" tests/qgis/render_map.py "$dest/qgis-access-64-$y.png" \
    "Temps de route jusqu'à la maternité la plus proche, Pyrénées-Atlantiques, $y (DREES)" \
    "Communes, temps de route=$work/out/maternity-access-64-$y.geojson" \
    "Maternités=$work/out/maternity-access-64-$y-facilities.geojson" 2>/dev/null
  echo "wrote $dest/qgis-access-64-$y.png"
done
