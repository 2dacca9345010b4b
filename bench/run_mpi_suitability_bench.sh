#!/usr/bin/env bash
# Strong scaling of `siteplan suitability` under MPI (docs/mpi.md): the 10 m synthetic county of
# gen_suitability_data.py (map only) on 1 and 2 ranks, one thread per rank, and a check that the
# outputs of the banded runs equal the one-process outputs byte for byte.
#
#   bench/run_mpi_suitability_bench.sh     # generates /tmp/siteplan-suit-bench the first time
#
# Environment: SITEPLAN (default build/siteplan), BENCH_DATA (/tmp/siteplan-suit-bench), OUT
# (/tmp/sp-mpi-suit-bench), REPEAT (1; the fastest run is reported), GRID (10), RANKS ("1 2"),
# TILES (rows per map tile: --map-tiles, every rank writes its own tiles; empty: one .tif each,
# written by rank 0). A province: COUNTIES=N generates N counties side by side
# (gen_suitability_data.py --counties N) into BENCH_DATA. PROJECT: the project file in BENCH_DATA
# (county-${GRID}m.toml; county-30m-derive.toml has derived candidates).
set -euo pipefail
cd "$(dirname "$0")/.."
SITEPLAN="${SITEPLAN:-$PWD/build/siteplan}"
D="${BENCH_DATA:-/tmp/siteplan-suit-bench}"
OUT="${OUT:-/tmp/sp-mpi-suit-bench}"
REPEAT="${REPEAT:-1}" GRID="${GRID:-10}" RANKS="${RANKS:-1 2}" TILES="${TILES:-}"
COUNTIES="${COUNTIES:-1}" PROJECT="${PROJECT:-county-${GRID}m.toml}"
EXTRA=()
[[ -z "$TILES" ]] || EXTRA=(--map-tiles "$TILES")
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 SOURCE_DATE_EPOCH=1767225600
[[ -f "$D/manifest.json" ]] || /usr/bin/python3 bench/gen_suitability_data.py "$D" --counties "$COUNTIES"
mkdir -p "$OUT"

# run NAME RANKS (0: no launcher): the fastest of REPEAT runs, wall and CPU seconds, peak RSS of
# the largest process, and rank 0's MPI line.
run() {
  local name="$1" ranks="$2" best="" i line="" cpu="" rss=""
  for ((i = 0; i < REPEAT; i++)); do
    rm -rf "$OUT/$name"
    local launch=()
    [[ $ranks == 0 ]] || launch=(mpirun --oversubscribe --bind-to none -n "$ranks")
    /usr/bin/time -f "%e %U %S %M" -o "$OUT/$name.time" "${launch[@]}" "$SITEPLAN" suitability \
      "$D/$PROJECT" --threads 1 "${EXTRA[@]}" --out "$OUT/$name" >"$OUT/$name.out" 2>"$OUT/$name.log" || true
    grep -q "candidates ranked" "$OUT/$name.out" || { echo "$name failed:"; tail -5 "$OUT/$name.log"; exit 1; }
    local s
    s=$(cut -d' ' -f1 "$OUT/$name.time")
    if [[ -z "$best" ]] || (($(echo "$s < $best" | bc))); then
      best=$s
      cpu=$(awk '{printf "%.2f", $2 + $3}' "$OUT/$name.time")
      rss=$(awk '{printf "%.0f", $4 / 1024}' "$OUT/$name.time")
      line=$(grep -h 'MPI:' "$OUT/$name.log" | sed 's/^.*MPI: //' || true)
    fi
  done
  printf "%-8s %7.2f s wall %7.2f s CPU, peak RSS %s MiB  %s\n" "$name" "$best" "$cpu" "$rss" "$line"
  echo "$name $best" >>"$OUT/times.txt"
}

: >"$OUT/times.txt"
echo "siteplan $(sha256sum "$SITEPLAN" | cut -c1-12), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), ${GRID} m, one thread per rank"
run plain 0
for n in $RANKS; do run "r$n" "$n"; done
t() { awk -v n="$1" '$1 == n {print $2}' "$OUT/times.txt"; }
for n in $RANKS; do
  [[ $n == 1 ]] || echo "strong: 1 rank $(t r1) s, $n ranks $(t "r$n") s: speed-up $(echo "scale=2; $(t r1) / $(t "r$n")" | bc)x"
  # gpkg_contents holds the time of writing (tests/cli/test_mpi.sh compares the rows)
  if diff -r -q -x '*.gpkg' "$OUT/plain" "$OUT/r$n" >"$OUT/diff-r$n.txt"; then
    echo "identical: every file but GeoPackages, $n ranks ($(cd "$OUT/plain" && find . -type f | wc -l) files)"
  else
    echo "DIFFERENT ($n ranks):"; head -5 "$OUT/diff-r$n.txt"
  fi
done
