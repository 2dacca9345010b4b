"""Pixel checks on a rendered map (run with Debian's python3-gdal and numpy).

usage: map_check.py PNG CHECK ARGS...
  colour X Y RRGGBB TOL     pixel (X, Y) within TOL of the colour on every channel
  not_colour X Y RRGGBB TOL pixel differs from the colour by more than TOL somewhere
  busy X0 Y0 X1 Y1 N        the box holds at least N distinct colours (not blank)
  not_blank                 the image has more than 50 distinct colours
  golden GOLDEN_PNG TOL     mean absolute difference to GOLDEN_PNG ≤ TOL (0–255 scale)
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
