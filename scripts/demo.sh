#!/usr/bin/env bash
# README command 1: install what is missing, build, run the main job on the Heqing sample.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
OUT="${1:-out}"
mkdir -p "$OUT"
echo "== siteplan info samples/heqing/project.toml"
./build/siteplan info samples/heqing/project.toml
echo "== siteplan clearance: park and PV candidate sites against the default rules"
for sites in park_sites pv_sites; do
  ./build/siteplan clearance --parcels samples/heqing/heqing.gpkg:$sites --id-field XMBH \
    --name-field XMMC --rules samples/heqing/clearance.toml --out "$OUT/clearance-$sites"
done
echo "results in $OUT/ (open clearance-*/report.html in a browser, clearance.gpkg in QGIS)"
