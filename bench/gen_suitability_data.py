#!/usr/bin/python3
"""A synthetic county for the suitability benchmark (seeded, reproducible).

A county of about 2,400 km² inside a 47 × 83 km box (EPSG:4542): a fractal DEM at 10 m, roads
(lines), substations (points), settlements (polygons, excluded with a 500 m setback), two
exclusion layers (farmland-like and eco-redline-like polygons), and two SitePlan projects
(county-10m.toml, county-30m.toml: slope %, aspect, two distances, three exclusions;
derive = false, map only; county-30m-derive.toml: the same with derived candidates) with the
same inputs.

    /usr/bin/python3 bench/gen_suitability_data.py [DIR] [--seed N] [--width-km W] [--height-km H]

A province (the MPI benchmark, bench/run_mpi_suitability_bench.sh): --counties N places N such
counties side by side (--cols per row; boxes abut), each with its own roads, substations,
settlements and exclusions; the study area is their union, the DEM covers them all.
"""
import argparse
import json
import math
import os
import sys

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()

X0, Y0 = 560000.0, 2870000.0  # lower-left corner of the box (EPSG:4542)


def fractal_dem(rng, nx, ny, cell):
    """Sum of octaves of smoothly upsampled noise: hills of 100 m to 20 km, 1,500–3,400 m."""
    from scipy import ndimage

    dem = np.zeros((ny, nx), dtype=np.float32)
    amp, wavelength = 900.0, 20000.0
    while wavelength >= 80.0:
        gy = max(2, int(ny * cell / wavelength) + 2)
        gx = max(2, int(nx * cell / wavelength) + 2)
        coarse = rng.standard_normal((gy, gx)).astype(np.float32)
        up = ndimage.zoom(coarse, (ny / gy * 1.0001, nx / gx * 1.0001), order=3)[:ny, :nx]
        dem += amp * up
        amp *= 0.5
        wavelength /= 2.0
    dem -= dem.min()
    dem *= 1900.0 / max(float(dem.max()), 1.0)
    dem += 1500.0
    return dem


def county_polygon(rng, w, h, target_km2, ox=0.0, oy=0.0):
    """A star-shaped blob inside the box (lower-left corner X0 + ox, Y0 + oy), scaled to the
    target area."""
    x0, y0 = X0 + ox, Y0 + oy
    cx, cy = x0 + w / 2, y0 + h / 2
    n = 720
    ang = np.linspace(0, 2 * math.pi, n, endpoint=False)
    r = np.ones(n)
    for k in range(2, 12):
        r += rng.uniform(-0.06, 0.06) * np.cos(k * ang + rng.uniform(0, 2 * math.pi))
    best = None
    for s in np.linspace(0.5, 1.0, 200):
        xs = cx + s * (w / 2) * r * np.cos(ang)
        ys = cy + s * (h / 2) * r * np.sin(ang)
        xs = np.clip(xs, x0 + 50, x0 + w - 50)
        ys = np.clip(ys, y0 + 50, y0 + h - 50)
        ring = ogr.Geometry(ogr.wkbLinearRing)
        for x, y in zip(xs, ys):
            ring.AddPoint_2D(float(x), float(y))
        ring.CloseRings()
        poly = ogr.Geometry(ogr.wkbPolygon)
        poly.AddGeometry(ring)
        if poly.GetArea() / 1e6 >= target_km2:
            return poly
        best = poly
    return best


def blob(rng, cx, cy, radius, n=24):
    ring = ogr.Geometry(ogr.wkbLinearRing)
    phase = rng.uniform(0, 2 * math.pi)
    for k in range(n):
        a = 2 * math.pi * k / n
        rr = radius * (0.7 + 0.3 * math.sin(3 * a + phase) + rng.uniform(-0.1, 0.1))
        ring.AddPoint_2D(cx + rr * math.cos(a), cy + rr * math.sin(a))
    ring.CloseRings()
    poly = ogr.Geometry(ogr.wkbPolygon)
    poly.AddGeometry(ring)
    return poly


def layer(ds, name, gtype, srs, fields=()):
    lyr = ds.CreateLayer(name, srs, gtype)
    for f in fields:
        lyr.CreateField(ogr.FieldDefn(f, ogr.OFTString))
    return lyr


def add(lyr, geom, **attrs):
    f = ogr.Feature(lyr.GetLayerDefn())
    f.SetGeometry(geom)
    for k, v in attrs.items():
        f.SetField(k, v)
    lyr.CreateFeature(f)


PROJECT = """# Synthetic county (bench/gen_suitability_data.py): map only, {grid_m} m.
[project]
name = "benchmark county {grid_m} m"
crs = "EPSG:4542"
study_area = "county"

[layers.county]
source = "county.gpkg"
layer = "county"
[layers.dem]
source = "dem.tif"
[layers.roads]
source = "county.gpkg"
layer = "roads"
[layers.substations]
source = "county.gpkg"
layer = "substations"
[layers.settlements]
source = "county.gpkg"
layer = "settlements"
[layers.farmland]
source = "county.gpkg"
layer = "farmland"
[layers.redline]
source = "county.gpkg"
layer = "redline"

[suitability]
derive = false
grid_m = {grid_m}
sensitivity_runs = 0

[[constraint]]
id = "settlement-setback"
layer = "settlements"
buffer_m = 500.0
severity = "block"
[[constraint]]
id = "farmland"
layer = "farmland"
severity = "block"
[[constraint]]
id = "redline"
layer = "redline"
severity = "block"

[[factor]]
id = "slope"
kind = "slope"
layer = "dem"
units = "percent"
weight = 0.3
score = {{ kind = "linear", zero_at = 30.0, one_at = 0.0 }}
[[factor]]
id = "aspect"
kind = "aspect"
layer = "dem"
weight = 0.1
score = {{ kind = "linear", zero_at = 0.0, one_at = 180.0 }}
[[factor]]
id = "road"
kind = "distance"
layer = "roads"
weight = 0.25
score = {{ kind = "linear", zero_at = 5000.0, one_at = 0.0 }}
[[factor]]
id = "substation"
kind = "distance"
layer = "substations"
weight = 0.35
score = {{ kind = "linear", zero_at = 20000.0, one_at = 0.0 }}
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", nargs="?", default="/tmp/siteplan-suit-bench")
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--width-km", type=float, default=47.0)
    ap.add_argument("--height-km", type=float, default=83.0)
    ap.add_argument("--county-km2", type=float, default=2400.0)
    ap.add_argument("--cell", type=float, default=10.0)
    ap.add_argument("--counties", type=int, default=1)
    ap.add_argument("--cols", type=int, default=4)
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args()
    out = a.dir
    if os.path.exists(os.path.join(out, "manifest.json")) and not a.force:
        print(f"{out}: already generated (use --force)")
        return 0
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(a.seed)
    w, h = a.width_km * 1000.0, a.height_km * 1000.0
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4542)

    boxes = [((i % a.cols) * w, (i // a.cols) * h) for i in range(a.counties)]
    counties = [county_polygon(rng, w, h, a.county_km2, ox, oy) for ox, oy in boxes]
    envs = [c.GetEnvelope() for c in counties]
    minx, maxx = min(e[0] for e in envs), max(e[1] for e in envs)
    miny, maxy = min(e[2] for e in envs), max(e[3] for e in envs)
    # The DEM covers the 10 m analysis grid (snapped to the cell) plus one cell on every side.
    c = a.cell
    gx0, gx1 = math.floor(minx / c) * c - c, math.ceil(maxx / c) * c + c
    gy0, gy1 = math.floor(miny / c) * c - c, math.ceil(maxy / c) * c + c
    nx, ny = int(round((gx1 - gx0) / c)), int(round((gy1 - gy0) / c))
    dem = fractal_dem(rng, nx, ny, c)
    drv = gdal.GetDriverByName("GTiff")
    ds = drv.Create(os.path.join(out, "dem.tif"), nx, ny, 1, gdal.GDT_Float32,
                    ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=3", "BIGTIFF=IF_SAFER"])
    ds.SetGeoTransform((gx0, c, 0, gy1, 0, -c))
    ds.SetProjection(srs.ExportToWkt())
    ds.GetRasterBand(1).SetNoDataValue(-99999)
    ds.GetRasterBand(1).WriteArray(dem)
    ds = None
    del dem

    gpkg = ogr.GetDriverByName("GPKG").CreateDataSource(os.path.join(out, "county.gpkg"))
    lc = layer(gpkg, "county", ogr.wkbPolygon, srs)
    lr = layer(gpkg, "roads", ogr.wkbLineString, srs)
    ls = layer(gpkg, "substations", ogr.wkbPoint, srs)
    lset = layer(gpkg, "settlements", ogr.wkbPolygon, srs)
    lf = layer(gpkg, "farmland", ogr.wkbPolygon, srs)
    le = layer(gpkg, "redline", ogr.wkbPolygon, srs)
    nroads = 0
    for county in counties:
        add(lc, county)
        minx, maxx, miny, maxy = county.GetEnvelope()
        # Roads: polylines wandering across the county (a trunk grid plus village roads).
        for k in range(60):
            line = ogr.Geometry(ogr.wkbLineString)
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            heading = rng.uniform(0, 2 * math.pi)
            for _ in range(int(rng.integers(20, 120))):
                line.AddPoint_2D(x, y)
                heading += rng.normal(0, 0.3)
                step = rng.uniform(150, 600)
                x += step * math.cos(heading)
                y += step * math.sin(heading)
            add(lr, line)
            nroads += 1
        for k in range(14):
            p = ogr.Geometry(ogr.wkbPoint)
            p.AddPoint_2D(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
            add(ls, p)
        for k in range(220):
            add(lset, blob(rng, rng.uniform(minx, maxx), rng.uniform(miny, maxy),
                           rng.uniform(80, 600)))
        for k in range(1500):
            add(lf, blob(rng, rng.uniform(minx, maxx), rng.uniform(miny, maxy),
                         rng.uniform(100, 700), n=16))
        for k in range(12):
            add(le, blob(rng, rng.uniform(minx, maxx), rng.uniform(miny, maxy),
                         rng.uniform(2000, 6000), n=64))
    gpkg = None
    county_km2 = sum(c.GetArea() for c in counties) / 1e6

    for g in (10, 30):
        with open(os.path.join(out, f"county-{g}m.toml"), "w") as f:
            f.write(PROJECT.format(grid_m=g))
    # Candidates too: regions derived from open land (score >= 0.55, at least 5 ha), scored and
    # checked against the exclusions (the MPI benchmark's candidate phase).
    with open(os.path.join(out, "county-30m-derive.toml"), "w") as f:
        f.write(PROJECT.format(grid_m=30).replace(
            "derive = false", "derive = true\nmin_area_ha = 5\nmin_score = 0.55"))
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump({"seed": a.seed, "counties": a.counties, "county_km2": county_km2,
                   "box_km": [a.width_km, a.height_km], "dem": [nx, ny, c],
                   "grid_extent": [gx0 + c, gy0 + c, gx1 - c, gy1 - c], "roads": nroads}, f)
    print(f"{out}: {a.counties} county(ies), {county_km2:.0f} km², DEM {nx} x {ny} at {c} m")
    return 0


if __name__ == "__main__":
    sys.exit(main())
