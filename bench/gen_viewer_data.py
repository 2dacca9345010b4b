#!/usr/bin/python3
"""Synthetic scene for the viewer benchmark: a 2,000 × 2,000 DEM (30 m) and 20,000 parcels.

usage: gen_viewer_data.py OUTDIR   (deterministic; Debian's python3-gdal and numpy)
"""
import math
import os
import sys

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/siteplan-viewer-bench"
os.makedirs(out, exist_ok=True)
X0, Y0, N, CELL = 560000.0, 2870000.0, 2000, 30.0
srs = osr.SpatialReference()
srs.ImportFromEPSG(4542)

rng = np.random.default_rng(5)
yy, xx = np.mgrid[0:N, 0:N].astype(np.float32) / N
dem = 2200 + 900 * np.sin(3 * xx) * np.cos(2 * yy) + 400 * np.sin(11 * xx + 3 * yy)
dem += rng.normal(0, 8, (N, N)).astype(np.float32)
ds = gdal.GetDriverByName("GTiff").Create(f"{out}/dem.tif", N, N, 1, gdal.GDT_Float32,
                                          ["TILED=YES", "COMPRESS=DEFLATE"])
ds.SetGeoTransform((X0, CELL, 0, Y0 + N * CELL, 0, -CELL))
ds.SetProjection(srs.ExportToWkt())
ds.GetRasterBand(1).WriteArray(dem.astype(np.float32))
ds = None

drv = ogr.GetDriverByName("GPKG")
for name in ("parcels.gpkg", "zones.gpkg"):
    if os.path.exists(f"{out}/{name}"):
        os.remove(f"{out}/{name}")
pds = drv.CreateDataSource(f"{out}/parcels.gpkg")
lyr = pds.CreateLayer("parcels", srs, ogr.wkbPolygon)
lyr.CreateField(ogr.FieldDefn("ID", ogr.OFTString))
lyr.StartTransaction()
side = 141  # 141 × 141 slots over 60 km: 20,000 parcels
step = N * CELL / side
k = 0
for i in range(side):
    for j in range(side):
        if k >= 20000:
            break
        cx, cy = X0 + (i + 0.5) * step, Y0 + (j + 0.5) * step
        r = step * (0.25 + 0.15 * rng.random())
        pts = []
        for a in range(12):
            t = 2 * math.pi * a / 12
            rr = r * (0.8 + 0.4 * rng.random())
            pts.append(f"{cx + rr * math.cos(t):.2f} {cy + rr * math.sin(t):.2f}")
        pts.append(pts[0])
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("ID", f"V{k:05d}")
        f.SetGeometry(ogr.CreateGeometryFromWkt(f"POLYGON (({','.join(pts)}))"))
        lyr.CreateFeature(f)
        k += 1
lyr.CommitTransaction()
pds = None
zds = drv.CreateDataSource(f"{out}/zones.gpkg")
z = zds.CreateLayer("zones", srs, ogr.wkbPolygon)
for c in range(30):
    cx, cy = X0 + rng.random() * N * CELL, Y0 + rng.random() * N * CELL
    g = ogr.CreateGeometryFromWkt(f"POINT ({cx} {cy})").Buffer(2000 + 3000 * rng.random(), 16)
    f = ogr.Feature(z.GetLayerDefn())
    f.SetGeometry(g)
    z.CreateFeature(f)
zds = None
with open(f"{out}/project.toml", "w") as p:
    p.write('[project]\nname = "viewer benchmark"\ncrs = "EPSG:4542"\n\n'
            '[layers.dem]\nsource = "dem.tif"\n[layers.zones]\nsource = "zones.gpkg"\nlayer = "zones"\n\n'
            '[[constraint]]\nid = "zone"\nlayer = "zones"\nseverity = "block"\n')
print(f"wrote {out}: dem.tif {N}x{N}, parcels.gpkg {k} parcels, zones.gpkg, project.toml")
