#!/usr/bin/env bash
# `mpirun -n N siteplan clearance`: the sharded run writes the very bytes of the one-process run
# (CSVs, Excel tables, report, every GeoPackage row and geometry blob), on the test data and on the
# Heqing sample; one rank changes nothing; bad input stops every rank with one message (exit 2);
# a rank that fails stops the run (non-zero exit, nothing visible written). `mpirun -n N siteplan
# suitability` (the map in row bands) writes the one-process bytes too, on the test project and on
# the Heqing sample's profiles.
source "$(dirname "$0")/lib.sh" "$@"
export SOURCE_DATE_EPOCH=1767225600
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1  # CI runs as root
MPIEXEC="${SITEPLAN_MPIEXEC:-mpirun}"
command -v "$MPIEXEC" >/dev/null || { echo "FAIL: $MPIEXEC not found (apt install openmpi-bin)"; exit 1; }
mpi() { local n="$1"; shift; "$MPIEXEC" --oversubscribe -n "$n" "$@"; }
PY=/usr/bin/python3

# Every table of a GeoPackage, rows in fid order, blobs as hex (gpkg_contents' timestamps left
# out: they are the time of writing).
gpkg_dump() {
  "$PY" - "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
    if t in ("gpkg_contents", "sqlite_sequence"):
        continue
    print("==", t)
    for row in db.execute(f'SELECT * FROM "{t}" ORDER BY 1'):
        print("|".join(r.hex() if isinstance(r, bytes) else repr(r) for r in row))
db.execute("SELECT 1")
PY
}

# same A B LABEL: every output file of two clearance runs has the same bytes.
same() {
  local a="$1" b="$2" label="$3" f ok=1
  [[ "$(ls "$a")" == "$(ls "$b")" ]] || { fail "$label: files differ: $(ls "$a") / $(ls "$b")"; return; }
  for f in $(ls "$a"); do
    [[ -d "$a/$f" ]] && continue # tiles/: same_tree
    if [[ $f == *.gpkg ]]; then
      gpkg_dump "$a/$f" >"$WORK/da" && gpkg_dump "$b/$f" >"$WORK/db" || { fail "$label: cannot read $f"; ok=0; continue; }
      [[ $(grep -c . "$WORK/da") -gt 10 ]] || { fail "$label: $f dump is empty"; ok=0; }
      cmp -s "$WORK/da" "$WORK/db" || { fail "$label: $f rows differ"; diff "$WORK/da" "$WORK/db" | head -5; ok=0; }
    else
      cmp -s "$a/$f" "$b/$f" || { fail "$label: $f differs"; ok=0; }
    fi
  done
  [[ $ok == 1 ]] && echo "ok: $label: $(ls "$a" | wc -l) files identical"
}

R=(--parcels data/parcels.gpkg:parcels --id-field XMBH --name-field XMMC --rules data/clearance_rules.toml)
"$SITEPLAN" -q clearance "${R[@]}" --out "$WORK/one" >/dev/null || fail "one process exit $?"
mpi 3 "$SITEPLAN" -q clearance "${R[@]}" --out "$WORK/m3" >"$WORK/m3.out" || fail "3 ranks exit $?"
same "$WORK/one" "$WORK/m3" "test data, 3 ranks"
grep -q "3 MPI ranks" "$WORK/m3.out" && [[ $(grep -c "parcels:" "$WORK/m3.out") == 1 ]] \
  && echo "ok: one summary, from rank 0" || fail "summary: $(cat "$WORK/m3.out")"
# The golden files of the one-process test hold for the sharded run too.
cmp -s "$WORK/m3/overlaps.csv" "$TESTS/cli/golden/clearance_overlaps.csv" \
  && cmp -s "$WORK/m3/parcels.csv" "$TESTS/cli/golden/clearance_parcels.csv" \
  && echo "ok: golden CSVs" || fail "3 ranks differ from the golden CSVs"
mpi 1 "$SITEPLAN" -q clearance "${R[@]}" --out "$WORK/m1" >/dev/null || fail "1 rank exit $?"
same "$WORK/one" "$WORK/m1" "test data, 1 rank"
# More ranks than some shards have parcels for, kept fields and a group summary.
mpi 4 "$SITEPLAN" -q clearance "${R[@]}" --keep-fields XMMC --group-field XMMC --no-xlsx --out "$WORK/m4" >/dev/null || fail "4 ranks exit $?"
"$SITEPLAN" -q clearance "${R[@]}" --keep-fields XMMC --group-field XMMC --no-xlsx --out "$WORK/one4" >/dev/null || fail "one4 exit $?"
same "$WORK/one4" "$WORK/m4" "kept fields and groups, 4 ranks"
# More ranks than parcels: some shards are empty.
mpi 11 "$SITEPLAN" -q clearance "${R[@]}" --out "$WORK/m11" >/dev/null || fail "11 ranks exit $?"
same "$WORK/one" "$WORK/m11" "11 ranks for 9 parcels"
# Without the GeoPackage only numbers travel.
mpi 2 "$SITEPLAN" -q clearance "${R[@]}" --no-gpkg --out "$WORK/m2" >/dev/null || fail "no-gpkg exit $?"
"$SITEPLAN" -q clearance "${R[@]}" --no-gpkg --out "$WORK/one2" >/dev/null
same "$WORK/one2" "$WORK/m2" "--no-gpkg, 2 ranks"

# Unchecked parcels: the same exit code 3 from every rank.
mpi 3 "$SITEPLAN" -q clearance "${R[@]}" --coverage data/constraints.gpkg:yjjbnt --out "$WORK/cov3" >/dev/null 2>&1; rc=$?
"$SITEPLAN" -q clearance "${R[@]}" --coverage data/constraints.gpkg:yjjbnt --out "$WORK/cov1" >/dev/null 2>&1; rc1=$?
[[ $rc == 3 && $rc1 == 3 ]] && echo "ok: unchecked exit 3" || fail "unchecked: exit $rc (one process $rc1)"
same "$WORK/cov1" "$WORK/cov3" "unchecked parcels, 3 ranks"

# The Heqing sample of scripts/demo.sh (park and PV parcels).
H="$ROOT/samples/heqing"
for set in park_sites:clearance pv_sites:clearance-pv; do
  layer="${set%%:*}" rules="${set##*:}"
  A=(--parcels "$H/heqing.gpkg:$layer" --id-field XMBH --name-field XMMC --rules "$H/$rules.toml")
  "$SITEPLAN" -q clearance "${A[@]}" --out "$WORK/h1-$layer" >/dev/null 2>&1; rc1=$?
  mpi 3 "$SITEPLAN" -q clearance "${A[@]}" --out "$WORK/h3-$layer" >/dev/null 2>&1; rc3=$?
  [[ $rc1 == "$rc3" && -s "$WORK/h1-$layer/parcels.csv" ]] || fail "heqing $layer: exit $rc1 vs $rc3"
  same "$WORK/h1-$layer" "$WORK/h3-$layer" "Heqing $layer, 3 ranks"
done

# Bad input: every rank finds it before reading; one message, exit 2, nothing written.
rm -rf "$WORK/bad"
mpi 3 "$SITEPLAN" -q clearance "${R[@]/XMBH/XMBHH}" --out "$WORK/bad" >/dev/null 2>"$WORK/bad.err"; rc=$?
[[ $rc == 2 ]] && [[ $(grep -c "did you mean 'XMBH'" "$WORK/bad.err") == 1 ]] && [[ ! -e "$WORK/bad" ]] \
  && echo "ok: bad input, one message, exit 2" || fail "bad input: exit $rc: $(cat "$WORK/bad.err")"

# A rank that fails stops every rank: a message naming it, non-zero exit, no finished outputs.
for k in 1 0; do
  rm -rf "$WORK/fail"
  SITEPLAN_MPI_FAIL_RANK=$k mpi 3 "$SITEPLAN" -q clearance "${R[@]}" --out "$WORK/fail" >/dev/null 2>"$WORK/fail.err"; rc=$?
  [[ $rc == 1 ]] && grep -q "rank $k of 3: SITEPLAN_MPI_FAIL_RANK" "$WORK/fail.err" \
    && [[ -z "$(ls "$WORK/fail" 2>/dev/null)" ]] \
    && echo "ok: rank $k fails, the run stops (exit 1)" || fail "failing rank $k: exit $rc: $(head -5 "$WORK/fail.err"); $(ls "$WORK/fail" 2>/dev/null)"
done
# Suitability under mpirun: every rank computes a band of the map (its factors' halos across the
# seams), rank 0 gathers it and writes the one-process outputs byte for byte — the map, the
# factor stack, candidates (derived regions across seams), ranking, report — printed once. 20
# ranks for the grid's 18 rows: some bands are empty.
"$SITEPLAN" -q suitability data/suit_project.toml --out "$WORK/s1" >/dev/null || fail "suitability exit $?"
for n in 2 3 5 20; do
  mpi $n "$SITEPLAN" suitability data/suit_project.toml --out "$WORK/s$n" >"$WORK/s$n.out" 2>"$WORK/s$n.err" || fail "suitability $n ranks exit $?"
  same "$WORK/s1" "$WORK/s$n" "suitability, $n ranks"
  [[ $(grep -c "candidates ranked" "$WORK/s$n.out") == 1 ]] && grep -q "MPI: $n ranks; the map from" "$WORK/s$n.err" \
    && ! grep -q "not sharded" "$WORK/s$n.err" \
    && echo "ok: suitability in $n bands, summary once" || fail "suitability $n ranks: $(cat "$WORK/s$n.out" "$WORK/s$n.err")"
done
# The Heqing sample's profiles (slope, aspect, distances, categories; given and derived sites).
for profile in beiya-park pv-ground; do
  "$SITEPLAN" -q suitability "$H/$profile.toml" --out "$WORK/hs1-$profile" >/dev/null 2>&1 || fail "heqing $profile exit $?"
  for n in 2 3; do
    mpi $n "$SITEPLAN" -q suitability "$H/$profile.toml" --out "$WORK/hs$n-$profile" >/dev/null 2>&1 || fail "heqing $profile, $n ranks exit $?"
    same "$WORK/hs1-$profile" "$WORK/hs$n-$profile" "suitability Heqing $profile, $n ranks"
  done
done
# --map-tiles: the map and the factors as tiles of 256 rows + VRTs, written by the ranks (each
# the tiles starting in its band, with rows from the next ranks). One process and 2, 3, 5 ranks
# write the same files, tiles included; the VRTs' cells equal the single files' bit for bit. The
# map-only run (no candidates) sends rank 0 nothing of the map; pv-ground (given parcels) still
# gathers it for the candidates.
same_tree() {
  diff -r -q -x '*.gpkg' "$1" "$2" >"$WORK/tree.diff" && echo "ok: $3: $(find "$1" -type f | wc -l) files identical" \
    || fail "$3: $(head -3 "$WORK/tree.diff")"
}
same_cells() {
  "$PY" - "$@" <<'PY' && echo "ok: $3: the VRT's cells are the .tif's" || fail "$3: cells differ"
import sys
from osgeo import gdal
a, b = gdal.Open(sys.argv[1]), gdal.Open(sys.argv[2])
assert a.RasterCount == b.RasterCount and a.GetGeoTransform() == b.GetGeoTransform()
for k in range(1, a.RasterCount + 1):
    x, y = a.GetRasterBand(k), b.GetRasterBand(k)
    assert x.ReadRaster() == y.ReadRaster(), k
    assert x.GetDescription() == y.GetDescription() and x.GetNoDataValue() == y.GetNoDataValue()
PY
}
cat >"$WORK/pv-map.toml" <<EOF
profile = ["$H/layers.toml", "$ROOT/layers/pv-ground.toml"]
[project]
name = "map only"
[suitability]
derive = false
EOF
"$SITEPLAN" -q suitability "$WORK/pv-map.toml" --out "$WORK/pm1" >/dev/null 2>&1 || fail "map-only exit $?"
"$SITEPLAN" -q suitability "$WORK/pv-map.toml" --out "$WORK/pt1" --map-tiles 256 >/dev/null 2>&1 || fail "map-only tiles exit $?"
[[ -f "$WORK/pt1/suitability.vrt" && ! -e "$WORK/pt1/suitability.tif" && $(ls "$WORK/pt1/tiles" | wc -l) -gt 20 ]] \
  && echo "ok: --map-tiles writes tiles and VRTs" || fail "--map-tiles: $(ls "$WORK/pt1" "$WORK/pt1/tiles")"
same_cells "$WORK/pm1/suitability.tif" "$WORK/pt1/suitability.vrt" "map-only suitability"
same_cells "$WORK/pm1/factors.tif" "$WORK/pt1/factors.vrt" "map-only factors"
for n in 2 3 5; do
  mpi $n "$SITEPLAN" -v suitability "$WORK/pv-map.toml" --out "$WORK/pt$n" --map-tiles 256 >/dev/null 2>"$WORK/pt$n.err" || fail "map-only tiles, $n ranks exit $?"
  same_tree "$WORK/pt1" "$WORK/pt$n" "map-only tiles, $n ranks"
  grep -q "every rank's checks in" "$WORK/pt$n.err" && echo "ok: map-only tiles, $n ranks: the map stayed on the ranks" \
    || fail "map-only tiles, $n ranks: $(grep MPI: "$WORK/pt$n.err")"
done
# With candidates and tiles no rank holds the whole map: the candidates are shared out (the rank
# of a candidate's first cell derives, scores and checks it; regions joined across the seams by
# the union-find). Every file equals one process's, GeoPackage rows included: pv-ground (given
# parcels and derived regions), beiya-park (AHP, derived regions, some crossing the seams), the
# test project on 20 ranks for its 18 rows (empty bands inside a region).
"$SITEPLAN" -q suitability "$H/pv-ground.toml" --out "$WORK/gt1" --map-tiles 512 >/dev/null 2>&1 || fail "pv-ground tiles exit $?"
same_cells "$WORK/hs1-pv-ground/suitability.tif" "$WORK/gt1/suitability.vrt" "pv-ground suitability"
cmp -s "$WORK/hs1-pv-ground/ranking.csv" "$WORK/gt1/ranking.csv" && echo "ok: pv-ground tiles: the ranking of the single files" \
  || fail "pv-ground tiles: ranking differs"
for n in 2 3; do
  mpi $n "$SITEPLAN" -v suitability "$H/pv-ground.toml" --out "$WORK/gt$n" --map-tiles 512 >/dev/null 2>"$WORK/gt$n.err" || fail "pv-ground tiles, $n ranks exit $?"
  same_tree "$WORK/gt1" "$WORK/gt$n" "pv-ground tiles, $n ranks"
  same "$WORK/gt1" "$WORK/gt$n" "pv-ground candidates shared out, $n ranks"
  grep -q "candidates shared out" "$WORK/gt$n.err" && echo "ok: pv-ground, $n ranks: no rank gathered the map" || fail "pv-ground $n ranks: $(grep MPI: "$WORK/gt$n.err")"
done
"$SITEPLAN" -q suitability "$H/beiya-park.toml" --out "$WORK/bt1" --map-tiles 256 >/dev/null 2>&1 || fail "beiya tiles exit $?"
for n in 3 5; do
  mpi $n "$SITEPLAN" -v suitability "$H/beiya-park.toml" --out "$WORK/bt$n" --map-tiles 256 >/dev/null 2>"$WORK/bt$n.err" || fail "beiya tiles, $n ranks exit $?"
  same "$WORK/bt1" "$WORK/bt$n" "beiya-park candidates shared out, $n ranks"
  same_tree "$WORK/bt1" "$WORK/bt$n" "beiya-park tiles, $n ranks"
  crossing=$(grep -o "[0-9]* of them across a seam" "$WORK/bt$n.err" | awk '{s += $1} END {print s + 0}')
  [[ $crossing -gt 0 ]] && echo "ok: beiya-park, $n ranks: $crossing regions joined across seams" || fail "beiya-park $n ranks: no region crossed a seam"
done
"$SITEPLAN" -q suitability data/suit_project.toml --out "$WORK/st1" --map-tiles 256 >/dev/null || fail "test project tiles exit $?"
mpi 20 "$SITEPLAN" -q suitability data/suit_project.toml --out "$WORK/st20" --map-tiles 256 >/dev/null || fail "test project tiles, 20 ranks exit $?"
same "$WORK/st1" "$WORK/st20" "test project candidates shared out, 20 ranks (empty bands)"
same_tree "$WORK/st1" "$WORK/st20" "test project tiles, 20 ranks"
# A rank failing while the candidates are shared out stops the run.
for k in 1 0; do
  rm -rf "$WORK/dfail"
  SITEPLAN_MPI_FAIL_RANK=$k mpi 3 "$SITEPLAN" -q suitability "$H/pv-ground.toml" --out "$WORK/dfail" --map-tiles 512 >/dev/null 2>"$WORK/dfail.err"; rc=$?
  [[ $rc == 1 ]] && grep -q "SITEPLAN_MPI_FAIL_RANK" "$WORK/dfail.err" && [[ -z "$(ls "$WORK/dfail" 2>/dev/null)" ]] \
    && echo "ok: candidates shared out, rank $k fails, the run stops (exit 1)" || fail "shared candidates, failing rank $k: exit $rc: $(head -3 "$WORK/dfail.err"); $(ls -a "$WORK/dfail" 2>/dev/null)"
done
# A later run without tiles replaces them (no stale VRT next to the new .tif), and back.
"$SITEPLAN" -q suitability "$WORK/pv-map.toml" --out "$WORK/pt3" >/dev/null 2>&1 || fail "re-run exit $?"
[[ -f "$WORK/pt3/suitability.tif" && ! -e "$WORK/pt3/suitability.vrt" && ! -e "$WORK/pt3/tiles" ]] \
  && echo "ok: a run without tiles removes the older tiles" || fail "stale tiles: $(ls "$WORK/pt3")"
mpi 2 "$SITEPLAN" -q suitability "$WORK/pv-map.toml" --out "$WORK/pt3" --map-tiles 256 >/dev/null 2>&1 || fail "re-run tiles exit $?"
[[ ! -e "$WORK/pt3/suitability.tif" ]] && same_tree "$WORK/pt1" "$WORK/pt3" "tiles over an older run"
"$SITEPLAN" -q suitability "$WORK/pv-map.toml" --out "$WORK/ptbad" --map-tiles 300 >/dev/null 2>"$WORK/ptbad.err"; rc=$?
[[ $rc == 2 ]] && grep -q "multiple of 256" "$WORK/ptbad.err" && echo "ok: --map-tiles 300 refused (exit 2)" \
  || fail "--map-tiles 300: exit $rc: $(cat "$WORK/ptbad.err")"
# A rank that fails stops the run: non-zero exit, its message, nothing visible written.
for k in 1 0; do
  rm -rf "$WORK/sfail"
  SITEPLAN_MPI_FAIL_RANK=$k mpi 3 "$SITEPLAN" -q suitability data/suit_project.toml --out "$WORK/sfail" >/dev/null 2>"$WORK/sfail.err"; rc=$?
  [[ $rc == 1 ]] && [[ $(grep -c "SITEPLAN_MPI_FAIL_RANK" "$WORK/sfail.err") == 1 ]] \
    && [[ -z "$(ls "$WORK/sfail" 2>/dev/null)" ]] \
    && echo "ok: suitability, rank $k fails, the run stops (exit 1)" || fail "suitability failing rank $k: exit $rc: $(head -5 "$WORK/sfail.err"); $(ls "$WORK/sfail" 2>/dev/null)"
done
sed 's/weight = 0.5/weight = 0.6/' data/suit_project.toml >"$WORK/bad_weights.toml"
sed -i "s|\"suit.gpkg\"|\"$TESTS/data/suit.gpkg\"|; s|\"dem_tiny.tif\"|\"$TESTS/data/dem_tiny.tif\"|" "$WORK/bad_weights.toml"
mpi 3 "$SITEPLAN" -q suitability "$WORK/bad_weights.toml" --out "$WORK/sbad" >/dev/null 2>"$WORK/sbad.err"; rc=$?
[[ $rc == 2 ]] && [[ $(grep -c "weights sum to 1.2" "$WORK/sbad.err") == 1 ]] && [[ ! -e "$WORK/sbad" ]] \
  && echo "ok: suitability bad input: one message, exit 2" || fail "suitability bad input: exit $rc: $(cat "$WORK/sbad.err")"
# Other commands run once under mpirun: info prints one report, not three.
n=$(mpi 3 "$SITEPLAN" info data/parcels.gpkg:parcels 2>/dev/null | grep -c "^  features:")
n1=$("$SITEPLAN" info data/parcels.gpkg:parcels 2>/dev/null | grep -c "^  features:")
[[ $n -ge 1 && $n == "$n1" ]] && echo "ok: info runs once" || fail "info under mpirun: $n lines (one process: $n1)"
finish
