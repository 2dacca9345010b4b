#!/usr/bin/env bash
# The suitability map of bench/gen_suitability_data.py's county by the GDAL command line, every
# step a process writing a GeoTIFF (the anchor of bench/run_suitability_bench.sh):
#   gdaldem slope/aspect, gdal_rasterize (features, exclusions, study area),
#   gdal_proximity.py (two distance factors, the settlement setback), gdal_calc.py (the score,
#   on the grid's cells with --extent=intersect).
# Usage: bench/gdal_suitability.sh DATA_DIR OUT_DIR [GRID_M]   (prints one line per step)
set -euo pipefail
D=$1
O=$2
G=${3:-10}
mkdir -p "$O"
read -r X0 Y0 X1 Y1 < <(/usr/bin/python3 -c "
import json,math; m=json.load(open('$D/manifest.json')); e=m['grid_extent']; g=$G
print(math.floor(e[0]/g)*g, math.floor(e[1]/g)*g, math.ceil(e[2]/g)*g, math.ceil(e[3]/g)*g)")
GRID=(-te "$X0" "$Y0" "$X1" "$Y1" -tr "$G" "$G")
CO=(-co TILED=YES)
step() {
  local name=$1
  shift
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null
  t1=$(date +%s.%N)
  printf '%-22s %6.2f s\n' "$name" "$(echo "$t1 - $t0" | bc)"
}
DEM="$D/dem.tif"
if [ "$G" != 10 ]; then
  step warp-dem gdalwarp -q -overwrite -r bilinear -tr "$G" "$G" -te $((X0 - G)) $((Y0 - G)) \
    $((X1 + G)) $((Y1 + G)) "${CO[@]}" "$D/dem.tif" "$O/dem.tif"
  DEM="$O/dem.tif"
fi
step slope gdaldem slope -q -p -compute_edges "${CO[@]}" "$DEM" "$O/slope.tif"
step aspect gdaldem aspect -q -compute_edges "${CO[@]}" "$DEM" "$O/aspect.tif"
for l in roads substations settlements; do
  step "rasterize-$l" gdal_rasterize -q -at -burn 1 -ot Byte "${GRID[@]}" "${CO[@]}" -l "$l" \
    "$D/county.gpkg" "$O/$l.tif"
  step "proximity-$l" gdal_proximity.py -q -values 1 -distunits GEO -ot Float32 "${CO[@]}" \
    "$O/$l.tif" "$O/${l}_dist.tif"
done
for l in farmland redline county; do
  step "rasterize-$l" gdal_rasterize -q -burn 1 -ot Byte "${GRID[@]}" "${CO[@]}" -l "$l" \
    "$D/county.gpkg" "$O/$l.tif"
done
# The project's weights and score functions (county-*.toml); flat cells (aspect nodata) score 1.
# slope and aspect are one cell larger on every side: --extent=intersect takes the grid's cells.
step calc gdal_calc.py --quiet --overwrite --type=Float32 --NoDataValue=-9999 --extent=intersect \
  --co TILED=YES --co COMPRESS=DEFLATE --co PREDICTOR=3 \
  -A "$O/slope.tif" -B "$O/aspect.tif" -C "$O/roads_dist.tif" -D "$O/substations_dist.tif" \
  -E "$O/settlements_dist.tif" -F "$O/farmland.tif" -G "$O/redline.tif" -H "$O/county.tif" \
  --hideNoData --outfile "$O/suitability_gdal.tif" --calc "
where(H == 0, -9999,
 where((E <= 500) | (F == 1) | (G == 1), -1,
  0.3 * clip(1 - A / 30.0, 0, 1)
  + 0.1 * where(B < 0, 1.0, clip(B / 180.0, 0, 1))
  + 0.25 * clip(1 - C / 5000.0, 0, 1)
  + 0.35 * clip(1 - D / 20000.0, 0, 1)))"
