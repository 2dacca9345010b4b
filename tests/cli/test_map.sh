#!/usr/bin/env bash
# `siteplan map`: a real render (under a private Xvfb when DISPLAY is unset) checked by pixels,
# a golden image with a tolerance, picking, and PDF output.
source "$(dirname "$0")/lib.sh" "$@"
if "$SITEPLAN" map 2>&1 | grep -q "built without the viewer"; then echo "viewer not built: skipped"; exit 0; fi
PY=/usr/bin/python3
CHECK="$TESTS/cli/map_check.py"
unset DISPLAY   # the command must start its own X server
export SOURCE_DATE_EPOCH=1714521600   # the date printed on the maps (2024-05-01): stable images

"$SITEPLAN" -q clearance --parcels data/parcels.gpkg:parcels --id-field XMBH --name-field XMMC \
  --rules data/clearance_rules.toml --out "$WORK/res" >/dev/null || fail "clearance exit $?"
# P1 is blocked; P8 has a hole (620425..620475, 2899025..2899075) with grade-I forest inside it.
# P1's conflict piece with permanent farmland is 620050..620100 × 2899000..2899100.
out="$("$SITEPLAN" -q map data/view_project.toml --result "$WORK/res" --out "$WORK/map.png" \
        --mode 2d --size 800x600 --color verdict --locate P1 --locate 620450,2899050 --locate 620075,2899020 \
        2>"$WORK/map.err")" || fail "map exit $?"
echo "$out"
[[ ! -s "$WORK/map.err" ]] && echo "ok: quiet stderr" || { cat "$WORK/map.err"; fail "map wrote to stderr"; }
read -r _ _ p1x p1y <<<"$(grep '^locate P1 ' <<<"$out")"
read -r _ _ hx hy <<<"$(grep '^locate 620450,2899050 ' <<<"$out")"
read -r _ _ bx by <<<"$(grep '^locate 620075,2899020 ' <<<"$out")"   # P1's conflict piece, below its label
[[ -n "$p1x" && -n "$hx" && -n "$bx" ]] || fail "locate gave no positions"
$PY "$CHECK" "$WORK/map.png" colour_near "$bx" "$by" d7191c 12 2 || fail "the blocking conflict piece is not drawn above the parcel"
$PY "$CHECK" "$WORK/map.png" not_colour "$hx" "$hy" fdae61 25 || fail "the hole of P8 is filled with its colour"
$PY "$CHECK" "$WORK/map.png" not_colour "$hx" "$hy" d7191c 25 || fail "the hole shows a parcel colour"
$PY "$CHECK" "$WORK/map.png" busy 680 420 800 600 6 || fail "legend area empty"
$PY "$CHECK" "$WORK/map.png" not_blank || fail "blank image"
$PY "$CHECK" "$WORK/map.png" golden "$TESTS/cli/golden/map_2d.png" 6 || fail "differs from the golden image"
if [[ "${UPDATE_GOLDEN:-0}" == 1 ]]; then cp "$WORK/map.png" "$TESTS/cli/golden/map_2d.png"; fi

# Every rule that decides a parcel is in the legend and drawn; every verdict (unchecked too).
for r in $(awk -F, 'NR > 1 && $7 != "" { gsub(";", " ", $7); print $7 }' "$WORK/res/parcels.csv" | tr ' ' '\n' | sort -u); do
  grep -qE "^legend: rule $r [a-z]+ decides=[1-9][0-9]* drawn=1 " <<<"$out" || fail "deciding rule $r not in the legend"
done
for v in blocked unchecked approval clear invalid; do
  grep -q "^legend: verdict $v " <<<"$out" || fail "verdict $v not in the legend"
done
echo "ok: legend lists every deciding rule and verdict"

pick="$("$SITEPLAN" -q map data/view_project.toml --result "$WORK/res" --out "$WORK/pick.png" \
         --mode 2d --size 800x600 --pick "$p1x,$p1y" --pick 5,5)"
grep -q "^pick $p1x $p1y P1$" <<<"$pick" && echo "ok: pick P1" || fail "pick: $pick"
grep -q "^pick 5 5 none$" <<<"$pick" && echo "ok: pick nothing" || fail "pick outside: $pick"

"$SITEPLAN" -q map data/view_project.toml --result "$WORK/res" --out "$WORK/map3d.png" --mode 3d \
  --size 640x480 >/dev/null || fail "3d exit $?"
$PY "$CHECK" "$WORK/map3d.png" not_blank || fail "3d blank"
# PDF: real text (the Chinese title verbatim, labels, every deciding rule), CJK font embedded.
"$SITEPLAN" -q map data/view_project.toml --result "$WORK/res" --out "$WORK/map.pdf" --mode 2d \
  --paper A4 --landscape --color verdict --legend-out "$WORK/legend.txt" >/dev/null || fail "pdf exit $?"
head -c 4 "$WORK/map.pdf" | grep -q '%PDF' && echo "ok: pdf" || fail "not a PDF"
command -v pdftotext >/dev/null || fail "pdftotext missing: scripts/install-deps.sh --test (poppler-utils)"
pdftotext "$WORK/map.pdf" "$WORK/map.txt" || fail "pdftotext failed"
grep -qF "测试地图 map test · 用地预审结论 clearance verdicts" "$WORK/map.txt" || fail "PDF title is not text"
grep -qF "P1 部分占用基本农田" "$WORK/map.txt" || fail "PDF parcel label is not text"
grep -qF "永久基本农田 [block]" "$WORK/map.txt" || fail "PDF legend lacks the deciding block rule"
grep -qF "P7" "$WORK/map.txt" || fail "PDF does not mention the parcel it could not draw"
pdffonts "$WORK/map.pdf" | grep -iE "cjk|wenquanyi|zenhei" | grep -qE "yes +yes +yes" \
  && echo "ok: pdf text and embedded CJK subset" || { pdffonts "$WORK/map.pdf"; fail "no embedded CJK subset font"; }
grep -q "^rule permanent-farmland block decides=2 drawn=1 " "$WORK/legend.txt" || fail "--legend-out"

# Unchecked parcels (outside a declared coverage): the map says so first, under the title.
"$SITEPLAN" -q clearance --parcels data/parcels.gpkg:parcels --id-field XMBH --name-field XMMC \
  --rules data/clearance_rules.toml --coverage data/constraints.gpkg:yjjbnt --out "$WORK/unc" >/dev/null 2>&1
[[ $? == 3 ]] || fail "clearance with a small coverage should exit 3"
n_unc="$(awk -F, 'NR > 1 && $3 == "unchecked"' "$WORK/unc/parcels.csv" | wc -l)"
"$SITEPLAN" -q map data/view_project.toml --result "$WORK/unc" --out "$WORK/unc.pdf" --mode 2d \
  --paper A4 --landscape --color verdict | grep -q "^legend: verdict unchecked $n_unc$" || fail "unchecked count in the legend"
pdftotext "$WORK/unc.pdf" - | sed -n 3p | grep -qF "$n_unc parcels UNCHECKED: outside the coverage" \
  && echo "ok: unchecked line under the title" || fail "no UNCHECKED line under the title"

# Print size: A4 landscape at 300 dpi, the title's ink height as printed (~16 pt type).
"$SITEPLAN" -q map data/view_project.toml --result "$WORK/res" --out "$WORK/a4.png" --mode 2d \
  --paper A4 --landscape --dpi 300 >/dev/null || fail "a4 exit $?"
$PY -c "from osgeo import gdal; d = gdal.Open('$WORK/a4.png'); assert (d.RasterXSize, d.RasterYSize) == (3508, 2480)" \
  || fail "A4 at 300 dpi is not 3508x2480"
$PY "$CHECK" "$WORK/a4.png" title_height 300 14.5 19.5 || fail "title not ~16 pt on paper"

# Without --result: the legend lists the constraint layers drawn.
cat > "$WORK/layers_only.toml" <<EOF
profile = "$PWD/data/clearance_rules.toml"
[project]
name = "约束图层 layers only"
study_area = "yjjbnt"
EOF
lo="$("$SITEPLAN" -q map "$WORK/layers_only.toml" --out "$WORK/layers.png" --mode 2d --size 800x600 2>"$WORK/lo.err")" \
  || fail "layers-only map exit $?"
[[ ! -s "$WORK/lo.err" ]] || { cat "$WORK/lo.err"; fail "layers-only map wrote to stderr"; }
[[ "$(grep -c '^legend: rule ' <<<"$lo")" == 5 ]] && echo "ok: layers-only legend" || fail "layers-only legend: $lo"
$PY "$CHECK" "$WORK/layers.png" busy 600 80 790 200 20 || fail "layers-only legend empty"
expect_exit 2 "must end in .png or .pdf" -- "$SITEPLAN" -q map data/view_project.toml --out "$WORK/map.jpg"
expect_exit 2 "no candidates.gpkg or clearance.gpkg" -- "$SITEPLAN" -q map data/view_project.toml --result "$WORK" --out "$WORK/x.png"
finish
