#!/usr/bin/env bash
# `siteplan map`: a real render (under a private Xvfb when DISPLAY is unset) checked by pixels,
# a golden image with a tolerance, picking, and PDF output.
source "$(dirname "$0")/lib.sh" "$@"
if "$SITEPLAN" map 2>&1 | grep -q "built without the viewer"; then echo "viewer not built: skipped"; exit 0; fi
PY=/usr/bin/python3
CHECK="$TESTS/cli/map_check.py"
unset DISPLAY   # the command must start its own X server

"$SITEPLAN" -q clearance --parcels data/parcels.gpkg:parcels --id-field XMBH --name-field XMMC \
  --rules data/clearance_rules.toml --out "$WORK/res" >/dev/null || fail "clearance exit $?"
# P1 is blocked; P8 has a hole (620425..620475, 2899025..2899075) with grade-I forest inside it.
out="$("$SITEPLAN" -q map data/view_project.toml --result "$WORK/res" --out "$WORK/map.png" \
        --mode 2d --size 800x600 --color verdict --locate P1 --locate 620450,2899050 --locate 620012,2899012)" \
  || fail "map exit $?"
echo "$out"
read -r _ _ p1x p1y <<<"$(grep '^locate P1 ' <<<"$out")"
read -r _ _ hx hy <<<"$(grep '^locate 620450,2899050 ' <<<"$out")"
read -r _ _ bx by <<<"$(grep '^locate 620012,2899012 ' <<<"$out")"   # inside P1, clear of its label
[[ -n "$p1x" && -n "$hx" && -n "$bx" ]] || fail "locate gave no positions"
$PY "$CHECK" "$WORK/map.png" colour "$bx" "$by" d7191c 12 || fail "blocked parcel not in the verdict colour"
$PY "$CHECK" "$WORK/map.png" not_colour "$hx" "$hy" fdae61 25 || fail "the hole of P8 is filled with its colour"
$PY "$CHECK" "$WORK/map.png" not_colour "$hx" "$hy" d7191c 25 || fail "the hole shows a parcel colour"
$PY "$CHECK" "$WORK/map.png" busy 680 420 800 600 6 || fail "legend area empty"
$PY "$CHECK" "$WORK/map.png" not_blank || fail "blank image"
$PY "$CHECK" "$WORK/map.png" golden "$TESTS/cli/golden/map_2d.png" 6 || fail "differs from the golden image"
if [[ "${UPDATE_GOLDEN:-0}" == 1 ]]; then cp "$WORK/map.png" "$TESTS/cli/golden/map_2d.png"; fi

pick="$("$SITEPLAN" -q map data/view_project.toml --result "$WORK/res" --out "$WORK/pick.png" \
         --mode 2d --size 800x600 --pick "$p1x,$p1y" --pick 5,5)"
grep -q "^pick $p1x $p1y P1$" <<<"$pick" && echo "ok: pick P1" || fail "pick: $pick"
grep -q "^pick 5 5 none$" <<<"$pick" && echo "ok: pick nothing" || fail "pick outside: $pick"

"$SITEPLAN" -q map data/view_project.toml --result "$WORK/res" --out "$WORK/map3d.png" --mode 3d \
  --size 640x480 >/dev/null || fail "3d exit $?"
$PY "$CHECK" "$WORK/map3d.png" not_blank || fail "3d blank"
"$SITEPLAN" -q map data/view_project.toml --result "$WORK/res" --out "$WORK/map.pdf" --mode 2d \
  --size 800x600 >/dev/null || fail "pdf exit $?"
head -c 4 "$WORK/map.pdf" | grep -q '%PDF' && echo "ok: pdf" || fail "not a PDF"
expect_exit 2 "must end in .png or .pdf" -- "$SITEPLAN" -q map data/view_project.toml --out "$WORK/map.jpg"
expect_exit 2 "no candidates.gpkg or clearance.gpkg" -- "$SITEPLAN" -q map data/view_project.toml --result "$WORK" --out "$WORK/x.png"
finish
