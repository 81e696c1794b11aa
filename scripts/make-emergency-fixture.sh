#!/usr/bin/env bash
# Writes fixtures/urgences-64-65-40.csv: eleven hospitals running an
# emergency department (structure des urgences) in Pyrénées-Atlantiques (64),
# Hautes-Pyrénées (65) and Landes (40), as a planner would bring them with
# `--facilities`: FINESS site number, name, town, WGS84 lon/lat. The sites
# are chosen by hand (see fixtures/README-facilities.md); names and
# positions are copied unchanged from the Eurostat/GISCO healthcare file
# (after FINESS) in ../shared/data/hospitals-eurostat.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - <<'PY'
import csv
# FINESS site numbers of the emergency departments kept, in the order written.
SITES = [
    "640000600",  # CH de Pau
    "640000410",  # CH Oloron-Sainte-Marie
    "640000402",  # CH Orthez
    "640000162",  # CH de la Côte Basque, Bayonne (hôpital Saint-Léon)
    "640019485",  # CH de la Côte Basque, site de Saint-Jean-de-Luz
    "640017646",  # CH de Saint-Palais
    "650780141",  # CH de Bigorre, Tarbes (site de l'Ayguerote)
    "650000045",  # CH de Lourdes
    "650784218",  # Hôpitaux de Lannemezan (centre médico-chirurgical)
    "400000105",  # CH de Dax
    "400000139",  # CH Layné, Mont-de-Marsan
]
rows = {}
with open("../shared/data/hospitals-eurostat/FR_healthcare_services_2020.csv", encoding="utf-8") as f:
    for r in csv.DictReader(f):
        rows[r["id"].zfill(9)] = r
with open("fixtures/urgences-64-65-40.csv", "w", encoding="utf-8", newline="") as out:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["finess", "name", "city", "lon", "lat"])
    for s in SITES:
        r = rows[s]
        w.writerow([s, r["hospital_name"], r["city"], r["lon"], r["lat"]])
PY
