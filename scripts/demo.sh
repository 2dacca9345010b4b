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
echo
echo "Results in $OUT/: open */report.html in a browser; candidates.gpkg, clearance.gpkg and"
echo "suitability.tif in QGIS (styles are embedded)."
