#!/usr/bin/env bash
# The viewer's what-if, headless: `siteplan map --weight` re-scores a suitability result in memory
# (no factor recomputed), prints the weights panel and the top 10, and the parcels are recoloured.
source "$(dirname "$0")/lib.sh" "$@"
if "$SITEPLAN" map 2>&1 | grep -q "built without the viewer"; then echo "viewer not built: skipped"; exit 0; fi
unset DISPLAY
export SOURCE_DATE_EPOCH=1714521600
"$SITEPLAN" -q suitability data/suit_project.toml --out "$WORK/s" >/dev/null || fail "suitability exit $?"
base="$("$SITEPLAN" -q map data/suit_project.toml --result "$WORK/s" --out "$WORK/a.png" --mode 2d \
  --size 800x600 --locate S1 2>&1)" || fail "map exit $?"
grep -q "what-if" <<<"$base" && fail "what-if lines without --weight"
out="$("$SITEPLAN" -q map data/suit_project.toml --result "$WORK/s" --out "$WORK/b.png" --mode 2d \
  --size 800x600 --locate S1 --weight road=0.95 --weight slope=0.05 2>&1)" || fail "map exit $?"
echo "$out" | grep "what-if"
# D-r0c0: 0.05 × 0.391172 + 0.95 × 1 = 0.969559; S1: 0.05 × 0.385502 + 0.95 × 0.9 = 0.874275.
grep -qE "what-if: > ?road +0.950|what-if:   road +0.950" <<<"$out" && echo "ok: panel shows the new weight" || fail "weights panel"
grep -q "what-if:  1 D-r0c0 0.970" <<<"$out" && grep -q "what-if:  2 S1 0.874" <<<"$out" &&
  echo "ok: top 10 re-scored" || fail "top 10: $out"
read -r _ _ x y <<<"$(grep '^locate S1 ' <<<"$out")"
[[ -n "$x" ]] || fail "S1 not located"
/usr/bin/python3 - "$WORK/a.png" "$WORK/b.png" "$x" "$y" <<'PY' && echo "ok: S1 recoloured" || fail "S1 not recoloured"
import sys
import numpy as np
from osgeo import gdal
x, y = int(sys.argv[3]), int(sys.argv[4])
def box(p):
    ds = gdal.Open(p)
    img = np.dstack([ds.GetRasterBand(i + 1).ReadAsArray() for i in range(3)]).astype(int)
    return img[y - 12:y + 13, x - 12:x + 13]
a, b = box(sys.argv[1]), box(sys.argv[2])
changed = (np.abs(a - b).sum(axis=2) > 30).mean()
print(f"share of pixels around S1 that changed colour: {changed:.2f}")
sys.exit(0 if changed > 0.3 else 1)
PY
# A tiled run (--map-tiles: factors.vrt over tiles) gives the viewer the same what-if.
"$SITEPLAN" -q suitability data/suit_project.toml --out "$WORK/t" --map-tiles 256 >/dev/null || fail "tiled suitability exit $?"
tiled="$("$SITEPLAN" -q map data/suit_project.toml --result "$WORK/t" --out "$WORK/t.png" --mode 2d \
  --size 800x600 --locate S1 --weight road=0.95 --weight slope=0.05 2>&1)" || fail "tiled map exit $?"
[[ "$(grep what-if <<<"$tiled")" == "$(grep what-if <<<"$out")" ]] && echo "ok: a tiled run's what-if" \
  || fail "tiled what-if: $tiled"
expect_exit 2 "no such factor" -- "$SITEPLAN" -q map data/suit_project.toml --result "$WORK/s" --out "$WORK/c.png" --weight raod=1
finish
