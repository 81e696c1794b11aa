#!/usr/bin/env bash
# Copies the GP supply table (INSEE BPE, equipment D201, per commune) into
# fixtures/ so that `medaccess gp` runs on a fresh machine. The file is small
# (115 KB) and copied unchanged; see ../shared/data/gp-supply/PROVENANCE.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cp ../shared/data/gp-supply/gp_d201_by_commune.csv fixtures/gp-bpe-d201.csv
