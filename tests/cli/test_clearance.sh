#!/usr/bin/env bash
# `siteplan clearance`: golden CSVs, identical bytes for 1 and N threads, GeoPackage contents,
# and bad input (exit 2, nothing written).
source "$(dirname "$0")/lib.sh" "$@"
export SOURCE_DATE_EPOCH=1767225600  # the run date in reports: 2026-01-01T00:00:00Z

# Bad input: message, exit 2, nothing written.
bad() {
  local pattern="$1"; shift
  rm -rf "$WORK/bad"
  expect_exit 2 "$pattern" -- "$SITEPLAN" -q clearance "$@" --out "$WORK/bad"
  [[ ! -e "$WORK/bad" ]] || fail "output folder left on bad input: $(ls -A "$WORK/bad")"
}

run() { "$SITEPLAN" -q clearance --parcels data/parcels.gpkg:parcels --id-field XMBH \
          --name-field XMMC --rules data/clearance_rules.toml "$@"; }

run --out "$WORK/t1" --threads 1 >/dev/null || fail "clearance exit $?"
run --out "$WORK/t4" --threads 4 >/dev/null || fail "clearance 4 threads exit $?"
golden clearance_overlaps.csv "$WORK/t1/overlaps.csv"
golden clearance_parcels.csv "$WORK/t1/parcels.csv"
for f in overlaps.csv parcels.csv report.html; do
  cmp -s "$WORK/t1/$f" "$WORK/t4/$f" && echo "ok: $f same for 1 and 4 threads" || fail "$f differs by thread count"
done
[[ -z "$(ls -A "$WORK/t1" | grep -v -E '^(overlaps.csv|parcels.csv|overlaps.xlsx|parcels.xlsx|report.html|clearance.gpkg)$')" ]] || fail "stray files in output"
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

# report.html: run date, SHA-256 of every input, 地类 names, print layout.
grep -q '2026-01-01T00:00:00Z' "$WORK/t1/report.html" && echo "ok: run date" || fail "run date missing"
for f in data/parcels.gpkg data/constraints.gpkg; do
  h=$(sha256sum "$f" | cut -d' ' -f1)
  grep -q "$h" "$WORK/t1/report.html" && echo "ok: SHA-256 of $f" || fail "SHA-256 of $f missing"
done
grep -q '0103 旱地' "$WORK/t1/report.html" && grep -q '0301 乔木林地' "$WORK/t1/report.html" && echo "ok: 地类 names" || fail "地类 names"
grep -q '@page{size:A4' "$WORK/t1/report.html" && grep -q '@media print' "$WORK/t1/report.html" && echo "ok: print CSS" || fail "print CSS"
! grep -q '<img' "$WORK/t1/report.html" && echo "ok: no map, no img" || fail "img without a map"

# Excel tables: same rows as the CSVs, Chinese headers, areas in m² and 公顷.
X="/usr/bin/python3 $TESTS/cli/xlsx_check.py"
if /usr/bin/python3 -c 'from osgeo import ogr' 2>/dev/null; then
  $X "$WORK/t1/overlaps.xlsx" 压占分析表 "$WORK/t1/overlaps.csv" parcel_id=地块编号 rule_id=规则 \
    'overlap_m2=压占面积(平方米):4' 'overlap_m2=压占面积(公顷):4/ha' 'overlap_pct=占比(%):4' basis=依据 || fail "overlaps.xlsx"
  $X "$WORK/t1/parcels.xlsx" 地块结论表 "$WORK/t1/parcels.csv" parcel_id=地块编号 name=地块名称 verdict=结论代码 \
    'area_m2=面积(平方米):4' 'area_m2=面积(公顷):4/ha' || fail "parcels.xlsx"
fi

# Attributes carried through (all fields by default) and a summary per 乡镇.
if command -v ogr2ogr >/dev/null; then
  ogr2ogr -f GPKG "$WORK/attr.gpkg" data/parcels.gpkg -nln parcels -nlt GEOMETRY -dialect sqlite -sql \
    "SELECT *, CASE WHEN XMBH IN ('P1','P2','P3','P8') THEN '西邑镇' ELSE '金墩乡' END AS 乡镇, '鹤庆县工业园区管委会' AS 用地单位, 12.5 AS 规划面积 FROM parcels"
  A=(--parcels "$WORK/attr.gpkg:parcels" --id-field XMBH --name-field XMMC --rules data/clearance_rules.toml)
  "$SITEPLAN" -q clearance "${A[@]}" --group-field 乡镇 --out "$WORK/attr" >/dev/null || fail "attr exit $?"
  head -1 "$WORK/attr/parcels.csv" | grep -q '^parcel_id,area_m2,verdict,area_ellipsoidal_m2,outside_m2,geometry_status,deciding_rules,name,problem,乡镇,用地单位,规划面积$' \
    && grep -q '^P1,.*,部分占用基本农田,,西邑镇,鹤庆县工业园区管委会,12.5$' "$WORK/attr/parcels.csv" \
    && echo "ok: kept fields in parcels.csv" || fail "kept fields: $(head -2 "$WORK/attr/parcels.csv")"
  # (SQLite turned P5's empty geometry into NULL: that row differs from the golden file.)
  diff <(cut -d, -f1-9 "$WORK/attr/parcels.csv" | grep -v ^P5) <(grep -v ^P5 "$TESTS/cli/golden/clearance_parcels.csv") >/dev/null \
    && echo "ok: contract columns unchanged" || fail "kept fields changed the first columns"
  grep -q 'Summary by 乡镇' "$WORK/attr/report.html" && grep -q '<td>西邑镇</td><td class="num">4</td>' "$WORK/attr/report.html" \
    && grep -q '<td>金墩乡</td><td class="num">5</td>' "$WORK/attr/report.html" && echo "ok: group summary" || fail "group summary"
  grep -q '用地单位: 鹤庆县工业园区管委会' "$WORK/attr/report.html" && echo "ok: kept fields in report" || fail "kept fields in report"
  n=$(ogrinfo -ro -q -sql "SELECT COUNT(*) AS n FROM parcels WHERE 乡镇 = '西邑镇'" "$WORK/attr/clearance.gpkg" | grep -oE 'n \(Integer\) = [0-9]+' | grep -oE '[0-9]+$')
  [[ "$n" == 4 ]] && echo "ok: kept fields in gpkg" || fail "kept fields in gpkg: $n"
  if /usr/bin/python3 -c 'from osgeo import ogr' 2>/dev/null; then
    $X "$WORK/attr/parcels.xlsx" 地块结论表 "$WORK/attr/parcels.csv" parcel_id=地块编号 乡镇=乡镇 用地单位=用地单位 || fail "kept fields in xlsx"
    $X "$WORK/attr/parcels.xlsx" 分组汇总 <(printf '乡镇,n\n西邑镇,4\n金墩乡,5\n') 乡镇=乡镇 n=地块数:0 || fail "group sheet"
  fi
  "$SITEPLAN" -q clearance "${A[@]}" --keep-fields 用地单位 --out "$WORK/keep1" >/dev/null || fail "keep1 exit $?"
  head -1 "$WORK/keep1/parcels.csv" | grep -q ',problem,用地单位$' && echo "ok: --keep-fields F" || fail "--keep-fields F: $(head -1 "$WORK/keep1/parcels.csv")"
  "$SITEPLAN" -q clearance "${A[@]}" --keep-fields none --group-field 乡镇 --out "$WORK/keep0" >/dev/null || fail "keep0 exit $?"
  cmp -s <(grep -v ^P5 "$WORK/keep0/parcels.csv") <(grep -v ^P5 "$TESTS/cli/golden/clearance_parcels.csv") && grep -q 'Summary by 乡镇' "$WORK/keep0/report.html" \
    && echo "ok: --keep-fields none" || fail "--keep-fields none"
  bad "no field '镇'" "${A[@]}" --group-field 镇
  bad "no field 'XMMD'.*did you mean 'XMMC'" "${A[@]}" --keep-fields XMMD
fi

# A map: DIR/map.png is embedded; --map FILE.png too; --map of no PNG is bad usage.
printf '\x89PNG\r\n\x1a\n0000IHDR' >"$WORK/fake.png"
"$SITEPLAN" -q clearance --parcels data/parcels.gpkg:parcels --id-field XMBH --rules data/clearance_rules.toml --map "$WORK/fake.png" --out "$WORK/map1" >/dev/null
grep -q '<img alt="map" src="data:image/png;base64,iVBORw0KGgo' "$WORK/map1/report.html" && echo "ok: --map embedded" || fail "--map not embedded"
mkdir -p "$WORK/map2" && cp "$WORK/fake.png" "$WORK/map2/map.png"
"$SITEPLAN" -q clearance --parcels data/parcels.gpkg:parcels --id-field XMBH --rules data/clearance_rules.toml --out "$WORK/map2" >/dev/null
grep -q 'src="data:image/png;base64,' "$WORK/map2/report.html" && echo "ok: DIR/map.png embedded" || fail "DIR/map.png not embedded"
bad "--map .*not a PNG" --parcels data/parcels.gpkg:parcels --rules data/clearance_rules.toml --map data/clearance_rules.toml

# Quick form.
"$SITEPLAN" -q clearance --parcels data/parcels.gpkg:parcels --id-field XMBH \
  --constraint farmland=data/constraints.gpkg:yjjbnt --constraint water=data/constraints.gpkg:sysyd:approval \
  --breakdown dl=data/constraints.gpkg:dltb:DLBM --out "$WORK/quick" >/dev/null || fail "quick form exit $?"
grep -q '^P1,farmland,block,5000.000000,50.000000,' "$WORK/quick/overlaps.csv" && echo "ok: quick form" || fail "quick form rows"
grep -q '^P1,dl:0103,info,6000.000000,60.000000,' "$WORK/quick/overlaps.csv" && echo "ok: breakdown" || fail "breakdown rows"
# --pieces: by default the GeoPackage holds the rules' conflict areas, a breakdown's rows without
# shapes; `all` adds the land-use pieces; `none` keeps rows only. The tables are the same.
if command -v ogrinfo >/dev/null; then
  q() { ogrinfo -ro -q -sql "$1" "$2" | grep -oE '= [0-9.]+$' | grep -oE '[0-9.]+$'; }
  [[ "$(q "SELECT COUNT(*) AS n FROM overlaps WHERE rule_id LIKE 'dl:%' AND geom IS NOT NULL" "$WORK/quick/clearance.gpkg")" == 0 ]] \
    && [[ "$(q "SELECT COUNT(*) AS n FROM overlaps WHERE rule_id = 'farmland' AND geom IS NOT NULL" "$WORK/quick/clearance.gpkg")" -ge 1 ]] \
    && echo "ok: --pieces rules (default)" || fail "--pieces rules"
  "$SITEPLAN" -q clearance --parcels data/parcels.gpkg:parcels --id-field XMBH --pieces all \
    --constraint farmland=data/constraints.gpkg:yjjbnt --constraint water=data/constraints.gpkg:sysyd:approval \
    --breakdown dl=data/constraints.gpkg:dltb:DLBM --out "$WORK/pieces-all" >/dev/null || fail "--pieces all exit $?"
  a=$(q "SELECT SUM(ST_Area(geom)) AS a FROM overlaps WHERE rule_id = 'dl:0103' AND parcel_id = 'P1'" "$WORK/pieces-all/clearance.gpkg")
  awk -v a="$a" 'BEGIN { exit !(a > 5999.999 && a < 6000.001) }' && echo "ok: --pieces all ($a m² of 0103)" || fail "--pieces all: $a"
  cmp -s "$WORK/quick/overlaps.csv" "$WORK/pieces-all/overlaps.csv" || fail "--pieces changed overlaps.csv"
  "$SITEPLAN" -q clearance --parcels data/parcels.gpkg:parcels --id-field XMBH --pieces none \
    --constraint farmland=data/constraints.gpkg:yjjbnt --breakdown dl=data/constraints.gpkg:dltb:DLBM \
    --out "$WORK/pieces-none" >/dev/null || fail "--pieces none exit $?"
  [[ "$(q "SELECT COUNT(*) AS n FROM overlaps WHERE geom IS NOT NULL" "$WORK/pieces-none/clearance.gpkg")" == 0 ]] \
    && echo "ok: --pieces none" || fail "--pieces none"
fi
# No --name-field: the name column stays empty while every field (XMMC) is kept after it.
grep -q '^P1,10000.000000,blocked,.*,,,XMMC$\|^parcel_id,.*,name,problem,XMMC$' "$WORK/quick/parcels.csv" \
  && grep -q '^P1,10000.000000,blocked,[0-9.]*,[0-9.]*,valid,farmland,,,部分占用基本农田$' "$WORK/quick/parcels.csv" \
  && echo "ok: no name field, all fields kept" || fail "quick parcels: $(head -2 "$WORK/quick/parcels.csv")"

# A legacy GBK shapefile without .cpg: names read right when told, and when not told (its bytes
# are not UTF-8, so GB18030), with the choice in the log.
"$SITEPLAN" -q clearance --parcels data/gbk_nocpg/dltb.shp --name-field DLMC --encoding GBK \
  --constraint a=data/constraints.gpkg:yjjbnt --coverage data/constraints.gpkg:dltb --out "$WORK/gbk" >/dev/null || fail "gbk exit $?"
grep -q ',乔木林地,' "$WORK/gbk/parcels.csv" && echo "ok: GBK names" || fail "GBK names: $(cat "$WORK/gbk/parcels.csv")"
"$SITEPLAN" clearance --parcels data/gbk_nocpg/dltb.shp --name-field DLMC \
  --constraint a=data/constraints.gpkg:yjjbnt --coverage data/constraints.gpkg:dltb --out "$WORK/gbk2" >/dev/null 2>"$WORK/gbk2.log" || fail "gbk auto exit $?"
grep -q ',乔木林地,' "$WORK/gbk2/parcels.csv" && echo "ok: GBK detected" || fail "GBK auto names: $(cat "$WORK/gbk2/parcels.csv")"
grep -q "read as GB18030" "$WORK/gbk2.log" && echo "ok: encoding logged" || fail "encoding not logged: $(cat "$WORK/gbk2.log")"

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
# --no-gpkg --no-xlsx: only the CSVs and the report.
run --out "$WORK/lean" --no-gpkg --no-xlsx >/dev/null || fail "lean exit $?"
[[ "$(ls "$WORK/lean" | tr '\n' ' ')" == "overlaps.csv parcels.csv report.html " ]] && echo "ok: --no-gpkg --no-xlsx" \
  || fail "lean outputs: $(ls "$WORK/lean")"
cmp -s "$WORK/lean/parcels.csv" "$WORK/t1/parcels.csv" && echo "ok: same parcels.csv" || fail "lean parcels.csv differs"
# A rule file that declares the parcel file ([layers.parcels] with crs = ...): its settings apply,
# whether --parcels names the layer id or the file.
printf '[project]\ncrs = "EPSG:4542"\n[layers.parcels]\nsource = "%s/data/guards/noprj.shp"\ncrs = "EPSG:4542"\n[layers.yjjbnt]\nsource = "%s/data/constraints.gpkg"\nlayer = "yjjbnt"\n[[constraint]]\nid = "farmland"\nlayer = "yjjbnt"\n' "$TESTS" "$TESTS" >"$WORK/pr.toml"
for p in parcels data/guards/noprj.shp; do
  "$SITEPLAN" -q clearance --parcels "$p" --id-field XMBH --rules "$WORK/pr.toml" --coverage data/constraints.gpkg:dltb \
    --out "$WORK/pr_$RANDOM" >/dev/null && echo "ok: [layers.parcels] crs applies to --parcels $p" || fail "--parcels $p with [layers.parcels] crs: exit $?"
done
finish

# Blocks of parcels (--block-parcels) change nothing, to the last bit of every area and vertex:
# a parcel's answer depends on the features meeting it only, not on what else a block read (on
# the Heqing park sites a data source's spatial filter once made the difference).
if command -v ogrinfo >/dev/null; then
  dump() {
    ogrinfo -ro -q -sql "SELECT parcel_id || ' ' || rule_id || ' ' || printf('%.17g', area_m2) || ' ' || hex(geom) AS r FROM overlaps ORDER BY fid" "$1" | grep ' r (String)' | md5sum
  }
  for b in 1 2 5000; do
    "$SITEPLAN" -q clearance --parcels ../samples/heqing/heqing.gpkg:park_sites --id-field XMBH \
      --name-field XMMC --rules ../samples/heqing/clearance.toml --block-parcels $b \
      --out "$WORK/blocks$b" >/dev/null || [[ $? == 3 ]] || fail "--block-parcels $b exit"
  done
  [[ "$(dump "$WORK/blocks1/clearance.gpkg")" == "$(dump "$WORK/blocks5000/clearance.gpkg")" &&
     "$(dump "$WORK/blocks2/clearance.gpkg")" == "$(dump "$WORK/blocks5000/clearance.gpkg")" ]] \
    && echo "ok: --block-parcels 1, 2, 5000 give the same bytes" || fail "--block-parcels changed the GeoPackage"
  cmp -s "$WORK/blocks1/overlaps.csv" "$WORK/blocks5000/overlaps.csv" || fail "--block-parcels changed overlaps.csv"
fi
