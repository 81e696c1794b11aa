#!/usr/bin/env bash
# Builds the QGIS plugin zip (Plugins > Manage and Install Plugins > Install
# from ZIP): the folder python/qgis/medaccess_processing at the zip's root.
#   scripts/build-qgis-plugin.sh [OUT_DIR]     (default: target/qgis-plugin)
# The plugin calls the medaccess Python package, which must be installed in the
# Python QGIS runs (pip install ./python).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/target/qgis-plugin}
mkdir -p "$out"
zip="$out/medaccess_processing.zip"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$root/python/qgis/medaccess_processing" "$tmp/"
find "$tmp" -name __pycache__ -prune -exec rm -rf {} +
# Fixed order and dates: the same zip bytes from the same sources.
python3 - "$tmp" "$zip.tmp" <<'PY'
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
    for dirpath, dirs, files in sorted(os.walk(src)):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(dirpath, name)
            info = zipfile.ZipInfo(os.path.relpath(path, src), date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as f:
                z.writestr(info, f.read())
PY
mv "$zip.tmp" "$zip"
echo "$zip"
