#!/usr/bin/env bash
# Writes the small IGN-like road fixtures of fixtures/roads/ from hand-made
# sections (see fixtures/roads/README.md): GeoJSON sources, then with GDAL's
# ogr2ogr a BD TOPO Shapefile set and GeoPackage, a ROUTE 500 Shapefile set,
# and a link table with custom column names and a WKT geometry.
#
# Needs python3 and ogr2ogr (Debian: apt-get install gdal-bin).
# Usage: scripts/make-road-fixtures.sh   (from anywhere; rewrites the folder)
set -euo pipefail
cd "$(dirname "$0")/.."
out=fixtures/roads
mkdir -p "$out"
command -v ogr2ogr >/dev/null || { echo "ogr2ogr not found: apt-get install gdal-bin" >&2; exit 1; }

python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
# Junctions, Lambert-93 metres, east of Pau (Béarn). Every straight section
# is 1000 m on the projection.
P = {
    "A": (426000, 6251000), "B": (427000, 6251000), "C": (428000, 6251000),
    "D": (427000, 6252000), "E": (428000, 6252000), "F": (429000, 6251000),
    "G": (426000, 6252000), "H": (425000, 6251000), "K": (429000, 6252000),
    "P": (427000, 6250000), "Q": (427000, 6253000),
}
def line(*names_or_points):
    return [list(P[x]) if isinstance(x, str) else list(x) for x in names_or_points]
def fc(features):
    return {"type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}},
            "features": features}
def feature(props, coords):
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "LineString", "coordinates": coords}}

# BD TOPO TRONCON_DE_ROUTE, GeoPackage names (long, lower case).
# (id, nature, importance, sens, vitesse, acces, etat, prive, urbain, geometry)
bd = [
    (1, "Route à 1 chaussée", "3", "Double sens", 60, "Libre", "En service", False, False, line("A", "B")),
    (2, "Route à 1 chaussée", "4", "Double sens", 50, "Libre", "En service", False, False, line("B", "C")),
    (3, "Route à 1 chaussée", "5", "Double sens", 45, "Libre", "En service", False, False, line("C", "E")),
    (4, "Route à 1 chaussée", "5", "Sens inverse", 25, "Libre", "En service", False, True, line("D", "E")),
    (5, "Route empierrée", "5", "Double sens", 20, "Libre", "En service", False, False, line("B", "D")),
    (6, "Route à 1 chaussée", "5", "Double sens", 30, "Restreint aux ayants droit", "En service", True, False, line("B", "P")),
    (7, "Route à 1 chaussée", "4", "Double sens", 70, "Libre", "En construction", False, False, line("E", "K")),
    (8, "Route empierrée", "6", "Double sens", 15, "Libre", "En service", False, False, line("A", "G")),
    (9, "Route à 1 chaussée", "5", "Double sens", 40, "Physiquement impossible", "En service", False, False, line("G", "D")),
    (10, "Bac ou liaison maritime", "5", "Double sens", 0, "Libre", "En service", False, False, line("A", "H")),
    (11, "Type autoroutier", "1", "Sens direct", 120, "A péage", "En service", False, False, line("C", "F")),
    (12, "Bretelle", "1", "Sens direct", 60, "Libre", "En service", False, False, line("F", (428500, 6251500), "C")),
    (13, "Route à 1 chaussée", "5", "Double sens", 30, "Libre", "En service", False, True, line("D", "Q")),
    (14, "Chemin", "6", "Double sens", 0, "Libre", "En service", False, False, line("H", "G")),
]
long = [feature({
    "cleabs": f"TRONROUT{i:016d}", "nature": n, "importance": imp,
    "etat_de_l_objet": etat, "prive": prive, "sens_de_circulation": sens,
    "urbain": urb, "vitesse_moyenne_vl": v, "acces_vehicule_leger": acc,
}, g) for (i, n, imp, sens, v, acc, etat, prive, urb, g) in bd]
vrai = lambda b: "Vrai" if b else "Faux"
# The same sections with the Shapefile's 10-character names.
short = [feature({
    "ID": f"TRONROUT{i:016d}", "NATURE": n, "IMPORTANCE": imp, "ETAT": etat,
    "PRIVE": vrai(prive), "SENS": sens, "URBAIN": vrai(urb), "VIT_MOY_VL": v,
    "ACCES_VL": acc,
}, g) for (i, n, imp, sens, v, acc, etat, prive, urb, g) in bd]
json.dump(fc(long), open(f"{out}/bdtopo_troncon_de_route.geojson", "w"), ensure_ascii=False, indent=1)
json.dump(fc(short), open(f"{out}/bdtopo_troncon_de_route_shp.geojson", "w"), ensure_ascii=False, indent=1)

# ROUTE 500 TRONCON_ROUTE: LONGUEUR is the road length in km (here not the
# drawn length, to show it is the one used).
r5 = [
    (1, "Liaison régionale", "1 chaussée", "Revêtu", "Libre", "Double sens", "Départementale", 1.2, line("A", "B")),
    (2, "Liaison locale", "1 chaussée", "Revêtu", "Libre", "Sens unique", "Départementale", 1.0, line("B", "C")),
    (3, "Liaison principale", "2 chaussées", "Revêtu", "Libre", "Double sens", "Nationale", 1.5, line("C", "D")),
    (4, "Liaison locale", "1 chaussée", "Non revêtu", "Libre", "Double sens", "Sans objet", 2.0, line("D", "A")),
    (5, "Liaison locale", "1 chaussée", "Revêtu", "Libre", "Double sens", "Départementale", 0.8, line("A", "H")),
    (6, "Bretelle", "1 chaussée", "Revêtu", "A péage", "Double sens", "Autoroute", 0.5, line("C", "F")),
]
json.dump(fc([feature({
    "ID_RTE500": i, "VOCATION": voc, "NB_CHAUSSE": ch, "NB_VOIES": "2 voies larges",
    "ETAT": etat, "ACCES": acc, "RES_VERT": "N'appartient pas", "SENS": sens,
    "NUM_ROUTE": "D 817" if adm == "Départementale" else "", "RES_EUROPE": "",
    "CLASS_ADM": adm, "LONGUEUR": km,
}, g) for (i, voc, ch, etat, acc, sens, adm, km, g) in r5]),
    open(f"{out}/route500_troncon_route.geojson", "w"), ensure_ascii=False, indent=1)

# A link table with its own column names; `SENS_UNIQUE` oui = one-way.
lt = [
    (1, "A", "B", 1000, 60, "non", "secondary", line("A", "B")),
    (2, "B", "C", 1000, 50, "non", "tertiary", line("B", "C")),
    (3, "C", "E", 1000, 40, "oui", "residential", line("C", "E")),
    (4, "E", "B", 1500, 30, "non", "unclassified", line("E", "D", "B")),
    (5, "A", "G", 1000, 20, "non", "service", line("A", "G")),
    (6, "A", "H", 1000, 50, "non", "unclassified", line("A", "H")),
    (7, "C", "F", 1000, 50, "non", "tertiary", line("C", "F")),
    (8, "E", "K", 1000, 50, "non", "tertiary", line("E", "K")),
]
json.dump(fc([feature({"ID": i, "DEBUT": a, "FIN": b, "LONG_M": l, "KMH": v,
                       "SENS_UNIQUE": o, "TYPE": c}, g) for (i, a, b, l, v, o, c, g) in lt]),
          open(f"{out}/links_source.geojson", "w"), ensure_ascii=False, indent=1)
PY

rm -rf "$out/bdtopo" "$out/route500" "$out/bdtopo_troncon_de_route.gpkg" "$out/custom_links.csv"
mkdir -p "$out/bdtopo" "$out/route500"
ogr2ogr -f "ESRI Shapefile" -lco ENCODING=UTF-8 -nln TRONCON_DE_ROUTE \
    "$out/bdtopo/TRONCON_DE_ROUTE.shp" "$out/bdtopo_troncon_de_route_shp.geojson"
ogr2ogr -f GPKG -nln troncon_de_route -lco SPATIAL_INDEX=NO \
    "$out/bdtopo_troncon_de_route.gpkg" "$out/bdtopo_troncon_de_route.geojson"
ogr2ogr -f "ESRI Shapefile" -lco ENCODING=UTF-8 -nln TRONCON_ROUTE \
    "$out/route500/TRONCON_ROUTE.shp" "$out/route500_troncon_route.geojson"
ogr2ogr -f CSV -lco GEOMETRY=AS_WKT -lco SEPARATOR=SEMICOLON \
    "$out/custom_links.csv" "$out/links_source.geojson"
ls -l "$out" "$out/bdtopo" "$out/route500"
