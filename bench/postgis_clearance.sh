#!/usr/bin/env bash
# The clearance check of bench/run_clearance_bench.sh, done in PostGIS, for comparison.
#
# Usage: bench/postgis_clearance.sh [DATA_DIR] [OUT_DIR]
#   DATA_DIR  from bench/gen_clearance_data.py (default /tmp/siteplan-bench)
#   OUT_DIR   results (default /tmp/siteplan-bench-out/postgis):
#             overlaps_postgis.csv  parcel_id,rule_id,overlap_m2 (rows with overlap > 1e-6 m²)
#             parcels_postgis.csv   parcel_id,area_m2,status (valid/repaired/null/empty)
#             times.env             POSTGIS_LOAD_S, POSTGIS_PREP_S, POSTGIS_QUERY_S (wall),
#                                   POSTGIS_QUERY_CPU_S (CPU of all server processes), POSTGIS_MODE
#             plan.txt, query_N.log, server.log
#
# Creates a throw-away PostgreSQL 15 cluster in a temporary folder (unix socket only, no TCP),
# loads the GeoPackages with ogr2ogr (geometries as they are), repairs invalid parcels with
# ST_MakeValid(geom, 'method=structure keepcollapsed=false') + ST_CollectionExtract(..., 3)
# (what SitePlan does with GEOS), builds GiST indexes, ANALYZEs, then times the query alone.
# The cluster is stopped and deleted on exit, whatever happens.
#
# Environment: PG_MODE (split | parallel | serial, see "the query" below; default split) — how
# the 2 cores are used, like `siteplan --threads 2`; PG_WORKERS (default 1) parallel workers
# besides the leader in parallel mode; PG_REPEAT (default 1) runs the query that many times and
# reports the fastest; PG_SHARED_BUFFERS (default 2GB); PG_FORM (pieces | union-first, see
# "the query" below; default pieces).
set -euo pipefail

DATA=$(realpath "${1:-/tmp/siteplan-bench}")
OUT=${2:-/tmp/siteplan-bench-out/postgis}
PG_WORKERS=${PG_WORKERS:-1}
PG_SHARED_BUFFERS=${PG_SHARED_BUFFERS:-2GB}
PGBIN=/usr/lib/postgresql/15/bin
LAYERS=(yjjbnt stbhhx ldbh gyl sysyd dzzh)

for f in parcels.gpkg dltb.gpkg constraints.gpkg; do
  [[ -f "$DATA/$f" ]] || { echo "postgis_clearance: $DATA/$f missing; run bench/gen_clearance_data.py" >&2; exit 2; }
done
mkdir -p "$OUT"
OUT=$(realpath "$OUT")

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# --- packages --------------------------------------------------------------------------------
apt_install() {  # retries while another apt/dpkg holds the lock
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  local i
  for i in $(seq 1 30); do
    if DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "$@"; then return 0; fi
    if (( i == 1 )); then DEBIAN_FRONTEND=noninteractive $sudo apt-get update -q || true; fi
    echo "postgis_clearance: apt-get install failed (lock held?); retrying in 10 s" >&2
    sleep 10
  done
  return 1
}
need=()
for p in postgresql-15 postgresql-15-postgis-3 gdal-bin; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if ((${#need[@]})); then
  echo "postgis_clearance: installing ${need[*]}"
  apt_install "${need[@]}"
fi

# --- throw-away cluster ----------------------------------------------------------------------
WORK=$(mktemp -d /tmp/siteplan-pg.XXXXXX)
if [[ $(id -u) -eq 0 ]]; then
  chown postgres:postgres "$WORK"
  AS_PG=(runuser -u postgres --)
else
  AS_PG=()
fi
STARTED=0
cleanup() {
  local rc=$?
  if (( STARTED )); then
    cp -f "$WORK/server.log" "$OUT/server.log" 2>/dev/null || true
    "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$WORK/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"${AS_PG[@]}" "$PGBIN/initdb" -D "$WORK/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
  >"$WORK/initdb.log" 2>&1 || { cat "$WORK/initdb.log" >&2; exit 1; }
# A benchmark cluster: durability off (fsync, WAL), JIT off (it only adds compile time to these
# function-bound queries), memory sized for the 24 GiB machine.
"${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w -t 120 -o "\
 -k $WORK -c listen_addresses='' -c port=5432 \
 -c shared_buffers=$PG_SHARED_BUFFERS -c work_mem=256MB -c maintenance_work_mem=1GB \
 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c wal_level=minimal \
 -c max_wal_senders=0 -c max_wal_size=16GB -c checkpoint_timeout=1h -c jit=off \
 -c max_worker_processes=8 -c max_parallel_workers=8 \
 -c max_parallel_workers_per_gather=$PG_WORKERS -c max_parallel_maintenance_workers=1" start >/dev/null
STARTED=1

export PGHOST=$WORK PGUSER=postgres PGDATABASE=bench
psql -X -q -d postgres -c "CREATE DATABASE bench" >/dev/null
psql -X -q -c "CREATE EXTENSION postgis" >/dev/null
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
echo "postgis_clearance: $("${PSQL[@]}" -At -c "SELECT 'PostgreSQL ' || current_setting('server_version') || ', PostGIS ' || postgis_lib_version() || ', GEOS ' || postgis_geos_version()")"
PG="PG:host=$WORK dbname=bench user=postgres"

# --- load ------------------------------------------------------------------------------------
LCO=(-lco GEOMETRY_NAME=geom -lco FID=fid -lco SPATIAL_INDEX=NONE -nlt PROMOTE_TO_MULTI -gt 65536)
t0=$(now)
ogr2ogr -f PostgreSQL "$PG" "$DATA/parcels.gpkg" parcels "${LCO[@]}" &
p1=$!
ogr2ogr -f PostgreSQL "$PG" "$DATA/dltb.gpkg" dltb "${LCO[@]}" &
p2=$!
ogr2ogr -f PostgreSQL "$PG" "$DATA/constraints.gpkg" "${LAYERS[@]}" "${LCO[@]}"
wait $p1
wait $p2
t1=$(now)
LOAD_S=$(secs "$t0" "$t1")
echo "postgis_clearance: loaded in $LOAD_S s (3 ogr2ogr at once)"

# --- repair, index, analyze --------------------------------------------------------------------
{
  echo "SET client_min_messages = warning;"
  echo "ALTER TABLE parcels ADD COLUMN status text;"
  echo "UPDATE parcels SET status = CASE WHEN geom IS NULL THEN 'null' WHEN ST_IsEmpty(geom) THEN 'empty'
          WHEN ST_IsValid(geom) THEN 'valid' ELSE 'repaired' END;"
  echo "UPDATE parcels SET geom = ST_Multi(ST_CollectionExtract(
          ST_MakeValid(geom, 'method=structure keepcollapsed=false'), 3)) WHERE status = 'repaired';"
  echo "UPDATE parcels SET status = 'empty' WHERE status IN ('valid','repaired') AND NOT (ST_Area(geom) > 0);"
  echo "CREATE INDEX ON parcels USING gist (geom);"
  for l in "${LAYERS[@]}" dltb; do
    # Constraint features are generated valid; any that were not would be repaired the same way.
    echo "CREATE TEMP TABLE fixed_$l AS SELECT fid FROM $l WHERE geom IS NOT NULL AND NOT ST_IsValid(geom);"
    echo "UPDATE $l SET geom = ST_Multi(ST_CollectionExtract(
            ST_MakeValid(geom, 'method=structure keepcollapsed=false'), 3)) WHERE fid IN (SELECT fid FROM fixed_$l);"
    echo "SELECT '$l', count(*) FROM fixed_$l;"
    echo "CREATE INDEX ON $l USING gist (geom);"
  done
  echo "VACUUM ANALYZE;"
} >"$WORK/prep.sql"
t0=$(now)
"${PSQL[@]}" -At -F ' ' -f "$WORK/prep.sql" >"$WORK/prep.out"
t1=$(now)
PREP_S=$(secs "$t0" "$t1")
echo "postgis_clearance: repaired, indexed and analyzed in $PREP_S s; invalid features repaired per layer:" \
  "$(awk '{printf "%s=%s ", $1, $2}' "$WORK/prep.out")"
echo "postgis_clearance: parcels by status:" \
  "$("${PSQL[@]}" -At -F= -c "SELECT status, count(*) FROM parcels GROUP BY 1 ORDER BY 1" | tr '\n' ' ')"

# --- the query -------------------------------------------------------------------------------
# For every usable parcel and rule: area(parcel ∩ union of the rule's features), computed as the
# union of the per-feature intersections (features overlapping each other count once); for the
# dltb breakdown: per DLBM class, the sum of the areas of the per-feature intersections.
#
# PG_MODE chooses how the 2 cores are used:
#   split     (default) two sessions at once, each on half of the parcels (fid % 2), with a
#             LATERAL subquery per parcel: what `siteplan --threads 2` does, by hand;
#   parallel  one session, PostgreSQL's own parallel query (join + GROUP BY, 1 worker + leader;
#             the ST_Union finalisation runs in the leader);
#   serial    one session, LATERAL form, no parallelism (one core).
#
# PG_FORM chooses how a rule's area is written (both give the same areas):
#   pieces       (default) ST_Area(ST_Union(ST_Intersection(parcel, feature))): the union of the
#                per-feature intersections — the faster form, written for this benchmark;
#   union-first  ST_Area(ST_Intersection(parcel, ST_Union(features))): the parcel against the
#                union of the rule's features it meets, as the issue words the check.
#   both         both forms, one after the other in the same cluster; the faster is reported
#                (POSTGIS_QUERY_S, POSTGIS_FORM) beside each one's time.
PG_FORM=${PG_FORM:-pieces}
case "$PG_FORM" in
  pieces) FORMS=(pieces) ;;
  union-first) FORMS=(union-first) ;;
  both) FORMS=(pieces union-first) ;;
  *) echo "postgis_clearance: PG_FORM must be pieces, union-first or both" >&2; exit 2 ;;
esac
rule_area() {
  case "$1" in
    pieces) RULE_AREA="ST_Area(ST_Union(ST_CollectionExtract(ST_Intersection(p.geom, c.geom), 3)))" ;;
    union-first) RULE_AREA="ST_Area(ST_CollectionExtract(ST_Intersection(p.geom, ST_Union(c.geom)), 3))" ;;
  esac
}
lateral_sql() {  # $1 = suffix of the result tables, $2 = extra parcel condition
  local l
  for l in "${LAYERS[@]}"; do
    cat <<SQL
CREATE UNLOGGED TABLE r_$l$1 AS
SELECT p.xmbh AS parcel_id, '$l'::text AS rule_id, x.overlap_m2
FROM parcels p
CROSS JOIN LATERAL (
  SELECT $RULE_AREA AS overlap_m2
  FROM $l c WHERE ST_Intersects(p.geom, c.geom)) x
WHERE p.status IN ('valid','repaired') $2 AND x.overlap_m2 IS NOT NULL;
SQL
  done
  cat <<SQL
CREATE UNLOGGED TABLE r_dltb$1 AS
SELECT p.xmbh AS parcel_id, 'dltb:' || x.dlbm AS rule_id, x.overlap_m2
FROM parcels p
CROSS JOIN LATERAL (
  SELECT d.dlbm, sum(ST_Area(ST_Intersection(p.geom, d.geom))) AS overlap_m2
  FROM dltb d WHERE ST_Intersects(p.geom, d.geom) GROUP BY d.dlbm) x
WHERE p.status IN ('valid','repaired') $2;
SQL
}
join_sql() {
  local l
  echo "SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;"
  echo "SET min_parallel_table_scan_size = 0; SET min_parallel_index_scan_size = 0;"
  for l in "${LAYERS[@]}"; do
    cat <<SQL
CREATE UNLOGGED TABLE r_$l AS
SELECT p.xmbh AS parcel_id, '$l'::text AS rule_id, $RULE_AREA AS overlap_m2
FROM parcels p JOIN $l c ON ST_Intersects(p.geom, c.geom)
WHERE p.status IN ('valid','repaired') GROUP BY p.fid;
SQL
  done
  cat <<SQL
CREATE UNLOGGED TABLE r_dltb AS
SELECT p.xmbh AS parcel_id, 'dltb:' || d.dlbm AS rule_id, sum(ST_Area(ST_Intersection(p.geom, d.geom))) AS overlap_m2
FROM parcels p JOIN dltb d ON ST_Intersects(p.geom, d.geom)
WHERE p.status IN ('valid','repaired') GROUP BY p.xmbh, d.dlbm;
SQL
}
PG_MODE=${PG_MODE:-split}
make_sql() {  # the statements of form $1, for PG_MODE
  rule_area "$1"
case "$PG_MODE" in
  split)
    lateral_sql _0 "AND p.fid % 2 = 0" >"$WORK/query_0.sql"
    lateral_sql _1 "AND p.fid % 2 = 1" >"$WORK/query_1.sql"
    PARTS=("$WORK/query_0.sql" "$WORK/query_1.sql")
    TABLES=$(for l in "${LAYERS[@]}" dltb; do printf "r_%s_0 r_%s_1 " "$l" "$l"; done) ;;
  parallel)
    join_sql >"$WORK/query.sql"
    PARTS=("$WORK/query.sql")
    TABLES=$(printf "r_%s " "${LAYERS[@]}")"r_dltb" ;;
  serial)
    { echo "SET max_parallel_workers_per_gather = 0;"; lateral_sql "" ""; } >"$WORK/query.sql"
    PARTS=("$WORK/query.sql")
    TABLES=$(printf "r_%s " "${LAYERS[@]}")"r_dltb" ;;
  *) echo "postgis_clearance: PG_MODE must be split, parallel or serial" >&2; exit 2 ;;
esac
# The plans, for the record (not timed).
echo "-- PG_FORM=$1" >>"$OUT/plan.txt"
for q in "${PARTS[@]}"; do
  sed -e 's/^CREATE UNLOGGED TABLE r_[a-z_0-9]* AS$/EXPLAIN/' "$q" | "${PSQL[@]}" >>"$OUT/plan.txt"
done
}

# CPU time of the server's processes: backends and parallel workers are children of the
# postmaster, so their CPU is added to its cutime + cstime once they have exited.
PMPID=$(head -1 "$WORK/data/postmaster.pid")
TCK=$(getconf CLK_TCK)
children_cpu() {
  local i
  for i in $(seq 1 50); do  # wait until the finished sessions' backends are gone
    ps --ppid "$PMPID" -o args= | grep -q "postgres: postgres bench" || break
    sleep 0.1
  done
  awk -v t="$TCK" '{ sub(/^.*\) /, ""); printf "%.2f", ($14 + $15) / t }' "/proc/$PMPID/stat"
}
PG_REPEAT=${PG_REPEAT:-1}
QUERY_S="" QUERY_CPU_S="" ALL_S="" BEST_FORM="" FORM_TIMES=""
: >"$OUT/plan.txt"
for form in "${FORMS[@]}"; do
make_sql "$form"
FORM_S="" FORM_CPU_S="" FORM_RUNS=""
for ((run = 1; run <= PG_REPEAT; run++)); do
  if [[ -n "$ALL_S" ]]; then  # drop the previous run's results
    for t in $TABLES; do echo "DROP TABLE $t;"; done | "${PSQL[@]}"
  fi
  cpu0=$(children_cpu)
  t0=$(now)
  i=0
  pids=()
  for q in "${PARTS[@]}"; do
    "${PSQL[@]}" -c '\timing on' -f "$q" >"$WORK/query_$i.log" &
    pids+=($!)
    i=$((i + 1))
  done
  for p in "${pids[@]}"; do wait "$p"; done
  t1=$(now)
  wall=$(secs "$t0" "$t1")
  cpu1=$(children_cpu)
  cpu=$(secs "$cpu0" "$cpu1")
  echo "postgis_clearance: query (6 rules + dltb breakdown, PG_MODE=$PG_MODE, PG_FORM=$form) run $run: $wall s wall, $cpu s CPU"
  for ((j = 0; j < i; j++)); do
    echo "  session $j, per statement (s):" \
      "$(grep -o 'Time: [0-9.]* ms' "$WORK/query_$j.log" | awk '$2 > 5 {printf "%.1f ", $2/1000}')"
  done
  ALL_S+="${ALL_S:+ }$wall"
  FORM_RUNS+="${FORM_RUNS:+ }$wall"
  if [[ -z "$FORM_S" ]] || awk -v a="$wall" -v b="$FORM_S" 'BEGIN { exit !(a < b) }'; then
    FORM_S=$wall
    FORM_CPU_S=$cpu
  fi
  if [[ -z "$QUERY_S" ]] || awk -v a="$wall" -v b="$QUERY_S" 'BEGIN { exit !(a < b) }'; then
    QUERY_S=$wall
    QUERY_CPU_S=$cpu
    BEST_FORM=$form
    for ((j = 0; j < i; j++)); do cp "$WORK/query_$j.log" "$OUT/query_$j.log"; done
  fi
done
(( PG_REPEAT > 1 )) && echo "postgis_clearance: PG_FORM=$form, best of $PG_REPEAT runs ($FORM_RUNS): $FORM_S s wall, $FORM_CPU_S s CPU"
FORM_TIMES+="${FORM_TIMES:+ }$form=$FORM_S"
done

# --- results ---------------------------------------------------------------------------------
UNION=""
for t in $TABLES; do UNION+="${UNION:+ UNION ALL }SELECT * FROM $t"; done
"${PSQL[@]}" -c "\\copy (SELECT parcel_id, rule_id, overlap_m2 FROM ($UNION) r WHERE overlap_m2 > 1e-6 ORDER BY parcel_id, rule_id) TO '$OUT/overlaps_postgis.csv' CSV HEADER"
"${PSQL[@]}" -c "\\copy (SELECT xmbh AS parcel_id, CASE WHEN status IN ('valid','repaired') THEN ST_Area(geom) ELSE 0 END AS area_m2, status FROM parcels ORDER BY xmbh) TO '$OUT/parcels_postgis.csv' CSV HEADER"
cat >"$OUT/times.env" <<EOF
POSTGIS_LOAD_S=$LOAD_S
POSTGIS_PREP_S=$PREP_S
POSTGIS_QUERY_S=$QUERY_S
POSTGIS_QUERY_CPU_S=$QUERY_CPU_S
POSTGIS_MODE=$PG_MODE
POSTGIS_FORM=$BEST_FORM
POSTGIS_FORM_TIMES="$FORM_TIMES"
POSTGIS_QUERY_RUNS="$ALL_S"
EOF
echo "postgis_clearance: $(($(wc -l <"$OUT/overlaps_postgis.csv") - 1)) overlap rows -> $OUT/overlaps_postgis.csv"
echo "POSTGIS_LOAD_S=$LOAD_S"
echo "POSTGIS_PREP_S=$PREP_S"
echo "POSTGIS_QUERY_S=$QUERY_S"
echo "POSTGIS_QUERY_CPU_S=$QUERY_CPU_S"
