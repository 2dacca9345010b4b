#!/usr/bin/env bash
# MPI scaling of `siteplan clearance` on a synthetic province (bench/README.md, docs/mpi.md):
# strong scaling (one province, 1 and 2 ranks) and weak scaling (2 counties on 1 rank against
# 4 counties on 2 ranks), one thread per rank, the merge's share of each sharded run, and a
# check that the sharded CSVs equal the one-process ones byte for byte.
#
#   bench/run_mpi_bench.sh            # generates /tmp/sp-province{2,4} the first time
#   GPKG=1 REPEAT=3 bench/run_mpi_bench.sh
#
# Environment: SITEPLAN (default build/siteplan), PROVINCE_DIR (/tmp/sp-province), OUT
# (/tmp/sp-mpi-bench), GPKG (0: --no-gpkg --no-xlsx, the setting for huge batches; 1 writes every
# output), REPEAT (1; the fastest run is reported), THREADS (1 per rank).
set -euo pipefail
cd "$(dirname "$0")/.."
SITEPLAN="${SITEPLAN:-$PWD/build/siteplan}"
P="${PROVINCE_DIR:-/tmp/sp-province}"
OUT="${OUT:-/tmp/sp-mpi-bench}"
GPKG="${GPKG:-0}" REPEAT="${REPEAT:-1}" THREADS="${THREADS:-1}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
for n in 2 4; do
  [[ -f "${P}$n/manifest.json" ]] || /usr/bin/python3 bench/gen_province_data.py "${P}$n" --pieces $n
done
mkdir -p "$OUT"
LEAN=()
[[ "$GPKG" == 1 ]] || LEAN=(--no-gpkg --no-xlsx)

# run NAME PIECES RANKS: the fastest of REPEAT runs; prints wall seconds and the MPI line.
run() {
  local name="$1" n="$2" ranks="$3" best="" i
  local D="${P}$n"
  local args=(clearance --parcels "$D/parcels.gpkg:parcels" --id-field XMBH
    --constraint "yjjbnt=$D/constraints.gpkg:yjjbnt" --constraint "stbhhx=$D/constraints.gpkg:stbhhx"
    --constraint "ldbh=$D/constraints.gpkg:ldbh:approval" --constraint "gyl=$D/constraints.gpkg:gyl:approval"
    --constraint "sysyd=$D/constraints.gpkg:sysyd" --constraint "dzzh=$D/constraints.gpkg:dzzh:approval"
    --breakdown "dltb=$D/dltb.gpkg:dltb:DLBM" --threads "$THREADS" "${LEAN[@]}")
  for ((i = 0; i < REPEAT; i++)); do
    rm -rf "$OUT/$name"
    local t0 t1
    t0=$(date +%s.%N)
    if [[ $ranks == 0 ]]; then
      "$SITEPLAN" "${args[@]}" --out "$OUT/$name" >"$OUT/$name.out" 2>"$OUT/$name.log" || true
    else
      mpirun --oversubscribe --bind-to none -n "$ranks" "$SITEPLAN" "${args[@]}" --out "$OUT/$name" \
        >"$OUT/$name.out" 2>"$OUT/$name.log" || true
    fi
    t1=$(date +%s.%N)
    local s
    s=$(echo "$t1 - $t0" | bc)
    [[ -z "$best" ]] || (( $(echo "$s < $best" | bc) )) && best=$s
  done
  grep -q "parcels:" "$OUT/$name.out" || { echo "$name failed:"; tail -5 "$OUT/$name.log"; exit 1; }
  printf "%-28s %6.2f s   %s\n" "$name" "$best" "$(grep -h 'MPI:' "$OUT/$name.log" | sed 's/^MPI: //')"
  echo "$name $best" >>"$OUT/times.txt"
}

: >"$OUT/times.txt"
echo "siteplan $(sha256sum "$SITEPLAN" | cut -c1-12), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), GPKG=$GPKG, THREADS=$THREADS"
run p2-plain 2 0
run p2-1rank 2 1
run p4-1rank 4 1
run p4-2ranks 4 2
run p2-2ranks 2 2
t() { awk -v n="$1" '$1 == n {print $2}' "$OUT/times.txt"; }
echo "strong scaling, 4 counties: 1 rank $(t p4-1rank) s, 2 ranks $(t p4-2ranks) s: speed-up $(echo "scale=2; $(t p4-1rank) / $(t p4-2ranks)" | bc)x"
echo "strong scaling, 2 counties: 1 rank $(t p2-1rank) s, 2 ranks $(t p2-2ranks) s: speed-up $(echo "scale=2; $(t p2-1rank) / $(t p2-2ranks)" | bc)x"
echo "weak scaling: 2 counties on 1 rank $(t p2-1rank) s, 4 counties on 2 ranks $(t p4-2ranks) s: efficiency $(echo "scale=2; $(t p2-1rank) / $(t p4-2ranks)" | bc)"
for f in overlaps.csv parcels.csv; do
  cmp -s "$OUT/p4-1rank/$f" "$OUT/p4-2ranks/$f" && echo "identical: $f (1 and 2 ranks)" || echo "DIFFERENT: $f"
done
cmp -s "$OUT/p2-plain/parcels.csv" "$OUT/p2-2ranks/parcels.csv" && echo "identical: parcels.csv (no MPI and 2 ranks)" || echo "DIFFERENT: p2 parcels.csv"
