#!/usr/bin/env bash
# `siteplan suitability`: golden ranking, the four outputs, thread invariance, bad input.
source "$(dirname "$0")/lib.sh" "$@"

"$SITEPLAN" -q suitability data/suit_project.toml --out "$WORK/s1" --threads 1 --sensitivity 20 >/dev/null || fail "exit $?"
"$SITEPLAN" -q suitability data/suit_project.toml --out "$WORK/s2" --threads 2 --sensitivity 20 >/dev/null || fail "exit $?"
golden suitability_ranking.csv "$WORK/s1/ranking.csv"
cmp -s "$WORK/s1/ranking.csv" "$WORK/s2/ranking.csv" && echo "ok: ranking same for 1 and 2 threads" || fail "ranking differs by threads"
cmp -s "$WORK/s1/suitability.tif" "$WORK/s2/suitability.tif" && echo "ok: map same for 1 and 2 threads" || fail "map differs by threads"
for f in ranking.csv report.html candidates.gpkg suitability.tif; do [[ -s "$WORK/s1/$f" ]] || fail "missing $f"; done
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

sed 's/kind = "slope"/kind = "slop"/' data/suit_project.toml >"$WORK/bad_kind.toml"
sed -i "s|\"suit.gpkg\"|\"$TESTS/data/suit.gpkg\"|; s|\"dem_tiny.tif\"|\"$TESTS/data/dem_tiny.tif\"|" "$WORK/bad_kind.toml"
expect_exit 2 "unknown factor kind 'slop'" -- "$SITEPLAN" -q suitability "$WORK/bad_kind.toml" --out "$WORK/bad"
[[ ! -e "$WORK/bad" ]] || fail "output written on bad input"
sed 's/weight = 0.5/weight = 0.6/' "$WORK/bad_kind.toml" | sed 's/kind = "slop"/kind = "slope"/' >"$WORK/bad_weights.toml"
expect_exit 2 "weights sum to 1.2" -- "$SITEPLAN" -q suitability "$WORK/bad_weights.toml" --out "$WORK/bad"
finish
