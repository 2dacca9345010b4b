#!/usr/bin/env bash
# Suitability at 10 m (and 30 m) on the synthetic county of gen_suitability_data.py, in one run:
#   1. the GDAL command-line pipeline (gdal_suitability.sh: every step a process writing a GeoTIFF)
#   2. the I/O floor: read the DEM and write one compressed Float32 raster (gdal_translate)
#   3. `siteplan suitability` (map only) under /usr/bin/time -v: wall time and peak RSS
#   4. `siteplan rescore` (a weight change) against the full run
#   5. the Google Benchmark of the in-memory what-if (BM_WhatIfCounty10m)
# The three are alternated REPEAT times; the fastest of each is reported. Needs a built
# build/siteplan (and build/bench/siteplan_bench); the script never builds.
#   BENCH_DATA (default /tmp/siteplan-suit-bench), BENCH_OUT (/tmp/siteplan-suit-bench-out),
#   REPEAT (3), THREADS (2), GRIDS ("10 30")
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SITEPLAN=${SITEPLAN:-$ROOT/build/siteplan}
BENCHBIN=${BENCHBIN:-$ROOT/build/bench/siteplan_bench}
D=${BENCH_DATA:-/tmp/siteplan-suit-bench}
O=${BENCH_OUT:-/tmp/siteplan-suit-bench-out}
REPEAT=${REPEAT:-3}
THREADS=${THREADS:-2}
GRIDS=${GRIDS:-"10 30"}
[[ -f "$D/manifest.json" ]] || /usr/bin/python3 bench/gen_suitability_data.py "$D"
mkdir -p "$O"
SUMMARY="$O/summary.txt"
: >"$SUMMARY"
say() { echo "$*" | tee -a "$SUMMARY"; }
say "binary: $(sha256sum "$SITEPLAN" | cut -c1-12), data: $D ($(cat "$D/manifest.json"))"
secs() { awk '/Elapsed \(wall clock\)/ { n = split($NF, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$1"; }
rss() { awk '/Maximum resident set size/ { printf "%.0f", $NF / 1024 }' "$1"; }
cpu() { awk '/User time|System time/ { s += $NF } END { printf "%.2f", s }' "$1"; }
best() { sort -g | head -1; }
for G in $GRIDS; do
  : >"$O/gdal_$G.txt"; : >"$O/floor_$G.txt"; : >"$O/sp_$G.txt"; : >"$O/rs_$G.txt"
  for i in $(seq "$REPEAT"); do
    rm -rf "$O/gdal$G"
    /usr/bin/time -v bench/gdal_suitability.sh "$D" "$O/gdal$G" "$G" >"$O/gdal_steps_$G.txt" 2>"$O/t.txt"
    echo "$(secs "$O/t.txt") $(rss "$O/t.txt") $(cpu "$O/t.txt")" >>"$O/gdal_$G.txt"
    if [[ $G == 10 ]]; then
      /usr/bin/time -v gdal_translate -q -co TILED=YES -co COMPRESS=DEFLATE -co PREDICTOR=3 \
        "$D/dem.tif" "$O/floor.tif" 2>"$O/t.txt"
      echo "$(secs "$O/t.txt") $(rss "$O/t.txt") $(cpu "$O/t.txt")" >>"$O/floor_$G.txt"
    fi
    rm -rf "$O/sp$G"
    /usr/bin/time -v "$SITEPLAN" -q suitability "$D/county-${G}m.toml" --out "$O/sp$G" --threads "$THREADS" >/dev/null 2>"$O/t.txt"
    echo "$(secs "$O/t.txt") $(rss "$O/t.txt") $(cpu "$O/t.txt")" >>"$O/sp_$G.txt"
    rm -rf "$O/rs$G"
    /usr/bin/time -v "$SITEPLAN" -q rescore "$O/sp$G" --weight road=0.4 --weight substation=0.2 --out "$O/rs$G" --threads "$THREADS" >/dev/null 2>"$O/t.txt"
    echo "$(secs "$O/t.txt") $(rss "$O/t.txt") $(cpu "$O/t.txt")" >>"$O/rs_$G.txt"
  done
  g=$(cut -d' ' -f1 "$O/gdal_$G.txt" | best); s=$(cut -d' ' -f1 "$O/sp_$G.txt" | best); r=$(cut -d' ' -f1 "$O/rs_$G.txt" | best)
  say "$G m: GDAL CLI pipeline ${g} s (runs: $(cut -d' ' -f1 "$O/gdal_$G.txt" | tr '\n' ' '); CPU s: $(cut -d' ' -f3 "$O/gdal_$G.txt" | tr '\n' ' '); peak RSS of a step $(cut -d' ' -f2 "$O/gdal_$G.txt" | sort -g | tail -1) MiB)"
  say "$G m: siteplan suitability ${s} s (runs: $(cut -d' ' -f1 "$O/sp_$G.txt" | tr '\n' ' '); CPU s: $(cut -d' ' -f3 "$O/sp_$G.txt" | tr '\n' ' '); peak RSS $(cut -d' ' -f2 "$O/sp_$G.txt" | sort -g | tail -1) MiB) — $(echo "scale=2; $g / $s" | bc)x faster"
  say "$G m: siteplan rescore ${r} s (runs: $(cut -d' ' -f1 "$O/rs_$G.txt" | tr '\n' ' '); CPU s: $(cut -d' ' -f3 "$O/rs_$G.txt" | tr '\n' ' '); peak RSS $(cut -d' ' -f2 "$O/rs_$G.txt" | sort -g | tail -1) MiB) — $(echo "scale=2; $r / $s" | bc) of a full run"
  [[ -s "$O/floor_$G.txt" ]] && say "$G m: I/O floor (read the DEM, write one DEFLATE Float32 GeoTIFF) $(cut -d' ' -f1 "$O/floor_$G.txt" | best) s"
  say "$G m: GDAL steps of the last run: $(tr -s ' ' <"$O/gdal_steps_$G.txt" | tr '\n' ';')"
done
/usr/bin/python3 - "$O/sp10/suitability.tif" "$O/gdal10/suitability_gdal.tif" <<'PY' | tee -a "$SUMMARY" || true
import sys
import numpy as np
from osgeo import gdal
a = gdal.Open(sys.argv[1]).ReadAsArray(); b = gdal.Open(sys.argv[2]).ReadAsArray()
both = (a >= 0) & (b >= 0)
print(f"10 m agreement: outside differs on {((a == -9999) != (b == -9999)).sum()} cells, "
      f"exclusions on {((a == -1) != (b == -1)).sum()} of {(a == -1).sum()} blocked cells, "
      f"scores mean |diff| {np.abs(a[both] - b[both]).mean():.5f}, max {np.abs(a[both] - b[both]).max():.5f}")
PY
if [[ -x "$BENCHBIN" ]]; then
  "$BENCHBIN" --benchmark_filter=WhatIf --benchmark_min_time=2 2>/dev/null | grep BM_ | tee -a "$SUMMARY"
fi
