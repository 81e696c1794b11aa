#!/usr/bin/env bash
# Copies the two small real OpenStreetMap extracts of ../shared/data/osm-small-fr into
# fixtures/osm/ so that the PBF tests run on a machine with nothing beside the clone.
# The files are copied byte for byte and checked against the SHA-256 sums of their
# PROVENANCE.md. Licence: © OpenStreetMap contributors, ODbL 1.0.
set -euo pipefail
cd "$(dirname "$0")/.."
src=../shared/data/osm-small-fr
dst=fixtures/osm
copy() { # name sha256
  cp "$src/$1" "$dst/$1.tmp"
  chmod 644 "$dst/$1.tmp"
  echo "$2  $dst/$1.tmp" | sha256sum --check --quiet
  mv "$dst/$1.tmp" "$dst/$1"
}
copy saint_barthelemy.osm.pbf ec1be5c5c2df74a23f511067b8d07796a8270eca14573babe3359363d61b029f
copy St_Brieuc-Loudeac.osm.pbf 484ec3dc8d371382e28163d58b3cf02ce79741851da6735a3ed8b06a4399b456
