#!/usr/bin/env bash
# `siteplan clearance`: golden CSVs, identical bytes for 1 and N threads, GeoPackage contents,
# and bad input (exit 2, nothing written).
source "$(dirname "$0")/lib.sh" "$@"

run() { "$SITEPLAN" -q clearance --parcels data/parcels.gpkg:parcels --id-field XMBH \
          --name-field XMMC --rules data/clearance_rules.toml "$@"; }

run --out "$WORK/t1" --threads 1 >/dev/null || fail "clearance exit $?"
run --out "$WORK/t4" --threads 4 >/dev/null || fail "clearance 4 threads exit $?"
golden clearance_overlaps.csv "$WORK/t1/overlaps.csv"
golden clearance_parcels.csv "$WORK/t1/parcels.csv"
for f in overlaps.csv parcels.csv report.html; do
  cmp -s "$WORK/t1/$f" "$WORK/t4/$f" && echo "ok: $f same for 1 and 4 threads" || fail "$f differs by thread count"
done
[[ -z "$(ls -A "$WORK/t1" | grep -v -E '^(overlaps.csv|parcels.csv|report.html|clearance.gpkg)$')" ]] || fail "stray files in output"
grep -q '<meta charset="utf-8">' "$WORK/t1/report.html" && grep -q '永久基本农田' "$WORK/t1/report.html" || fail "report.html"

# The GeoPackage: parcels with verdicts, overlap pieces, QGIS styles.
if command -v ogrinfo >/dev/null; then
  n=$(ogrinfo -ro -q -sql "SELECT COUNT(*) AS n FROM parcels WHERE verdict = 'blocked'" "$WORK/t1/clearance.gpkg" | grep -oE 'n \(Integer\) = [0-9]+' | grep -oE '[0-9]+$')
  [[ "$n" == 2 ]] && echo "ok: gpkg blocked parcels" || fail "gpkg blocked parcels: $n"
  a=$(ogrinfo -ro -q -sql "SELECT SUM(ST_Area(geom)) AS a FROM overlaps WHERE rule_id = 'permanent-farmland'" "$WORK/t1/clearance.gpkg" | grep -oE 'a \(Real\) = [0-9.]+' | grep -oE '[0-9.]+$')
  [[ "$a" == 8600* ]] && echo "ok: gpkg overlap pieces" || fail "gpkg overlap area: $a"
  s=$(ogrinfo -ro -q -sql "SELECT COUNT(*) AS n FROM layer_styles WHERE useAsDefault = 1" "$WORK/t1/clearance.gpkg" | grep -oE 'n \(Integer\) = [0-9]+' | grep -oE '[0-9]+$')
  [[ "$s" == 2 ]] && echo "ok: QGIS styles" || fail "layer_styles rows: $s"
fi

# Quick form.
"$SITEPLAN" -q clearance --parcels data/parcels.gpkg:parcels --id-field XMBH \
  --constraint farmland=data/constraints.gpkg:yjjbnt --constraint water=data/constraints.gpkg:sysyd:approval \
  --breakdown dl=data/constraints.gpkg:dltb:DLBM --out "$WORK/quick" >/dev/null || fail "quick form exit $?"
grep -q '^P1,farmland,block,5000.000000,50.000000,' "$WORK/quick/overlaps.csv" && echo "ok: quick form" || fail "quick form rows"
grep -q '^P1,dl:0103,info,6000.000000,60.000000,' "$WORK/quick/overlaps.csv" && echo "ok: breakdown" || fail "breakdown rows"

# A legacy GBK shapefile without .cpg: names read right when told, and when not told (its bytes
# are not UTF-8, so GB18030), with the choice in the log.
"$SITEPLAN" -q clearance --parcels data/gbk_nocpg/dltb.shp --name-field DLMC --encoding GBK \
  --constraint a=data/constraints.gpkg:yjjbnt --coverage data/constraints.gpkg:dltb --out "$WORK/gbk" >/dev/null || fail "gbk exit $?"
grep -q ',乔木林地,' "$WORK/gbk/parcels.csv" && echo "ok: GBK names" || fail "GBK names: $(cat "$WORK/gbk/parcels.csv")"
"$SITEPLAN" clearance --parcels data/gbk_nocpg/dltb.shp --name-field DLMC \
  --constraint a=data/constraints.gpkg:yjjbnt --coverage data/constraints.gpkg:dltb --out "$WORK/gbk2" >/dev/null 2>"$WORK/gbk2.log" || fail "gbk auto exit $?"
grep -q ',乔木林地,' "$WORK/gbk2/parcels.csv" && echo "ok: GBK detected" || fail "GBK auto names: $(cat "$WORK/gbk2/parcels.csv")"
grep -q "read as GB18030" "$WORK/gbk2.log" && echo "ok: encoding logged" || fail "encoding not logged: $(cat "$WORK/gbk2.log")"

# Bad input: message, exit 2, nothing written.
bad() {
  local pattern="$1"; shift
  rm -rf "$WORK/bad"
  expect_exit 2 "$pattern" -- "$SITEPLAN" -q clearance "$@" --out "$WORK/bad"
  [[ -z "$(ls -A "$WORK/bad" 2>/dev/null)" ]] || fail "files written on bad input: $(ls -A "$WORK/bad")"
}
bad "no field 'XMBHH'.*did you mean 'XMBH'" --parcels data/parcels.gpkg:parcels --id-field XMBHH --constraint a=data/constraints.gpkg:yjjbnt
bad "parcels must be polygons" --parcels data/parcels.gpkg:points --constraint a=data/constraints.gpkg:yjjbnt
bad "nothing.gpkg: no such file" --parcels data/parcels.gpkg:parcels --constraint a=data/nothing.gpkg:yjjbnt
bad "unknown severity 'forbid'" --parcels data/parcels.gpkg:parcels --constraint a=data/constraints.gpkg:yjjbnt:forbid
bad "no CRS and none is given" --parcels data/nocrs/parcels.shp --constraint a=data/constraints.gpkg:yjjbnt
bad "the parcel layer is empty" --parcels data/parcels.gpkg:empty --constraint a=data/constraints.gpkg:yjjbnt
bad "duplicate parcel ids.*'P1'" --parcels data/parcels.gpkg:parcels_dup --id-field XMBH --constraint a=data/constraints.gpkg:yjjbnt
bad "needs rules" --parcels data/parcels.gpkg:parcels
bad "no layer 'yjjbtn'" --parcels data/parcels.gpkg:parcels --constraint a=data/constraints.gpkg:yjjbtn

# Parcels in the forms a county office receives them (tests/data/make_guard_data.py): the same
# five parcels from a .prj-less shapefile, a UTF-8 CSV, a GBK CSV and an XLSX with WKT columns
# get the same verdicts as from the GeoPackage.
G=data/guards
verdicts() { cut -d, -f1,3 "$1/parcels.csv" | grep -E '^P[12389],'; }
"$SITEPLAN" -q clearance --parcels data/parcels.gpkg:parcels --id-field XMBH --rules data/clearance_rules.toml --out "$WORK/f_gpkg" >/dev/null
for form in "$G/noprj.shp --id-field XMBH" "$G/parcels_wkt.csv --id-field 地块编号" \
            "$G/parcels_wkt_gbk.csv --id-field 地块编号" "$G/parcels_wkt.xlsx --id-field 地块编号"; do
  rm -rf "$WORK/f"
  # shellcheck disable=SC2086
  "$SITEPLAN" -q clearance --parcels $form --parcels-crs EPSG:4542 --rules data/clearance_rules.toml --out "$WORK/f" >/dev/null \
    || fail "$form: exit $?"
  [[ "$(verdicts "$WORK/f")" == "$(verdicts "$WORK/f_gpkg")" ]] && echo "ok: same verdicts from $form" \
    || fail "$form: $(verdicts "$WORK/f") vs $(verdicts "$WORK/f_gpkg")"
done
grep -q ',完全落入重叠农田' "$WORK/f/parcels.csv" || true
# Vertex tables (界址点坐标表, one row per point, X = northing): the id column (地块编号) and the
# name column (地块名称) are found without options; holes and parts come from 圈号.
for form in "$G/parcels_vertices.csv" "$G/parcels_vertices.xlsx"; do
  rm -rf "$WORK/f"
  "$SITEPLAN" -q clearance --parcels "$form" --parcels-crs EPSG:4542 --rules data/clearance_rules.toml --out "$WORK/f" >/dev/null \
    || fail "$form: exit $?"
  [[ "$(verdicts "$WORK/f")" == "$(verdicts "$WORK/f_gpkg")" ]] && echo "ok: same verdicts from $form" \
    || fail "$form: $(verdicts "$WORK/f") vs $(verdicts "$WORK/f_gpkg")"
  grep -q '^P8,7500.000000,.*,带洞地块,' "$WORK/f/parcels.csv" && grep -q '^P9,5000.000000,.*,多部件地块,' "$WORK/f/parcels.csv" \
    && echo "ok: holes, parts and names from $form" || fail "$form: $(cat "$WORK/f/parcels.csv")"
done
"$SITEPLAN" -q clearance --parcels "$G/parcels_wkt_gbk.csv" --id-field 地块编号 --name-field 地块名称 --parcels-crs EPSG:4542 \
  --rules data/clearance_rules.toml --out "$WORK/gbkcsv" >/dev/null
grep -q '^P2,.*,完全落入重叠农田,' "$WORK/gbkcsv/parcels.csv" && echo "ok: GBK CSV names" || fail "GBK CSV names: $(cat "$WORK/gbkcsv/parcels.csv")"

# Coordinates that do not fit their CRS: exit 2 naming the CRS that fits, nothing written.
R=(--rules data/clearance_rules.toml --id-field XMBH)
bad "carry a zone prefix \(33\).*--parcels-crs EPSG:4521" --parcels data/prefixed.gpkg:parcels "${R[@]}"
bad "have no zone prefix.*--parcels-crs EPSG:4542" --parcels "$G/plain_as_4521.gpkg:parcels" "${R[@]}"
bad "have no zone prefix.*--parcels-crs EPSG:4542" --parcels data/parcels.gpkg:parcels --parcels-crs EPSG:4521 "${R[@]}"
bad "X and Y are swapped" --parcels "$G/swapped.gpkg:parcels" "${R[@]}"
bad "rule_prefixed.gpkg:yjjbnt: eastings .* carry a zone prefix" --parcels data/parcels.gpkg:parcels "${R[@]}" --constraint p="$G/rule_prefixed.gpkg:yjjbnt"
bad "no CRS and none is given.*--parcels-crs" --parcels "$G/noprj.shp" --id-field XMBH --rules data/clearance_rules.toml
bad "unknown encoding 'GB-2312x'.*GBK" --parcels "$G/parcels_wkt.csv" --encoding GB-2312x --parcels-crs EPSG:4542 --rules data/clearance_rules.toml
bad "parcels_vertices.csv: a vertex table .* without the parcel-id column 'ZDH'.*columns are: 地块编号, 地块名称, 点号, 圈号, X, Y" \
  --parcels "$G/parcels_vertices.csv" --id-field ZDH --parcels-crs EPSG:4542 --rules data/clearance_rules.toml
bad "the field names are GBK-encoded: add --encoding GBK" --parcels "$G/parcels_wkt_gbk.csv" --encoding UTF-8 --id-field 地块编号 --parcels-crs EPSG:4542 --rules data/clearance_rules.toml

# Parcels 80 km from every rule layer: unchecked, exit 3, every output written and saying so.
rm -rf "$WORK/far"
"$SITEPLAN" clearance --parcels "$G/far.gpkg:parcels" "${R[@]}" --out "$WORK/far" >"$WORK/far.out" 2>/dev/null; rc=$?
[[ $rc == 3 ]] && echo "ok: far parcels exit 3" || fail "far parcels exit $rc"
[[ $(grep -c ',unchecked,' "$WORK/far/parcels.csv") == 5 ]] && echo "ok: 5 unchecked" || fail "far: $(cat "$WORK/far/parcels.csv")"
! grep -q ',clear,' "$WORK/far/parcels.csv" || fail "a far parcel is clear"
head -1 "$WORK/far.out" | grep -q "UNCHECKED" && echo "ok: summary says unchecked first" || fail "summary: $(cat "$WORK/far.out")"
grep -q "UNCHECKED" "$WORK/far/report.html" && echo "ok: report says unchecked" || fail "report"
# A declared coverage wins over the breakdown's footprint; a blocked parcel stays blocked.
"$SITEPLAN" -q clearance --parcels data/parcels.gpkg:parcels "${R[@]}" --coverage data/constraints.gpkg:yjjbnt --out "$WORK/cov" >/dev/null; rc=$?
[[ $rc == 3 ]] && grep -q '^P1,10000.000000,blocked,[0-9.]*,5000.000000,' "$WORK/cov/parcels.csv" \
  && grep -q '^P3,10000.000000,unchecked,[0-9.]*,10000.000000,' "$WORK/cov/parcels.csv" \
  && echo "ok: declared coverage" || fail "declared coverage (exit $rc): $(cat "$WORK/cov/parcels.csv")"

# A corrupted coordinate (7e82) makes its parcel invalid, with the reason; the others are checked.
"$SITEPLAN" -q clearance --parcels "$G/corrupt.gpkg:parcels" "${R[@]}" --out "$WORK/corrupt" >/dev/null || fail "corrupt exit $?"
grep -q '^PX,0.000000,invalid,.*bad-coordinates' "$WORK/corrupt/parcels.csv" && grep -q '^P1,10000.000000,blocked' "$WORK/corrupt/parcels.csv" \
  && echo "ok: corrupted coordinate" || fail "corrupt: $(cat "$WORK/corrupt/parcels.csv")"
finish
