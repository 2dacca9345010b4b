#!/usr/bin/env bash
# The Ministry coordinate TXT (坐标文件): `export-txt` writes one, `info` and `clearance
# --parcels` read it (地块编号 / 地块名称 as id and name by default), bad files exit 2.
source "$(dirname "$0")/lib.sh" "$@"

# export-txt: a coordinate file read and written again (GBK, prefixed eastings kept).
"$SITEPLAN" -q export-txt data/txt/good_utf8.txt --out "$WORK/good.txt" --date 2024-5-1 >/dev/null \
  || fail "export-txt exit $?"
iconv -f GBK -t UTF-8 "$WORK/good.txt" >"$WORK/good_utf8.txt" 2>/dev/null && echo "ok: GBK output" || fail "output is not GBK"
grep -q '^坐标系=2000国家大地坐标系' "$WORK/good_utf8.txt" && grep -q '^带号=33' "$WORK/good_utf8.txt" \
  && echo "ok: [属性描述]" || fail "[属性描述]: $(head -12 "$WORK/good_utf8.txt")"
grep -q '^5,1.0000,BY-01,北衙地块一,面,,工业用地,0601,@' "$WORK/good_utf8.txt" && echo "ok: header line" \
  || fail "header line: $(grep BY-01 "$WORK/good_utf8.txt")"
grep -q '^J1,1,2899000.000,33620000.000' "$WORK/good_utf8.txt" && echo "ok: point rows" || fail "point rows"
[[ -z "$(ls -A "$WORK" | grep -F .tmp-)" ]] || fail "temporary file left"

expect_exit 2 "no field 'XMBH'" -- "$SITEPLAN" -q export-txt data/constraints.gpkg:yjjbnt --out "$WORK/farm.txt" --id-field XMBH
expect_exit 2 "polygons only" -- "$SITEPLAN" -q export-txt data/parcels.gpkg:parcels --out "$WORK/x.txt"
expect_exit 2 "Gauss-Krüger CRS.*--crs EPSG:4542" -- "$SITEPLAN" -q export-txt data/txt/good_utf8.txt --out "$WORK/x.txt" --crs EPSG:32647
[[ ! -e "$WORK/x.txt" ]] || fail "file written on bad input"
"$SITEPLAN" -q export-txt data/constraints.gpkg:yjjbnt --out "$WORK/farm.txt" --encoding UTF-8 >/dev/null \
  || fail "export-txt yjjbnt exit $?"
grep -q '^带号=33' "$WORK/farm.txt" && grep -qE '^J1,1,2899000.000,620050.000' "$WORK/farm.txt" \
  && echo "ok: UTF-8, unprefixed" || fail "farm.txt: $(head -16 "$WORK/farm.txt")"

# info reads the TXT (written GBK, detected).
"$SITEPLAN" -q info "$WORK/good.txt" >"$WORK/info.txt" || fail "info exit $?"
grep -q "EPSG:4521" "$WORK/info.txt" && grep -q "features:   5" "$WORK/info.txt" \
  && grep -q "地块编号 (String)" "$WORK/info.txt" && echo "ok: info" || fail "info: $(cat "$WORK/info.txt")"

# clearance --parcels file.txt: 地块编号 is the id, 地块名称 the name, without saying so.
"$SITEPLAN" -q clearance --parcels "$WORK/good.txt" --rules data/clearance_rules.toml \
  --out "$WORK/c1" >/dev/null; rc=$?
# BY-04 lies beyond the land-use coverage (the run's coverage): unchecked, exit 3.
[[ $rc == 3 ]] || fail "clearance txt exit $rc (want 3)"
grep -q '^BY-04,60000.000000,unchecked,' "$WORK/c1/parcels.csv" && echo "ok: BY-04 unchecked" || fail "BY-04 not unchecked"
grep -q '^BY-01,10000.000000,blocked,' "$WORK/c1/parcels.csv" && grep -q ',北衙地块一,' "$WORK/c1/parcels.csv" \
  && echo "ok: clearance ids and names" || fail "parcels.csv: $(cat "$WORK/c1/parcels.csv")"
grep -q '^BY-05,.*,repaired,' "$WORK/c1/parcels.csv" && echo "ok: bow-tie repaired" || fail "bow-tie: $(grep BY-05 "$WORK/c1/parcels.csv")"
"$SITEPLAN" -q clearance --parcels "$WORK/good.txt" --id-field 地块编号 --rules data/clearance_rules.toml \
  --out "$WORK/c2" >/dev/null; rc=$?
[[ $rc == 3 ]] || fail "clearance --id-field exit $rc (want 3)"
cmp -s "$WORK/c1/overlaps.csv" "$WORK/c2/overlaps.csv" && echo "ok: --id-field 地块编号 same" || fail "overlaps differ"
# The same parcels from the GeoPackage give the same overlaps for the shared squares.
grep -q '^BY-01,permanent-farmland,block,5000.000000,50.000000,' "$WORK/c1/overlaps.csv" \
  && echo "ok: overlap" || fail "overlaps.csv: $(cat "$WORK/c1/overlaps.csv")"

# Bad coordinate files: file:line, exit 2, nothing written.
bad() {
  local pattern="$1"; shift
  rm -rf "$WORK/bad"
  expect_exit 2 "$pattern" -- "$SITEPLAN" -q clearance --parcels "$1" --constraint a=data/constraints.gpkg:yjjbnt --out "$WORK/bad"
  [[ -z "$(ls -A "$WORK/bad" 2>/dev/null)" ]] || fail "files written on bad input"
}
bad "bad_zone.txt:16: .*zone prefix 34 but 带号 \(line 9\) is 33" data/txt/bad_zone.txt
bad "bad_unclosed.txt:14: .*not closed" data/txt/bad_unclosed.txt
bad "bad_empty.txt:1: the coordinate file is empty" data/txt/bad_empty.txt
expect_exit 2 "bad_count.txt:13: .*界址点数 is 7" -- "$SITEPLAN" -q info data/txt/bad_count.txt
# A clearance result written as a coordinate file (the submission after the check) and read back:
# the same verdicts.
"$SITEPLAN" -q clearance --parcels data/parcels.gpkg:parcels --id-field XMBH --name-field XMMC \
  --rules data/clearance_rules.toml --out "$WORK/r1" >/dev/null
expect_exit 2 "no geometry.*--where" -- "$SITEPLAN" -q export-txt "$WORK/r1/clearance.gpkg:parcels" --id-field parcel_id --out "$WORK/r1.txt"
"$SITEPLAN" -q export-txt "$WORK/r1/clearance.gpkg:parcels" --id-field parcel_id --name-field name \
  --where "verdict <> 'invalid'" --out "$WORK/r1.txt" >/dev/null || fail "export-txt --where exit $?"
"$SITEPLAN" -q clearance --parcels "$WORK/r1.txt" --rules data/clearance_rules.toml --out "$WORK/r2" >/dev/null \
  || fail "clearance of the exported result exit $?"
[[ "$(cut -d, -f1,3 "$WORK/r2/parcels.csv")" == "$(grep -v ',invalid,' "$WORK/r1/parcels.csv" | cut -d, -f1,3)" ]] \
  && echo "ok: result → TXT → same verdicts" || fail "round trip verdicts differ"
finish
