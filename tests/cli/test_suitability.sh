#!/usr/bin/env bash
# `siteplan suitability`: golden ranking, the four outputs, thread invariance, bad input.
source "$(dirname "$0")/lib.sh" "$@"
export SOURCE_DATE_EPOCH=1767225600  # the run date in reports: 2026-01-01T00:00:00Z

"$SITEPLAN" -q suitability data/suit_project.toml --out "$WORK/s1" --threads 1 --sensitivity 20 >/dev/null || fail "exit $?"
"$SITEPLAN" -q suitability data/suit_project.toml --out "$WORK/s2" --threads 2 --sensitivity 20 >/dev/null || fail "exit $?"
golden suitability_ranking.csv "$WORK/s1/ranking.csv"
cmp -s "$WORK/s1/ranking.csv" "$WORK/s2/ranking.csv" && echo "ok: ranking same for 1 and 2 threads" || fail "ranking differs by threads"
cmp -s "$WORK/s1/suitability.tif" "$WORK/s2/suitability.tif" && echo "ok: map same for 1 and 2 threads" || fail "map differs by threads"
for f in ranking.csv ranking.xlsx report.html candidates.gpkg suitability.tif suitability.qml; do [[ -s "$WORK/s1/$f" ]] || fail "missing $f"; done
if command -v gdalinfo >/dev/null; then
  info="$(gdalinfo "$WORK/s1/suitability.tif")"
  grep -q "Overviews\|Block=256x256\|COMPRESSION=DEFLATE" <<<"$info" && echo "ok: tif tiled/compressed" || fail "tif layout"
  grep -q "NoData Value=-9999" <<<"$info" && echo "ok: nodata" || fail "tif nodata"
  grep -q 'ID\["EPSG",4542\]' <<<"$info" && echo "ok: tif CRS" || fail "tif CRS"
  s=$(ogrinfo -ro -q -sql "SELECT COUNT(*) AS n FROM layer_styles WHERE f_table_name = 'candidates'" "$WORK/s1/candidates.gpkg" | grep -oE '= [0-9]+' | grep -oE '[0-9]+')
  [[ "$s" == 1 ]] && echo "ok: candidates style" || fail "candidates style: $s"
  b=$(ogrinfo -ro -q -sql "SELECT COUNT(*) AS n FROM blocked" "$WORK/s1/candidates.gpkg" | grep -oE '= [0-9]+' | grep -oE '[0-9]+')
  [[ "$b" == 1 ]] && echo "ok: blocked layer" || fail "blocked layer: $b"
fi
grep -q '<meta charset="utf-8">' "$WORK/s1/report.html" && grep -q 'SHA-256' "$WORK/s1/report.html" || fail "report"
grep -q '2026-01-01T00:00:00Z' "$WORK/s1/report.html" && echo "ok: run date" || fail "run date"
h=$(sha256sum data/suit.gpkg | cut -d' ' -f1)
grep -q "$h" "$WORK/s1/report.html" && echo "ok: SHA-256 of suit.gpkg" || fail "SHA-256 of suit.gpkg"
grep -q '@page{size:A4' "$WORK/s1/report.html" && echo "ok: print CSS" || fail "print CSS"

# suitability.tif: a COG; its QGIS sidecar (QGIS reads suitability.qml next to suitability.tif)
# with the score ramp of styles/siteplan.toml and blocked land (−1) as a class of its own.
if command -v gdalinfo >/dev/null; then
  grep -q "LAYOUT=COG" <<<"$info" && echo "ok: COG layout" || fail "not a COG"
fi
q="$WORK/s1/suitability.qml"
grep -q 'type="singlebandpseudocolor"' "$q" && grep -q 'colorRampType="DISCRETE"' "$q" \
  && grep -q 'value="-0.5" label="blocked land' "$q" && grep -q 'color="#d7191c"' "$q" && grep -q 'color="#1a9641"' "$q" \
  && echo "ok: suitability.qml ramp" || fail "suitability.qml: $(head -c 600 "$q")"
/usr/bin/python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$q" && echo "ok: qml is XML" || fail "qml XML"
s=$(ogrinfo -ro -q -sql "SELECT COUNT(*) AS n FROM layer_styles WHERE f_table_name = 'candidates' AND styleQML LIKE '%RuleRenderer%' AND styleQML LIKE '%&quot;blocked&quot; = ''yes''%'" "$WORK/s1/candidates.gpkg" | grep -oE '= [0-9]+' | grep -oE '[0-9]+')
[[ "$s" == 1 ]] && echo "ok: blocked candidates marked" || fail "blocked candidates style: $s"

# ranking.xlsx: the rows of ranking.csv.
if /usr/bin/python3 -c 'from osgeo import ogr' 2>/dev/null; then
  /usr/bin/python3 "$TESTS/cli/xlsx_check.py" "$WORK/s1/ranking.xlsx" 候选地块排名 "$WORK/s1/ranking.csv" \
    cand_id=编号 name=名称 rank=排名:0 score=得分:6 'area_ha=面积(公顷):4' || fail "ranking.xlsx"
fi

# Every given (proposed) site is listed, whatever its rank: with top_k = 1, S1 (#2) and S2 (#3).
sed 's/top_k = 3/top_k = 1/' data/suit_project.toml >"$WORK/top1.toml"
sed -i "s|\"suit.gpkg\"|\"$TESTS/data/suit.gpkg\"|; s|\"dem_tiny.tif\"|\"$TESTS/data/dem_tiny.tif\"|" "$WORK/top1.toml"
"$SITEPLAN" -q suitability "$WORK/top1.toml" --out "$WORK/top1" >/dev/null || fail "top1 exit $?"
r="$WORK/top1/report.html"
grep -q 'Top 1 candidates' "$r" && grep -q 'Proposed sites 拟选址地块 (2 given' "$r" \
  && grep -q '<tr class="given"><td class="num">2</td><td>S1</td>' "$r" \
  && grep -q '<tr class="given"><td class="num">3</td><td>S2</td>' "$r" \
  && echo "ok: every given site listed" || fail "given sites in report"

sed 's/kind = "slope"/kind = "slop"/' data/suit_project.toml >"$WORK/bad_kind.toml"
sed -i "s|\"suit.gpkg\"|\"$TESTS/data/suit.gpkg\"|; s|\"dem_tiny.tif\"|\"$TESTS/data/dem_tiny.tif\"|" "$WORK/bad_kind.toml"
expect_exit 2 "unknown factor kind 'slop'" -- "$SITEPLAN" -q suitability "$WORK/bad_kind.toml" --out "$WORK/bad"
[[ ! -e "$WORK/bad" ]] || fail "output written on bad input"
sed 's/weight = 0.5/weight = 0.6/' "$WORK/bad_kind.toml" | sed 's/kind = "slop"/kind = "slope"/' >"$WORK/bad_weights.toml"
expect_exit 2 "weights sum to 1.2" -- "$SITEPLAN" -q suitability "$WORK/bad_weights.toml" --out "$WORK/bad"
# The given parcels' own fields (here 乡镇) are carried into ranking.csv and candidates.gpkg.
if command -v ogrinfo >/dev/null; then
  cp data/suit.gpkg "$WORK/suit_xz.gpkg"
  ogrinfo -q "$WORK/suit_xz.gpkg" -sql "ALTER TABLE sites ADD COLUMN XZ TEXT" >/dev/null 2>&1
  ogrinfo -q "$WORK/suit_xz.gpkg" -dialect SQLite -sql "UPDATE sites SET XZ = '金墩乡'" >/dev/null 2>&1
  sed "s|\"suit.gpkg\"|\"$WORK/suit_xz.gpkg\"|; s|\"dem_tiny.tif\"|\"$TESTS/data/dem_tiny.tif\"|" data/suit_project.toml >"$WORK/xz.toml"
  "$SITEPLAN" -q suitability "$WORK/xz.toml" --out "$WORK/xz" >/dev/null || fail "kept fields exit $?"
  head -1 "$WORK/xz/ranking.csv" | grep -q ',XZ$' && grep -q ',金墩乡$' "$WORK/xz/ranking.csv" \
    && echo "ok: given parcels' fields in ranking.csv" || fail "ranking.csv: $(head -3 "$WORK/xz/ranking.csv")"
  n=$(ogrinfo -ro -q -sql "SELECT COUNT(*) AS n FROM candidates WHERE XZ = '金墩乡'" "$WORK/xz/candidates.gpkg" | grep -oE 'n \(Integer\) = [0-9]+' | grep -oE '[0-9]+$')
  [[ "$n" -ge 1 ]] && echo "ok: given parcels' fields in candidates.gpkg" || fail "candidates.gpkg XZ: $n"
fi
finish
