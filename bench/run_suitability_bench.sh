#!/usr/bin/env bash
# Suitability benchmark on the Heqing sample: the full Beiya profile on a 30 m grid end to end
# (time and peak memory), slope derivation against `gdaldem slope` on the same DEM, and the
# what-if re-scoring micro-benchmark. Run from the repository root after scripts/build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DSITEPLAN_BENCH=ON >/dev/null && cmake --build build -j"$(nproc)" >/dev/null
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
for profile in beiya-park pv-ground; do
  /usr/bin/time -f "$profile end to end: %e s wall, %M KiB peak RSS" \
    ./build/siteplan -q suitability samples/heqing/$profile.toml --out "$OUT/$profile" >/dev/null
done
start=$(date +%s.%N)
gdaldem slope -q -compute_edges samples/heqing/dem.tif "$OUT/slope.tif"
end=$(date +%s.%N)
echo "gdaldem slope on samples/heqing/dem.tif: $(echo "$end - $start" | bc) s"
./build/bench/siteplan_bench --benchmark_min_time=0.5
