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
# output), REPEAT (1; the fastest run is reported), THREADS (1 per rank), SIZES (counties per
# province, "2 4"; e.g. "2 4 8").
set -euo pipefail
cd "$(dirname "$0")/.."
SITEPLAN="${SITEPLAN:-$PWD/build/siteplan}"
P="${PROVINCE_DIR:-/tmp/sp-province}"
OUT="${OUT:-/tmp/sp-mpi-bench}"
GPKG="${GPKG:-0}" REPEAT="${REPEAT:-1}" THREADS="${THREADS:-1}" SIZES="${SIZES:-2 4}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
for n in $SIZES; do
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
  local cpu="" line=""
  for ((i = 0; i < REPEAT; i++)); do
    rm -rf "$OUT/$name"
    local launch=()
    [[ $ranks == 0 ]] || launch=(mpirun --oversubscribe --bind-to none -n "$ranks")
    /usr/bin/time -f "%e %U %S %M" -o "$OUT/$name.time" "${launch[@]}" "$SITEPLAN" "${args[@]}" \
      --out "$OUT/$name" >"$OUT/$name.out" 2>"$OUT/$name.log" || true
    local s
    s=$(cut -d' ' -f1 "$OUT/$name.time")
    if [[ -z "$best" ]] || (( $(echo "$s < $best" | bc) )); then
      best=$s
      cpu=$(awk '{printf "%.2f", $2 + $3}' "$OUT/$name.time")
      line=$(grep -h 'MPI:' "$OUT/$name.log" | sed 's/^MPI: //' || true)
    fi
  done
  grep -q "parcels:" "$OUT/$name.out" || { echo "$name failed:"; tail -5 "$OUT/$name.log"; exit 1; }
  printf "%-12s %7.2f s wall %7.2f s CPU (load %s)  %s\n" "$name" "$best" "$cpu" \
    "$(cut -d' ' -f1 /proc/loadavg)" "$line"
  # The slowest rank's CPU up to its shard's end, and rank 0's time after it (merge + writing):
  # the wall time this run would take with a core per rank to itself.
  local dedicated="$cpu"
  if [[ -n "$line" ]]; then
    dedicated=$(sed -E 's/.*CPU ([0-9. /]+) s\); the last at ([0-9.]+) s.*written at ([0-9.]+) s.*/\1 \2 \3/' <<<"$line" |
      awk '{m = 0; for (i = 1; i <= NF - 2; i++) if ($i != "/" && $i > m) m = $i; printf "%.2f", m + ($NF - $(NF - 1))}')
  fi
  echo "$name $best $cpu $dedicated" >>"$OUT/times.txt"
}

: >"$OUT/times.txt"
echo "siteplan $(sha256sum "$SITEPLAN" | cut -c1-12), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), GPKG=$GPKG, THREADS=$THREADS"
first=${SIZES%% *}
run "p$first-plain" "$first" 0
for n in $SIZES; do
  run "p$n-1rank" "$n" 1
  run "p$n-2ranks" "$n" 2
done
t() { awk -v n="$1" -v k="$2" '$1 == n {print $k}' "$OUT/times.txt"; }
ratio() { echo "scale=2; $1 / $2" | bc; }
for k in 2 4; do
  [[ $k == 2 ]] && what="measured wall" || what="a core per rank (CPU of the slowest rank + rank 0's merge and writing)"
  echo "-- $what"
  for n in $SIZES; do
    echo "strong, $n counties: 1 rank $(t "p$n-1rank" $k) s, 2 ranks $(t "p$n-2ranks" $k) s: speed-up $(ratio "$(t "p$n-1rank" $k)" "$(t "p$n-2ranks" $k)")x"
    [[ -n "$(t "p$((2 * n))-2ranks" $k)" ]] &&
      echo "weak: $n counties on 1 rank $(t "p$n-1rank" $k) s, $((2 * n)) on 2 ranks $(t "p$((2 * n))-2ranks" $k) s: efficiency $(ratio "$(t "p$n-1rank" $k)" "$(t "p$((2 * n))-2ranks" $k)")"
  done
done
for n in $SIZES; do
  for f in overlaps.csv parcels.csv; do
    cmp -s "$OUT/p$n-1rank/$f" "$OUT/p$n-2ranks/$f" && echo "identical: $f, $n counties (1 and 2 ranks)" || echo "DIFFERENT: $f, $n counties"
  done
done
cmp -s "$OUT/p$first-plain/parcels.csv" "$OUT/p$first-2ranks/parcels.csv" && echo "identical: parcels.csv (no MPI and 2 ranks)" || echo "DIFFERENT: p$first parcels.csv"
