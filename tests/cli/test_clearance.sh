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
finish
