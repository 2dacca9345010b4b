"""Pixel checks on a rendered map (run with Debian's python3-gdal and numpy).

usage: map_check.py PNG CHECK ARGS...
  colour X Y RRGGBB TOL     pixel (X, Y) within TOL of the colour on every channel
  not_colour X Y RRGGBB TOL pixel differs from the colour by more than TOL somewhere
  busy X0 Y0 X1 Y1 N        the box holds at least N distinct colours (not blank)
  not_blank                 the image has more than 50 distinct colours
  golden GOLDEN_PNG TOL     mean absolute difference to GOLDEN_PNG ≤ TOL (0–255 scale)
  colour_near X Y RRGGBB TOL R  some pixel within R of (X, Y) is within TOL of the colour
  title_height DPI MIN_PT MAX_PT  the first band of dark ink from the top (the title row) is
                            MIN_PT..MAX_PT points tall on paper at DPI (ink height, not font size)
"""
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()


def load(path):
    ds = gdal.Open(path)
    return np.dstack([ds.GetRasterBand(i + 1).ReadAsArray() for i in range(3)]).astype(int)


def rgb(hexs):
    return np.array([int(hexs[i:i + 2], 16) for i in (0, 2, 4)])


def main():
    img = load(sys.argv[1])
    check, args = sys.argv[2], sys.argv[3:]
    if check in ("colour", "not_colour"):
        x, y, want, tol = int(args[0]), int(args[1]), rgb(args[2]), int(args[3])
        got = img[y, x]
        close = bool(np.all(np.abs(got - want) <= tol))
        ok = close if check == "colour" else not close
        print(f"{check} at ({x},{y}): got {got.tolist()} want {want.tolist()} ±{tol}: {'ok' if ok else 'FAIL'}")
        return 0 if ok else 1
    if check == "colour_near":
        x, y, want, tol, r = int(args[0]), int(args[1]), rgb(args[2]), int(args[3]), int(args[4])
        box = img[max(0, y - r):y + r + 1, max(0, x - r):x + r + 1].reshape(-1, 3)
        ok = bool(np.any(np.all(np.abs(box - want) <= tol, axis=1)))
        print(f"colour_near ({x},{y}) r={r}: want {want.tolist()} ±{tol}: {'ok' if ok else 'FAIL'}")
        return 0 if ok else 1
    if check == "title_height":
        dpi, lo, hi = float(args[0]), float(args[1]), float(args[2])
        lum = img.mean(axis=2)
        h, w = lum.shape
        dark = (lum[: h // 4, : int(w * 0.8)] < 110).any(axis=1)
        rows = np.nonzero(dark)[0]
        if len(rows) == 0:
            print("title_height: no ink at the top")
            return 1
        top = end = rows[0]
        while end + 1 < len(dark) and dark[end + 1]:
            end += 1
        px = end - top + 1
        pt = px * 72.0 / dpi
        ok = lo <= pt <= hi
        print(f"title_height: rows {top}..{end}: {px} px = {pt:.1f} pt = {px * 25.4 / dpi:.2f} mm "
              f"at {dpi:g} dpi (want {lo:g}..{hi:g} pt): {'ok' if ok else 'FAIL'}")
        return 0 if ok else 1
    if check == "busy":
        x0, y0, x1, y1, n = map(int, args)
        box = img[y0:y1, x0:x1].reshape(-1, 3)
        distinct = len({tuple(p) for p in box})
        print(f"busy box: {distinct} colours (want ≥ {n})")
        return 0 if distinct >= n else 1
    if check == "not_blank":
        distinct = len({tuple(p) for p in img.reshape(-1, 3)[::7]})
        print(f"image: {distinct} colours")
        return 0 if distinct > 50 else 1
    if check == "golden":
        gold = load(args[0])
        if gold.shape != img.shape:
            print(f"golden: shape {img.shape} != {gold.shape}")
            return 1
        diff = float(np.mean(np.abs(img - gold)))
        print(f"golden: mean abs difference {diff:.3f} (tolerance {args[1]})")
        return 0 if diff <= float(args[1]) else 1
    print("unknown check", check)
    return 2


if __name__ == "__main__":
    sys.exit(main())
