#!/usr/bin/env bash
# Batch land-clearance benchmark: SitePlan against PostGIS on the same synthetic county.
#
# Usage: bench/run_clearance_bench.sh            (see bench/README.md)
#
# Environment (all optional):
#   SCALE         county (default) | m | l: the data set's scale (gen_clearance_data.py --scale);
#                 m and l have the density of a real 三调 in a farmed basin
#   BENCH_DATA    data folder (default /tmp/siteplan-bench, or /tmp/siteplan-bench-m / -l);
#                 generated when it has no manifest.json
#   BENCH_OUT     results folder (default /tmp/siteplan-bench-out)
#   SITEPLAN      the binary (default build/siteplan of this repository; it is never built here)
#   THREADS       siteplan --threads (default 2)
#   GPKG          1 (default) lets siteplan write clearance.gpkg too; 0 passes --no-gpkg
#   PIECES        siteplan --pieces (default rules: the GeoPackage holds each rule's conflict area)
#   PG_MODE       split | parallel | serial, see postgis_clearance.sh (default split)
#   PG_FORM       pieces | union-first | both: how PostGIS writes a rule's area (default both:
#                 each is timed and the faster is the reference)
#   SITEPLAN_TIMEOUT  seconds before a siteplan run is given up as hung (default 1800)
#   REPEAT        runs of SitePlan and of the PostGIS query (default 1); the fastest is reported
#   PHASES        1 (default) adds one untimed SitePlan run with -v to split its time into phases
#   SKIP_POSTGIS  1 runs SitePlan only
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SCALE=${SCALE:-county}
SUFFIX=""
[[ "$SCALE" != county ]] && SUFFIX="-$SCALE"
DATA=${BENCH_DATA:-/tmp/siteplan-bench$SUFFIX}
OUT=${BENCH_OUT:-/tmp/siteplan-bench-out$SUFFIX}
PIECES=${PIECES:-rules}
export PG_FORM=${PG_FORM:-both}
SITEPLAN=${SITEPLAN:-$REPO/build/siteplan}
THREADS=${THREADS:-2}
GPKG=${GPKG:-1}
SKIP_POSTGIS=${SKIP_POSTGIS:-0}
REPEAT=${REPEAT:-1}
SITEPLAN_TIMEOUT=${SITEPLAN_TIMEOUT:-1800}
PHASES=${PHASES:-1}
PY=/usr/bin/python3  # Debian's, for python3-gdal

[[ -x "$SITEPLAN" ]] || { echo "run_clearance_bench: no siteplan binary at $SITEPLAN (build it first, or set SITEPLAN)" >&2; exit 2; }
mkdir -p "$OUT"

apt_install() {  # retries while another apt/dpkg holds the lock
  local sudo="" i
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  for i in $(seq 1 30); do
    if DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "$@"; then return 0; fi
    if (( i == 1 )); then DEBIAN_FRONTEND=noninteractive $sudo apt-get update -q || true; fi
    echo "run_clearance_bench: apt-get install failed (lock held?); retrying in 10 s" >&2
    sleep 10
  done
  return 1
}
need=()
for p in python3-gdal python3-numpy python3-scipy gdal-bin time; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if ((${#need[@]})); then
  echo "run_clearance_bench: installing ${need[*]}"
  apt_install "${need[@]}"
fi

# Field "Elapsed (wall clock) time" of GNU time -v is h:mm:ss or m:ss.ss; printed in seconds.
wall_s() {
  sed -n 's/.*Elapsed (wall clock) time.*: //p' "$1" |
    awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }'
}
field() { sed -n "s/.*$2: //p" "$1"; }

# --- data ------------------------------------------------------------------------------------
GEN_S="(existing data)"
if [[ ! -f "$DATA/manifest.json" ]]; then
  echo "== generating the data set in $DATA"
  t0=$(date +%s.%N)
  "$PY" "$HERE/gen_clearance_data.py" "$DATA" --scale "$SCALE"
  GEN_S=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }')
fi
"$PY" - "$DATA/manifest.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
print(f"== data set {sys.argv[1].rsplit('/', 1)[0]} (seed {m['seed']}, generated in {m['total_s']} s)")
for k, v in m["layers"].items():
    print(f"   {k:8s} {v['features']:>9,} features {v['vertices']:>12,} vertices (max {v['max_vertices_per_feature']:,})")
EOF

# --- SitePlan --------------------------------------------------------------------------------
D=$DATA
SP_OUT=$OUT/siteplan
SP_RUNS=""
ARGS=(-q clearance --parcels "$D/parcels.gpkg:parcels" --id-field XMBH
      --constraint "yjjbnt=$D/constraints.gpkg:yjjbnt"
      --constraint "stbhhx=$D/constraints.gpkg:stbhhx"
      --constraint "ldbh=$D/constraints.gpkg:ldbh:approval"
      --constraint "gyl=$D/constraints.gpkg:gyl:approval"
      --constraint "sysyd=$D/constraints.gpkg:sysyd"
      --constraint "dzzh=$D/constraints.gpkg:dzzh:approval"
      --breakdown "dltb=$D/dltb.gpkg:dltb:DLBM"
      --out "$SP_OUT" --threads "$THREADS" --pieces "$PIECES")
[[ "$GPKG" == 0 ]] && ARGS+=(--no-gpkg)

# The floor: merely reading every input (GDAL decodes each feature into memory, nothing else).
t0=$(date +%s.%N)
for f in parcels.gpkg constraints.gpkg dltb.gpkg; do
  ogr2ogr -f Memory /tmp/siteplan-bench-floor "$D/$f"
done
READ_S=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
echo "== reading the inputs alone (ogr2ogr -f Memory, one core): $READ_S s"
SP_ID="$(sha256sum "$SITEPLAN" | cut -c1-12), built $(date -u -r "$SITEPLAN" '+%Y-%m-%d %H:%M:%S UTC')"
echo "== SitePlan ($("$SITEPLAN" --version), binary sha256 $SP_ID): $SITEPLAN ${ARGS[*]}"
SP_WALL=""
for ((run = 1; run <= REPEAT; run++)); do
  rm -rf "$SP_OUT"
  echo "   run $run, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/time -v -o "$OUT/siteplan.time.$run" timeout "$SITEPLAN_TIMEOUT" "$SITEPLAN" "${ARGS[@]}" \
    >"$OUT/siteplan.stdout" 2>"$OUT/siteplan.stderr" || {
    echo "run_clearance_bench: siteplan failed or took longer than $SITEPLAN_TIMEOUT s:" >&2
    cat "$OUT/siteplan.stderr" >&2; exit 1; }
  sed 's/^/   /' "$OUT/siteplan.stdout"
  wall=$(wall_s "$OUT/siteplan.time.$run")
  rss=$(field "$OUT/siteplan.time.$run" "Maximum resident set size (kbytes)" | awk '{ printf "%.0f", $1 / 1024 }')
  cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$OUT/siteplan.time.$run")
  echo "   wall $wall s, CPU $cpu s, peak RSS $rss MiB"
  SP_RUNS+="${SP_RUNS:+ }$wall"
  if [[ -z "$SP_WALL" ]] || awk -v a="$wall" -v b="$SP_WALL" 'BEGIN { exit !(a < b) }'; then
    SP_WALL=$wall SP_CPU=$cpu SP_RSS_MB=$rss
    cp "$OUT/siteplan.time.$run" "$OUT/siteplan.time"
  fi
done
(( REPEAT > 1 )) && echo "   best of $REPEAT runs ($SP_RUNS): $SP_WALL s wall, $SP_CPU s CPU, peak RSS $SP_RSS_MB MiB"

# Where SitePlan's time goes: one more run (not timed above) with -v, whose progress lines
# give the time of each phase.
SP_PHASES=""
if [[ "$PHASES" == 1 ]]; then
  rm -rf "$SP_OUT.v"
  VARGS=(-v "${ARGS[@]:1}")
  VARGS=("${VARGS[@]/#$SP_OUT/$SP_OUT.v}")
  timeout "$SITEPLAN_TIMEOUT" "$SITEPLAN" "${VARGS[@]}" >"$OUT/siteplan-v.stdout" 2>"$OUT/siteplan-v.stderr" || true
  SP_PHASES=$({ tr '\r' '\n' <"$OUT/siteplan-v.stderr"; cat "$OUT/siteplan-v.stdout"; } | awk '
    function secs(s) { match(s, /[0-9.]+ s[),]/); return substr(s, RSTART, RLENGTH - 3) + 0 }
    /^loading .* done \(/        { load += secs($0) }
    /^checking parcels done \(/  { check = secs($0) }
    /^[0-9]+ parcels: .* s, [0-9]+ threads\)/ { total = secs($0) }
    END { if (total > 0) printf "reading+repair %.1f s, checking parcels %.1f s, writing+other %.1f s (of %.1f s)",
                                load, check, total - load - check, total }')
  rm -rf "$SP_OUT.v"
  echo "   phases (extra run with -v): $SP_PHASES"
fi

if [[ "$SKIP_POSTGIS" == 1 ]]; then exit 0; fi

# --- PostGIS ---------------------------------------------------------------------------------
echo "== PostGIS"
echo "   load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
set +e
PG_REPEAT=$REPEAT bash "$HERE/postgis_clearance.sh" "$DATA" "$OUT/postgis" 2>&1 | tee "$OUT/postgis.log" | grep -v '^POSTGIS_' | sed 's/^/   /'
PG_RC=${PIPESTATUS[0]}
set -e
(( PG_RC == 0 )) || { echo "run_clearance_bench: postgis_clearance.sh failed (see $OUT/postgis.log)" >&2; exit 1; }
# shellcheck disable=SC1091
source "$OUT/postgis/times.env"

# --- agreement -------------------------------------------------------------------------------
echo "== agreement (1e-6 relative, or 1e-3 m² absolute)"
set +e
"$PY" "$HERE/compare_overlaps.py" "$SP_OUT/overlaps.csv" "$OUT/postgis/overlaps_postgis.csv" \
  --parcels "$SP_OUT/parcels.csv" "$OUT/postgis/parcels_postgis.csv" >"$OUT/compare.txt"
CMP_RC=$?
set -e
sed 's/^/   /' "$OUT/compare.txt"

# --- summary ---------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
PG_TOTAL=$(awk -v a="$POSTGIS_LOAD_S" -v b="$POSTGIS_PREP_S" -v c="$POSTGIS_QUERY_S" 'BEGIN { printf "%.2f", a + b + c }')
{
  echo "== summary ($(nproc) cores; siteplan --threads $THREADS; PostGIS PG_MODE=$POSTGIS_MODE PG_FORM=${POSTGIS_FORM:-pieces}; best of $REPEAT)"
  echo "   siteplan binary                 sha256 $SP_ID"
  echo "   data generation                 $GEN_S"
  echo "   reading the inputs (the floor)  $READ_S s (ogr2ogr -f Memory, one core)"
  echo "   SitePlan end to end             $SP_WALL s wall, $SP_CPU s CPU, peak RSS $SP_RSS_MB MiB (runs: $SP_RUNS)"
  [[ -n "$SP_PHASES" ]] && echo "     of which                      $SP_PHASES"
  echo "   PostGIS load (ogr2ogr)          $POSTGIS_LOAD_S s"
  echo "   PostGIS repair+index+analyze    $POSTGIS_PREP_S s"
  echo "   PostGIS query alone             $POSTGIS_QUERY_S s wall, $POSTGIS_QUERY_CPU_S s CPU (best form $POSTGIS_FORM; $POSTGIS_FORM_TIMES; runs: $POSTGIS_QUERY_RUNS)"
  echo "   speed ratio, PostGIS query / SitePlan end to end:          $(ratio "$POSTGIS_QUERY_S" "$SP_WALL")x (wall), $(ratio "$POSTGIS_QUERY_CPU_S" "$SP_CPU")x (CPU)"
  echo "   speed ratio, PostGIS load+prep+query / SitePlan end to end: $(ratio "$PG_TOTAL" "$SP_WALL")x"
  echo "   agreement: $(tail -1 "$OUT/compare.txt")"
} | tee "$OUT/summary.txt"
exit $CMP_RC
