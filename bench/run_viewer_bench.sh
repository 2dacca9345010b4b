#!/usr/bin/env bash
# Viewer benchmark: load + first frame and frame time while rotating, under Xvfb's software
# renderer, for the Heqing sample and for 20,000 parcels over a 2,000 × 2,000 DEM.
set -euo pipefail
cd "$(dirname "$0")/.."
S=./build/siteplan
W="${BENCH_OUT:-/tmp/siteplan-viewer-bench}"
mkdir -p "$W"
[[ -f "$W/project.toml" ]] || /usr/bin/python3 bench/gen_viewer_data.py "$W"
unset DISPLAY
$S -q clearance --parcels "$W/parcels.gpkg:parcels" --id-field ID --rules "$W/project.toml" --out "$W/res"
echo "== 20,000 parcels over 2,000 x 2,000 DEM (3D)"
$S -q map "$W/project.toml" --result "$W/res" --out "$W/map3d.png" --mode 3d --size 1600x1000 --frames 30
echo "== 20,000 parcels (2D)"
$S -q map "$W/project.toml" --result "$W/res" --out "$W/map2d.png" --mode 2d --size 1600x1000 --frames 30
OUT="$(mktemp -d)"
$S -q suitability samples/heqing/beiya-park.toml --out "$OUT/beiya" >/dev/null
echo "== Heqing sample, Beiya candidates (3D)"
$S -q map samples/heqing/beiya-park.toml --result "$OUT/beiya" --out "$OUT/beiya.png" --mode 3d --frames 30
rm -rf "$OUT"
