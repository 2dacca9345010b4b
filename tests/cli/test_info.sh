#!/usr/bin/env bash
# `siteplan info` golden outputs and its bad-input messages (exit 2, nothing written).
source "$(dirname "$0")/lib.sh" "$@"

"$SITEPLAN" -q info data/tiny_project.toml >"$WORK/project.txt" || fail "info project exit $?"
golden info_project.txt "$WORK/project.txt"
"$SITEPLAN" -q info data/tiny.gpkg >"$WORK/dataset.txt" || fail "info dataset exit $?"
golden info_dataset.txt "$WORK/dataset.txt"
"$SITEPLAN" -q info data/prefixed.gpkg >"$WORK/prefixed.txt" || fail "info prefixed exit $?"
grep -q "declare EPSG:4521" "$WORK/prefixed.txt" || fail "zone prefix not reported"
"$SITEPLAN" -q info data/tiny.gpkg --format json >"$WORK/info.json" || fail "json exit $?"
grep -q '"feature' "$WORK/info.json" || fail "json output"

# Bad input: each names the file (and layer, field, line:column) and exits 2.
cat >"$WORK/syntax.toml" <<'T'
[project]
crs = "EPSG:4542
T
expect_exit 2 "syntax.toml:2:[0-9]+: TOML syntax error" -- "$SITEPLAN" info "$WORK/syntax.toml"
cat >"$WORK/unknown_key.toml" <<'T'
[project]
crs = "EPSG:4542"
[layers.a]
source = "x.gpkg"
encodign = "GBK"
T
expect_exit 2 "unknown_key.toml:5:1: unknown key 'encodign'.*did you mean 'encoding'" -- "$SITEPLAN" info "$WORK/unknown_key.toml"
expect_exit 2 "missing.toml: cannot open the project file \(no such file\)" -- "$SITEPLAN" info "$WORK/missing.toml"
cat >"$WORK/missing_data.toml" <<T
[project]
crs = "EPSG:4542"
[layers.a]
source = "$WORK/nothing.gpkg"
T
expect_exit 2 "nothing.gpkg: no such file" -- "$SITEPLAN" info "$WORK/missing_data.toml"
echo "not a data set" >"$WORK/garbage.gpkg"
expect_exit 2 "garbage.gpkg: not a vector data set GDAL can read" -- "$SITEPLAN" info "$WORK/garbage.gpkg"
cat >"$WORK/unknown_layer.toml" <<T
[project]
crs = "EPSG:4542"
[layers.a]
source = "$TESTS/data/constraints.gpkg"
layer = "yjjbtn"
T
expect_exit 2 "constraints.gpkg: no layer 'yjjbtn' \(did you mean 'yjjbnt'\?\)" -- "$SITEPLAN" info "$WORK/unknown_layer.toml"
cat >"$WORK/unknown_field.toml" <<T
[project]
crs = "EPSG:4542"
[layers.a]
source = "$TESTS/data/constraints.gpkg"
layer = "ldbh"
where = "BHJD = '1'"
T
expect_exit 2 "constraints.gpkg:ldbh: bad attribute filter .*unknown field 'BHJD' \(did you mean 'BHDJ'\?\)" -- "$SITEPLAN" info "$WORK/unknown_field.toml"
cat >"$WORK/no_crs.toml" <<T
[project]
crs = "EPSG:4542"
[layers.a]
source = "$TESTS/data/nocrs/parcels.shp"
T
expect_exit 2 "parcels.shp:parcels: the layer has no CRS and none is given" -- "$SITEPLAN" info "$WORK/no_crs.toml"
cat >"$WORK/bad_crs.toml" <<T
[project]
crs = "EPSG:45422"
T
expect_exit 2 "unknown CRS 'EPSG:45422'" -- "$SITEPLAN" info "$WORK/bad_crs.toml"
expect_exit 2 "info" -- "$SITEPLAN" info
[[ -z "$(find "$TESTS/data" -name '*.aux.xml')" ]] || fail "an input was changed (aux.xml written)"
[[ -z "$(ls -A "$WORK" | grep -vE '\.(toml|gpkg|txt|json)$')" ]] || fail "unexpected files written"
finish
