"""Compares a sheet of an XLSX written by SitePlan with the CSV it mirrors, read through GDAL.

usage: xlsx_check.py FILE.xlsx SHEET FILE.csv CSVCOL=XLSXCOL[:DECIMALS] ...
Rows must be the same in number and order; text columns equal, numeric ones equal once
rounded to DECIMALS (the CSV value, divided by 10000 when the column is in 公顷 and marked /ha).
Run with Debian's /usr/bin/python3 (python3-gdal).
"""
import csv
import os
import sys

from osgeo import gdal, ogr

gdal.UseExceptions()
os.environ["OGR_XLSX_HEADERS"] = "FORCE"
gdal.SetConfigOption("OGR_XLSX_HEADERS", "FORCE")
path, sheet, csv_path = sys.argv[1:4]
ds = ogr.Open(path)
layer = ds.GetLayerByName(sheet)
if layer is None:
    sys.exit(f"no sheet {sheet} in {path}: {[ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())]}")
xrows = [f for f in layer]
with open(csv_path, encoding="utf-8") as fh:
    crows = list(csv.DictReader(fh))
if len(xrows) != len(crows):
    sys.exit(f"{path}:{sheet}: {len(xrows)} rows, {csv_path}: {len(crows)}")
for spec in sys.argv[4:]:
    ccol, xcol = spec.split("=")
    decimals = None
    scale = 1.0
    if ":" in xcol:
        xcol, d = xcol.split(":")
        if d.endswith("/ha"):
            scale, d = 1e-4, d[:-3]
        decimals = int(d)
    for i, (x, c) in enumerate(zip(xrows, crows)):
        xv = x.GetField(xcol)
        cv = c[ccol]
        if decimals is None:
            ok = (xv or "") == cv
        else:
            ok = round(float(xv or 0), decimals) == round(float(cv or 0) * scale, decimals)
        if not ok:
            sys.exit(f"row {i + 1}: {csv_path} {ccol}={cv!r} but {path} {xcol}={xv!r}")
print(f"ok: {os.path.basename(path)}:{sheet} equals {os.path.basename(csv_path)} ({len(crows)} rows)")
