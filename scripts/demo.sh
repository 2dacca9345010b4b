#!/usr/bin/env bash
# README command 1: install what is missing, build, run the main job on the Heqing sample:
# describe the data, rank sites for the Beiya park and for PV, and clear the proposed parcels.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
OUT="${1:-out}"
mkdir -p "$OUT"
S=./build/siteplan
echo "== siteplan info samples/heqing/project.toml"
$S info samples/heqing/project.toml
for profile in beiya-park pv-ground pv-rooftop; do
  echo "== siteplan suitability samples/heqing/$profile.toml"
  $S suitability samples/heqing/$profile.toml --out "$OUT/$profile"
done
echo "== siteplan clearance: the proposed park and PV parcels"
$S clearance --parcels samples/heqing/heqing.gpkg:park_sites --id-field XMBH --name-field XMMC \
  --rules samples/heqing/clearance.toml --out "$OUT/clearance-park"
$S clearance --parcels samples/heqing/heqing.gpkg:pv_sites --id-field XMBH --name-field XMMC \
  --rules samples/heqing/clearance-pv.toml --out "$OUT/clearance-pv"
echo "== siteplan map: the maps of the sample run (A4 landscape for the report; PDF with real text)"
$S map samples/heqing/beiya-park.toml --result "$OUT/beiya-park" --out "$OUT/maps/beiya-park-3d.png" --mode 3d
$S map samples/heqing/pv-ground.toml --result "$OUT/pv-ground" --out "$OUT/maps/pv-ground-2d.png" --mode 2d
$S map samples/heqing/clearance.toml --result "$OUT/clearance-park" --out "$OUT/maps/clearance-park.pdf" \
  --mode 2d --color verdict --paper A4 --landscape
# report.html embeds DIR/map.png: render it, then run the clearance once more into the same folder.
$S map samples/heqing/clearance.toml --result "$OUT/clearance-park" --out "$OUT/clearance-park/map.png" \
  --mode 2d --color verdict --paper A4 --landscape --dpi 120
$S -q clearance --parcels samples/heqing/heqing.gpkg:park_sites --id-field XMBH --name-field XMMC \
  --rules samples/heqing/clearance.toml --out "$OUT/clearance-park" --group-field XMLX >/dev/null
echo "== siteplan export-txt: the parcels that are not blocked, as a Ministry coordinate file"
$S export-txt "$OUT/clearance-park/clearance.gpkg:parcels" --id-field parcel_id --name-field name \
  --where "verdict IN ('approval', 'clear')" --out "$OUT/clearance-park/submission.txt"
echo
echo "Results in $OUT/: open */report.html in a browser; candidates.gpkg, clearance.gpkg and"
echo "suitability.tif in QGIS (styles are embedded)."
