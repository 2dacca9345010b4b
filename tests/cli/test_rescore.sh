#!/usr/bin/env bash
# `siteplan rescore`: the what-if on a finished run — new weights without recomputing factors;
# the same weights give the same ranking; AHP; refused inputs.
source "$(dirname "$0")/lib.sh" "$@"
export SOURCE_DATE_EPOCH=1767225600

"$SITEPLAN" -q suitability data/suit_project.toml --out "$WORK/s" --threads 2 >/dev/null || fail "suitability exit $?"
for f in factors.tif run.json; do [[ -s "$WORK/s/$f" ]] || fail "missing $f"; done
if command -v gdalinfo >/dev/null; then
  info="$(gdalinfo "$WORK/s/factors.tif")"
  grep -q "Description = slope" <<<"$info" && grep -q "Description = road" <<<"$info" &&
    grep -q "Description = state" <<<"$info" && echo "ok: factors.tif bands named" || fail "factors.tif bands: $info"
fi

# The same weights: the same ranking, byte for byte.
"$SITEPLAN" -q rescore "$WORK/s" --weight slope=0.5 --out "$WORK/same" >/dev/null || fail "rescore exit $?"
cmp -s "$WORK/s/ranking.csv" "$WORK/same/ranking.csv" && echo "ok: same weights, same ranking" || fail "same weights changed the ranking"
cmp -s "$WORK/s/factors.tif" "$WORK/same/factors.tif" && echo "ok: factors.tif carried over" || fail "factors.tif"

# Road weighted up: the parts follow the new weights; the run records them.
"$SITEPLAN" rescore "$WORK/s" --weight road=0.9 --weight slope=0.1 --out "$WORK/r" >"$WORK/r.txt" || fail "rescore exit $?"
grep -q "road .*0.5000 -> 0.9000" "$WORK/r.txt" && echo "ok: weights printed" || fail "weights: $(cat "$WORK/r.txt")"
for f in ranking.csv ranking.xlsx report.html suitability.tif suitability.qml run.json factors.tif candidates.gpkg; do
  [[ -s "$WORK/r/$f" ]] || fail "missing $f after rescore"
done
/usr/bin/python3 - "$WORK" <<'PY' && echo "ok: parts = new weight x score; map re-weighted" || fail "re-weighted values"
import csv, json, sys
w = sys.argv[1]
rows = list(csv.DictReader(open(f"{w}/r/ranking.csv")))
assert rows, "no rows"
for r in rows:
    if r["status"] != "valid":
        continue
    assert abs(float(r["slope_part"]) - 0.1 * float(r["slope_score"])) < 2e-6, r
    assert abs(float(r["road_part"]) - 0.9 * float(r["road_score"])) < 2e-6, r
run = json.load(open(f"{w}/r/run.json"))
assert [f["weight"] for f in run["factors"]] == [0.1, 0.9], run["factors"]
try:
    from osgeo import gdal
except ImportError:
    sys.exit(0)
old = gdal.Open(f"{w}/s/suitability.tif").ReadAsArray()
new = gdal.Open(f"{w}/r/suitability.tif").ReadAsArray()
f = gdal.Open(f"{w}/s/factors.tif")
slope, road, state = (f.GetRasterBand(b).ReadAsArray() for b in (1, 2, 3))
assert ((old == -1) == (state == 1)).all() and ((new == -1) == (state == 1)).all()
open_ = state == 2
want = 0.1 * slope[open_] / 65534.0 + 0.9 * road[open_] / 65534.0
assert abs(new[open_] - want).max() < 1e-5
assert abs(new[open_] - old[open_]).max() > 1e-3  # it did change
PY
grep -q "0.9000" "$WORK/r/report.html" && echo "ok: report shows the new weights" || fail "report weights"
grep -q "What-if: re-weighted" "$WORK/r/report.html" && grep -qE "<td>(stays|enters|leaves)" "$WORK/r/report.html" &&
  echo "ok: report lists the top-K moves" || fail "report what-if section"
# With Monte-Carlo runs, the report says who stays in the top K and who swaps.
"$SITEPLAN" -q suitability data/suit_project.toml --out "$WORK/m" --sensitivity 30 >/dev/null || fail "exit $?"
grep -q "Weight sensitivity" "$WORK/m/report.html" && grep -q "stay in the top 3 in every run" "$WORK/m/report.html" &&
  echo "ok: report sensitivity section" || fail "report sensitivity section"

# A tiled run (--map-tiles): rescore reads factors.vrt and gives the same answer as from
# factors.tif; into another folder it carries the factor tiles over (not the old map tiles); in
# place it replaces the old weights' map (VRT and tiles) by suitability.tif and keeps the factors.
"$SITEPLAN" -q suitability data/suit_project.toml --out "$WORK/t" --map-tiles 256 >/dev/null || fail "tiled suitability exit $?"
[[ -f "$WORK/t/factors.vrt" && -f "$WORK/t/tiles/factors-r000000.tif" && ! -e "$WORK/t/factors.tif" ]] || fail "tiled run: $(ls -R "$WORK/t")"
"$SITEPLAN" -q rescore "$WORK/t" --weight road=0.9 --weight slope=0.1 --out "$WORK/rt" >/dev/null || fail "tiled rescore exit $?"
cmp -s "$WORK/r/ranking.csv" "$WORK/rt/ranking.csv" && cmp -s "$WORK/r/suitability.tif" "$WORK/rt/suitability.tif" \
  && echo "ok: rescore of a tiled run = rescore of the single files" || fail "tiled rescore differs"
[[ -f "$WORK/rt/factors.vrt" && -f "$WORK/rt/tiles/factors-r000000.tif" && ! -e "$WORK/rt/tiles/suitability-r000000.tif" && ! -e "$WORK/rt/suitability.vrt" ]] \
  && echo "ok: the factor tiles carried over" || fail "tiled rescore files: $(ls -R "$WORK/rt")"
"$SITEPLAN" -q rescore "$WORK/rt" --weight road=0.9 --weight slope=0.1 --out "$WORK/rt2" >/dev/null \
  && cmp -s "$WORK/rt/ranking.csv" "$WORK/rt2/ranking.csv" && echo "ok: the carried-over factors read again" || fail "rescore of a rescored tiled run"
cp -r "$WORK/t" "$WORK/tin"
"$SITEPLAN" -q rescore "$WORK/tin" --weight road=0.9 --weight slope=0.1 >/dev/null || fail "in-place tiled rescore exit $?"
[[ -f "$WORK/tin/suitability.tif" && ! -e "$WORK/tin/suitability.vrt" && ! -e "$WORK/tin/tiles/suitability-r000000.tif" && -f "$WORK/tin/factors.vrt" && -f "$WORK/tin/tiles/factors-r000000.tif" ]] \
  && cmp -s "$WORK/r/ranking.csv" "$WORK/tin/ranking.csv" && echo "ok: in place, the old map's tiles replaced" || fail "in-place tiled rescore: $(ls -R "$WORK/tin")"

# AHP: road three times as important as slope → 0.75 / 0.25.
printf '# slope road\n1 1/3\n3 1\n' >"$WORK/ahp.txt"
"$SITEPLAN" -q rescore "$WORK/s" --ahp-matrix "$WORK/ahp.txt" --out "$WORK/a" >/dev/null || fail "ahp rescore exit $?"
/usr/bin/python3 -c "
import json; f=json.load(open('$WORK/a/run.json'))['factors']
assert abs(f[0]['weight']-0.25)<1e-9 and abs(f[1]['weight']-0.75)<1e-9, f" && echo "ok: AHP weights" || fail "AHP weights"

# Refused: an unknown factor, both ways at once, an inconsistent matrix, a folder that is no run.
expect_exit 2 "no factor 'raod'.*did you mean 'road'" -- "$SITEPLAN" rescore "$WORK/s" --weight raod=0.5 --out "$WORK/x"
expect_exit 2 "either --weight or --ahp-matrix" -- "$SITEPLAN" rescore "$WORK/s" --weight road=1 --ahp-matrix "$WORK/ahp.txt" --out "$WORK/x"
printf '1 9 1/9\n1/9 1 9\n9 1/9 1\n' >"$WORK/bad.txt"
expect_exit 2 "rows, but the run compares 2 factors" -- "$SITEPLAN" rescore "$WORK/s" --ahp-matrix "$WORK/bad.txt" --out "$WORK/x"
expect_exit 2 "no run.json" -- "$SITEPLAN" rescore "$WORK" --weight road=1 --out "$WORK/x"
[[ ! -e "$WORK/x/ranking.csv" ]] && echo "ok: nothing written when refused" || fail "refused run wrote files"
finish
