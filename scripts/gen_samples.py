#!/usr/bin/python3
"""Deterministic generator for SitePlan's SYNTHETIC Heqing-like sample data set.

    /usr/bin/python3 scripts/gen_samples.py [--out samples/heqing]

Writes <out>/dem.tif (EPSG:4542, 30 m, Float32) and <out>/heqing.gpkg (EPSG:4542).
Everything is invented: the county outline, terrain detail, land-use parcels and
every constraint layer come from seeded random processes.  Only the coarse
regional relief trend is taken from NOAA ETOPO5 (public domain, Debian package
ferret-datasets); place names are real names used for realism only.

Needs python3-gdal (osgeo) and python3-numpy.  Running it twice gives identical
files (fixed seeds, fixed GeoPackage timestamps).
"""
import argparse
import heapq
import math
import os
import sys
import time

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

SEED = 532932          # master seed (the county code)
EPSG = 4542            # CGCS2000 / 3-degree Gauss-Kruger CM 99E
RES = 30.0             # DEM pixel size (m)
CRS_RES = 150.0        # coarse analysis grid (m), multiple of RES
AGG = int(CRS_RES / RES)
ETOPO5 = "/usr/share/ferret-vis/data/etopo5.cdf"
FIXED_DATE = "2024-01-01T00:00:00.000Z"

T0 = time.time()


def log(msg):
    print(f"[{time.time() - T0:6.1f}s] {msg}", flush=True)


def rng(*keys):
    """Independent, reproducible random stream per named component."""
    h = 0
    for k in keys:
        for ch in str(k):
            h = (h * 131 + ord(ch)) % (2 ** 61 - 1)
    return np.random.default_rng([SEED, h])


# ----------------------------------------------------------------------------
# coordinates
# ----------------------------------------------------------------------------
SRS = osr.SpatialReference()
SRS.ImportFromEPSG(EPSG)
SRS.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
_GEO = osr.SpatialReference()
_GEO.ImportFromEPSG(4490)  # CGCS2000 geographic
_GEO.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
_TO_XY = osr.CoordinateTransformation(_GEO, SRS)
_TO_LL = osr.CoordinateTransformation(SRS, _GEO)


def ll2xy(lon, lat=None):
    """lon/lat (deg) -> EPSG:4542 x/y (m).  Accepts a pair or an (n,2) array."""
    if lat is not None:
        x, y, _ = _TO_XY.TransformPoint(float(lon), float(lat))
        return np.array([x, y])
    a = np.asarray(lon, dtype=float).reshape(-1, 2)
    out = np.array(_TO_XY.TransformPoints(a.tolist()))[:, :2]
    return out


def xy2ll(a):
    a = np.asarray(a, dtype=float).reshape(-1, 2)
    return np.array(_TO_LL.TransformPoints(a.tolist()))[:, :2]


# ----------------------------------------------------------------------------
# small geometry helpers
# ----------------------------------------------------------------------------
def ring_wkt(pts):
    pts = list(map(tuple, pts))
    if pts[0] != pts[-1]:
        pts.append(pts[0])
    return "(" + ",".join(f"{x:.3f} {y:.3f}" for x, y in pts) + ")"


def poly_from_pts(pts):
    return ogr.CreateGeometryFromWkt("POLYGON (" + ring_wkt(pts) + ")")


def line_from_pts(pts):
    return ogr.CreateGeometryFromWkt(
        "LINESTRING (" + ",".join(f"{x:.3f} {y:.3f}" for x, y in pts) + ")")


def polys_of(g):
    """Explode a (multi)polygon / collection into a list of single polygons."""
    out = []
    if g is None or g.IsEmpty():
        return out
    t = ogr.GT_Flatten(g.GetGeometryType())
    if t == ogr.wkbPolygon:
        out.append(g.Clone())
    elif t in (ogr.wkbMultiPolygon, ogr.wkbGeometryCollection):
        for i in range(g.GetGeometryCount()):
            out.extend(polys_of(g.GetGeometryRef(i)))
    return out


def lines_of(g):
    out = []
    if g is None or g.IsEmpty():
        return out
    t = ogr.GT_Flatten(g.GetGeometryType())
    if t == ogr.wkbLineString:
        out.append(g.Clone())
    elif t in (ogr.wkbMultiLineString, ogr.wkbGeometryCollection):
        for i in range(g.GetGeometryCount()):
            out.extend(lines_of(g.GetGeometryRef(i)))
    return out


def as_multipolygon(g):
    mp = ogr.Geometry(ogr.wkbMultiPolygon)
    for p in polys_of(g):
        mp.AddGeometry(p)
    return mp


def union_all(geoms):
    geoms = [g for g in geoms if g is not None and not g.IsEmpty()]
    if not geoms:
        return ogr.Geometry(ogr.wkbMultiPolygon)
    mp = ogr.Geometry(ogr.wkbMultiPolygon)
    for g in geoms:
        for p in polys_of(g):
            mp.AddGeometry(p)
    return mp.UnionCascaded()


def chaikin(pts, n=2, closed=False):
    p = np.asarray(pts, dtype=float)
    for _ in range(n):
        if closed:
            q = np.roll(p, -1, axis=0)
            a = 0.75 * p + 0.25 * q
            b = 0.25 * p + 0.75 * q
            p = np.empty((2 * len(a), 2))
            p[0::2], p[1::2] = a, b
        else:
            a = 0.75 * p[:-1] + 0.25 * p[1:]
            b = 0.25 * p[:-1] + 0.75 * p[1:]
            mid = np.empty((2 * len(a), 2))
            mid[0::2], mid[1::2] = a, b
            p = np.vstack([p[:1], mid, p[-1:]])
    return p


def catmull_rom(ctrl, step, closed=False):
    """Densify control points with a centripetal-free (uniform) Catmull-Rom spline."""
    c = np.asarray(ctrl, dtype=float)
    if closed:
        c = np.vstack([c[-1:], c, c[:2]])
    else:
        c = np.vstack([2 * c[0] - c[1], c, 2 * c[-1] - c[-2]])
    out = []
    for i in range(1, len(c) - 2):
        p0, p1, p2, p3 = c[i - 1], c[i], c[i + 1], c[i + 2]
        n = max(2, int(np.linalg.norm(p2 - p1) / step))
        t = np.arange(n)[:, None] / n
        out.append(0.5 * ((2 * p1) + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t ** 2
                          + (-p0 + 3 * p1 - 3 * p2 + p3) * t ** 3))
    if not closed:
        out.append(c[-2][None, :])
    return np.vstack(out)


def resample_line(pts, step):
    p = np.asarray(pts, dtype=float)
    seg = np.linalg.norm(np.diff(p, axis=0), axis=1)
    s = np.concatenate([[0], np.cumsum(seg)])
    n = max(2, int(round(s[-1] / step)) + 1)
    si = np.linspace(0, s[-1], n)
    return np.column_stack([np.interp(si, s, p[:, 0]), np.interp(si, s, p[:, 1])])


def fractal_1d(n, r, octaves, base_len, amp, taper=None):
    """1-D fractal noise sampled at n points (spacing ~1), value-noise style."""
    out = np.zeros(n)
    x = np.arange(n, dtype=float)
    for o in range(octaves):
        L = base_len / 2 ** o
        k = int(n / L) + 3
        v = r.uniform(-1, 1, k)
        xi = x / L
        i0 = np.floor(xi).astype(int)
        t = xi - i0
        t = t * t * (3 - 2 * t)
        out += amp / 2 ** o * (v[i0] * (1 - t) + v[i0 + 1] * t)
    if taper is not None:
        out *= taper
    return out


def offset_line(pts, disp):
    """Displace polyline vertices along their normals by disp (per vertex)."""
    p = np.asarray(pts, dtype=float)
    d = np.gradient(p, axis=0)
    d /= np.maximum(np.linalg.norm(d, axis=1)[:, None], 1e-9)
    nrm = np.column_stack([-d[:, 1], d[:, 0]])
    return p + nrm * np.asarray(disp)[:, None]


def smooth_blob(center, radius, r, n=48, rough=0.18, elong=1.0, angle=0.0, kmax=5):
    """Seeded smooth irregular closed shape (xy ring) around center."""
    th = np.linspace(0, 2 * np.pi, n, endpoint=False)
    rad = np.ones(n)
    for k in range(2, kmax + 1):
        rad += rough / k * r.normal() * np.cos(k * th + r.uniform(0, 2 * np.pi))
    rad = np.clip(rad, 0.45, 1.8) * radius
    x = rad * np.cos(th) * elong
    y = rad * np.sin(th) / elong
    ca, sa = math.cos(angle), math.sin(angle)
    return np.column_stack([center[0] + ca * x - sa * y, center[1] + sa * x + ca * y])


def parcel_shape(center, area, r, nv=None, elong=None, angle=None):
    """Planning-parcel-like polygon (few straight edges) with the given area."""
    nv = nv or int(r.integers(5, 10))
    th = np.sort(np.mod(np.linspace(0, 2 * np.pi, nv, endpoint=False)
                        + r.uniform(-0.25, 0.25, nv) * 2 * np.pi / nv, 2 * np.pi))
    rad = r.uniform(0.75, 1.2, nv)
    elong = elong if elong is not None else r.uniform(1.0, 1.8)
    angle = angle if angle is not None else r.uniform(0, np.pi)
    x = rad * np.cos(th) * elong
    y = rad * np.sin(th) / elong
    ca, sa = math.cos(angle), math.sin(angle)
    pts = np.column_stack([ca * x - sa * y, sa * x + ca * y])
    a0 = poly_from_pts(pts).GetArea()
    pts *= math.sqrt(area / a0)
    return poly_from_pts(pts + np.asarray(center))


# ----------------------------------------------------------------------------
# raster helpers
# ----------------------------------------------------------------------------
class Grid:
    def __init__(self, x0, y1, nx, ny, res):
        self.x0, self.y1, self.nx, self.ny, self.res = x0, y1, nx, ny, res

    @property
    def gt(self):
        return (self.x0, self.res, 0.0, self.y1, 0.0, -self.res)

    def xy(self, dtype=np.float64):
        xs = self.x0 + (np.arange(self.nx, dtype=dtype) + 0.5) * self.res
        ys = self.y1 - (np.arange(self.ny, dtype=dtype) + 0.5) * self.res
        return xs, ys

    def rc(self, x, y):
        c = np.floor((np.asarray(x) - self.x0) / self.res).astype(int)
        r = np.floor((self.y1 - np.asarray(y)) / self.res).astype(int)
        return np.clip(r, 0, self.ny - 1), np.clip(c, 0, self.nx - 1)

    def mem(self, dtype=gdal.GDT_Float32, arr=None, nodata=None):
        ds = gdal.GetDriverByName("MEM").Create("", self.nx, self.ny, 1, dtype)
        ds.SetGeoTransform(self.gt)
        ds.SetProjection(SRS.ExportToWkt())
        if arr is not None:
            ds.GetRasterBand(1).WriteArray(arr)
        if nodata is not None:
            ds.GetRasterBand(1).SetNoDataValue(nodata)
        return ds


def mem_layer(geoms, values=None, gtype=ogr.wkbUnknown):
    ds = ogr.GetDriverByName("Memory").CreateDataSource("")
    lyr = ds.CreateLayer("l", SRS, gtype)
    lyr.CreateField(ogr.FieldDefn("v", ogr.OFTReal))
    for i, g in enumerate(geoms):
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetGeometry(g)
        f.SetField("v", float(values[i]) if values is not None else 1.0)
        lyr.CreateFeature(f)
    return ds, lyr


def rasterize(grid, geoms, values=None, all_touched=False, dtype=gdal.GDT_Float32, init=0):
    ds = grid.mem(dtype)
    ds.GetRasterBand(1).Fill(init)
    vds, lyr = mem_layer(geoms, values)
    opts = ["ATTRIBUTE=v"] + (["ALL_TOUCHED=TRUE"] if all_touched else [])
    gdal.RasterizeLayer(ds, [1], lyr, options=opts)
    return ds.GetRasterBand(1).ReadAsArray()


def proximity(grid, mask):
    """Distance (m) from every pixel to the nearest True pixel of mask."""
    src = grid.mem(gdal.GDT_Byte, mask.astype(np.uint8))
    dst = grid.mem(gdal.GDT_Float32)
    gdal.ComputeProximity(src.GetRasterBand(1), dst.GetRasterBand(1),
                          ["VALUES=1", "DISTUNITS=GEO"])
    return dst.GetRasterBand(1).ReadAsArray()


def box_blur(a, r, axis):
    if r < 1:
        return a
    pad = [(0, 0)] * a.ndim
    pad[axis] = (r + 1, r)
    p = np.pad(a, pad, mode="edge")
    c = np.cumsum(p, axis=axis, dtype=np.float64)
    n = a.shape[axis]
    hi = np.take(c, np.arange(2 * r + 1, 2 * r + 1 + n), axis=axis)
    lo = np.take(c, np.arange(0, n), axis=axis)
    return ((hi - lo) / (2 * r + 1)).astype(a.dtype)


def gauss_blur(a, sigma_px):
    """Approximate Gaussian blur (3 box passes per axis)."""
    r = max(1, int(round(math.sqrt(12 * sigma_px ** 2 / 3 + 1) / 2)))
    out = a.astype(np.float32)
    for _ in range(3):
        out = box_blur(out, r, 0)
        out = box_blur(out, r, 1)
    return out


def value_noise(ny, nx, cell, r, cubic=True):
    """2-D value noise in [-1,1]-ish with lattice spacing `cell` pixels."""
    ly, lx = int(ny / cell) + 4, int(nx / cell) + 4
    lat = r.uniform(-1, 1, (ly, lx)).astype(np.float32)

    def interp(L, n, axis):
        xi = np.arange(n) / cell + 1.0
        i0 = np.floor(xi).astype(int)
        t = (xi - i0).astype(np.float32)
        if cubic:  # Catmull-Rom
            w = [(-t ** 3 + 2 * t ** 2 - t) / 2, (3 * t ** 3 - 5 * t ** 2 + 2) / 2,
                 (-3 * t ** 3 + 4 * t ** 2 + t) / 2, (t ** 3 - t ** 2) / 2]
            idx = [i0 - 1, i0, i0 + 1, i0 + 2]
        else:
            s = t * t * (3 - 2 * t)
            w, idx = [1 - s, s], [i0, i0 + 1]
        out = 0
        for wk, ik in zip(w, idx):
            if axis == 1:
                out = out + np.take(L, ik, axis=1) * wk[None, :]
            else:
                out = out + np.take(L, ik, axis=0) * wk[:, None]
        return out

    return interp(interp(lat, nx, 1), ny, 0)


def fbm(ny, nx, cells, amps, r, ridged=False):
    out = np.zeros((ny, nx), np.float32)
    for c, a in zip(cells, amps):
        n = value_noise(ny, nx, c, r)
        if ridged:
            n = 1.0 - 2.0 * np.abs(n)
        out += a * n
    return out


def smoothstep(t):
    t = np.clip(t, 0, 1)
    return t * t * (3 - 2 * t)


def smin(a, b, k):
    h = np.clip(0.5 + 0.5 * (b - a) / k, 0, 1)
    return b + (a - b) * h - k * h * (1 - h)


def carve(z, grid, line, bed, side_slope, halfwidth, k=20.0, maxw=None):
    """Cut a valley along `line` (xy, n x 2) whose floor elevation is `bed` (n)."""
    xs, ys = grid.xy()
    cut = np.full(z.shape, np.inf, np.float32)
    line = np.asarray(line, float)
    for i in range(len(line) - 1):
        a, b = line[i], line[i + 1]
        za, zb = bed[i], bed[i + 1]
        w = maxw if maxw is not None else 2500.0
        x0, x1 = min(a[0], b[0]) - w, max(a[0], b[0]) + w
        y0, y1 = min(a[1], b[1]) - w, max(a[1], b[1]) + w
        c0 = max(0, int((x0 - grid.x0) / grid.res))
        c1 = min(grid.nx, int((x1 - grid.x0) / grid.res) + 1)
        r0 = max(0, int((grid.y1 - y1) / grid.res))
        r1 = min(grid.ny, int((grid.y1 - y0) / grid.res) + 1)
        if c0 >= c1 or r0 >= r1:
            continue
        px = xs[c0:c1][None, :] - a[0]
        py = ys[r0:r1][:, None] - a[1]
        d = b - a
        L2 = max(d @ d, 1e-9)
        t = np.clip((px * d[0] + py * d[1]) / L2, 0, 1)
        dist = np.hypot(px - t * d[0], py - t * d[1])
        prof = za + t * (zb - za) + side_slope * np.maximum(dist - halfwidth, 0)
        sub = cut[r0:r1, c0:c1]
        np.minimum(sub, prof, out=sub)
    m = np.isfinite(cut)
    z[m] = smin(z[m], cut[m], k)
    return z


# ----------------------------------------------------------------------------
# synthetic geography: Jinsha river, county outline, basins
# ----------------------------------------------------------------------------
JINSHA_CTRL = [(100.395, 26.80), (100.400, 26.74), (100.412, 26.68), (100.420, 26.62),
               (100.423, 26.56), (100.440, 26.50), (100.455, 26.44), (100.452, 26.38),
               (100.436, 26.33), (100.428, 26.29), (100.442, 26.255), (100.475, 26.236),
               (100.52, 26.222), (100.58, 26.212)]
OUTLINE_CTRL = [(100.47, 26.19), (100.49, 26.12), (100.476, 26.03), (100.452, 25.96),
                (100.41, 25.977), (100.34, 26.012), (100.27, 26.035), (100.205, 26.047),
                (100.185, 26.087), (100.15, 26.13), (100.106, 26.166), (100.096, 26.24),
                (100.101, 26.31), (100.086, 26.40), (100.052, 26.452), (100.043, 26.52),
                (100.05, 26.60), (100.076, 26.645), (100.13, 26.664), (100.185, 26.684),
                (100.214, 26.702), (100.26, 26.676), (100.31, 26.656), (100.36, 26.648)]
BASIN_AXIS = [(100.195, 26.668, 1.4), (100.189, 26.63, 2.8), (100.183, 26.575, 3.9),
              (100.184, 26.51, 3.9), (100.19, 26.45, 3.3), (100.194, 26.40, 2.2),
              (100.197, 26.368, 0.7)]
# minor flats: name, lon, lat, radius km, floor m
FLATS = [("松桂", 100.212, 26.277, 1.5, 2142.0), ("北衙", 100.172, 26.152, 2.1, 2168.0),
         ("黄坪", 100.385, 26.062, 1.9, 1650.0), ("西邑", 100.116, 26.442, 1.0, 2470.0),
         ("六合", 100.318, 26.332, 0.9, 2660.0), ("龙开口", 100.404, 26.602, 0.6, 1430.0)]
YANGGONG_VALLEY = [(100.197, 26.368), (100.203, 26.33), (100.208, 26.295), (100.212, 26.277),
                   (100.235, 26.262), (100.27, 26.255), (100.31, 26.262), (100.35, 26.258),
                   (100.39, 26.27)]
# massifs: lon, lat, height above base, sigma-x km, sigma-y km
MASSIFS = [(100.062, 26.54, 1750, 4.5, 10.0), (100.12, 26.29, 1150, 5.5, 9.0),
           (100.22, 26.73, 1100, 8.0, 4.5), (100.305, 26.50, 950, 4.5, 13.0),
           (100.33, 26.32, 750, 6.0, 7.0), (100.25, 26.10, 850, 8.0, 5.5),
           (100.43, 26.10, 650, 4.5, 6.0), (100.36, 26.64, 800, 3.5, 5.0),
           (100.13, 26.08, 700, 4.0, 4.0), (100.39, 26.47, 900, 3.5, 9.0),
           (100.37, 26.37, 800, 4.0, 5.0), (100.50, 26.46, 950, 4.0, 10.0)]


def make_geography():
    geo = {}
    r = rng("jinsha")
    J = catmull_rom(ll2xy(JINSHA_CTRL), 100.0)
    J = resample_line(J, 100.0)
    J = offset_line(J, fractal_1d(len(J), r, 4, 60.0, 380.0))
    J = resample_line(chaikin(J, 2), 100.0)
    geo["jinsha"] = J
    # boundary follows the river between A (north) and B (where it turns east)
    A = ll2xy(100.362, 26.648)
    B = ll2xy(100.440, 26.257)
    ia = int(np.argmin(np.linalg.norm(J - A, axis=1)))
    ib = int(np.argmin(np.linalg.norm(J - B, axis=1)))
    river_part = J[ia:ib + 1]
    r = rng("outline")
    ctrl = np.vstack([river_part[-1:], ll2xy(OUTLINE_CTRL), river_part[:1]])
    land = resample_line(catmull_rom(ctrl, 80.0), 80.0)
    n = len(land)
    s = np.arange(n) * 80.0
    taper = np.minimum(1, np.minimum(s, s[-1] - s) / 4000.0)
    disp = fractal_1d(n, r, 6, 9000.0 / 80.0, 900.0, taper)
    land = offset_line(land, disp)
    land = resample_line(chaikin(land, 1), 100.0)
    ring = np.vstack([river_part, land[1:-1]])
    bnd = poly_from_pts(ring)
    if not bnd.IsValid():
        bnd = bnd.Buffer(0)
    geo["boundary"] = bnd
    # basin floor polygon
    r = rng("basin")
    ax = np.array([ll2xy(lo, la) for lo, la, _ in BASIN_AXIS])
    hw = np.array([w for _, _, w in BASIN_AXIS]) * 1000.0
    axd = catmull_rom(ax, 150.0)
    hwd = np.interp(np.linspace(0, 1, len(axd)), np.linspace(0, 1, len(hw)), hw)
    left = offset_line(axd, hwd * (1.05 + fractal_1d(len(axd), r, 4, 40, 0.18)))
    right = offset_line(axd, -hwd * (0.95 + fractal_1d(len(axd), r, 4, 40, 0.18)))
    basin_ring = np.vstack([left, right[::-1]])
    basin = poly_from_pts(chaikin(basin_ring, 2, closed=True))
    if not basin.IsValid():
        basin = basin.Buffer(0)
    geo["basin"] = basin
    geo["basin_axis"] = axd
    flats = []
    for name, lo, la, rad, fl in FLATS:
        rr = rng("flat", name)
        ring = smooth_blob(ll2xy(lo, la), rad * 1000.0, rr, 40, 0.25,
                           rr.uniform(1.0, 1.5), rr.uniform(0, np.pi))
        flats.append((name, poly_from_pts(ring), fl))
    geo["flats"] = flats
    # Yanggong river: through the basin along its axis, then down its valley
    r = rng("yanggong")
    yv = catmull_rom(ll2xy(YANGGONG_VALLEY), 100.0)
    ic = int(np.argmin(np.linalg.norm(J - ll2xy(100.43, 26.287), axis=1)))
    yv = np.vstack([yv, J[ic:ic + 1]])
    Y = np.vstack([axd[:-1], yv])
    Y = resample_line(Y, 60.0)
    Y = offset_line(Y, fractal_1d(len(Y), r, 5, 60.0, 220.0,
                                  np.minimum(1, np.arange(len(Y))[::-1] / 30.0)))
    Y = resample_line(chaikin(Y, 2), 60.0)
    geo["yanggong"] = Y
    geo["jinsha_confluence"] = J[ic]
    return geo


# ----------------------------------------------------------------------------
# DEM
# ----------------------------------------------------------------------------
def make_grid(bnd, margin=2100.0):
    x0, x1, y0, y1 = bnd.GetEnvelope()
    x0 = math.floor((x0 - margin) / CRS_RES) * CRS_RES
    y0 = math.floor((y0 - margin) / CRS_RES) * CRS_RES
    x1 = math.ceil((x1 + margin) / CRS_RES) * CRS_RES
    y1 = math.ceil((y1 + margin) / CRS_RES) * CRS_RES
    return Grid(x0, y1, int(round((x1 - x0) / RES)), int(round((y1 - y0) / RES)), RES)


def etopo_trend(grid):
    """ETOPO5 relief resampled to the grid (smooth regional trend)."""
    if not os.path.exists(ETOPO5):
        log("ETOPO5 not found (apt-get install ferret-datasets); using a flat 2600 m trend")
        return np.full((grid.ny, grid.nx), 2600.0, np.float32)
    src = gdal.Open(ETOPO5)
    gt = src.GetGeoTransform()
    c0 = int((99.4 - gt[0]) / gt[1])
    r0 = int((gt[3] - 27.3) / -gt[5])
    arr = src.GetRasterBand(1).ReadAsArray(c0, r0, 18, 22).astype(np.float32)
    # re-georeference the window on the nominal 5' lattice (cell centres at k/12 deg)
    lon0 = round((gt[0] + c0 * gt[1]) * 12) / 12.0
    lat0 = round((gt[3] + r0 * gt[5]) * 12) / 12.0
    mem = gdal.GetDriverByName("MEM").Create("", 18, 22, 1, gdal.GDT_Float32)
    mem.SetGeoTransform((lon0, 1 / 12.0, 0, lat0, 0, -1 / 12.0))
    wgs = osr.SpatialReference()
    wgs.ImportFromEPSG(4326)
    mem.SetProjection(wgs.ExportToWkt())
    mem.GetRasterBand(1).WriteArray(arr)
    out = grid.mem(gdal.GDT_Float32)
    gdal.Warp(out, mem, resampleAlg="cubicspline")
    a = out.GetRasterBand(1).ReadAsArray()
    return gauss_blur(a, 2500.0 / RES)


def make_dem(geo):
    bnd = geo["boundary"]
    grid = make_grid(bnd)
    ny, nx = grid.ny, grid.nx
    log(f"DEM grid {nx} x {ny} px at {RES:.0f} m")
    xs, ys = grid.xy(np.float32)
    X, Y = np.meshgrid(xs, ys)
    # 1. smooth mountain envelope: ETOPO5 trend blended with seeded massifs
    trend = etopo_trend(grid)
    ms = np.full((ny, nx), 2050.0, np.float32)
    r = rng("massifs")
    for lo, la, h, sx, sy in MASSIFS:
        cx, cy = ll2xy(lo + r.normal(0, 0.004), la + r.normal(0, 0.004))
        ms += h * np.exp(-0.5 * (((X - cx) / (sx * 1000)) ** 2 + ((Y - cy) / (sy * 1000)) ** 2))
    env = 0.35 * trend + 0.65 * ms
    del ms
    # 2. fractal relief (half ridged, half plain), stronger where the envelope is high;
    #    the fine octaves are added at the very end, damped on flats and river beds
    r = rng("relief")
    cells = [300, 150, 75, 36, 18, 9, 4]
    amps = [1.0, 0.6, 0.42, 0.30, 0.17, 0.075, 0.015]
    n = 0.55 * fbm(ny, nx, cells[:3], amps[:3], r, ridged=True) + 0.45 * fbm(ny, nx, cells[:3], amps[:3], r)
    fine = 0.55 * fbm(ny, nx, cells[3:], amps[3:], r, ridged=True) + 0.45 * fbm(ny, nx, cells[3:], amps[3:], r)
    amp = np.clip(140 + 0.62 * (env - 1900), 140, 1050)
    z = env + amp * n
    fine *= amp
    rough = np.ones((ny, nx), np.float32)
    del n, env
    # rescale so that the highest point inside the county is ~3,930 m
    inside = rasterize(grid, [bnd]) > 0
    zmax = float(z[inside].max())
    k = (3930.0 - 2300.0) / (zmax - 2300.0)
    z = np.where(z > 2300, 2300 + (z - 2300) * k, z).astype(np.float32)
    # 3. Jinsha gorge
    J = geo["jinsha"]
    sj = np.concatenate([[0], np.cumsum(np.linalg.norm(np.diff(J, axis=0), axis=1))])
    bedj = 1338.0 - 40.0 * sj / sj[-1]
    Jc = resample_line(J, 300.0)
    bedc = np.interp(np.linspace(0, 1, len(Jc)), np.linspace(0, 1, len(bedj)), bedj)
    z = carve(z, grid, Jc, bedc - 4.0, 0.70, 90.0, k=60.0, maxw=4200.0)
    # 3b. basin floor (鹤庆坝子): flat, tilting gently south, ramps up into the hills
    basin = rasterize(grid, [geo["basin"]]) > 0
    d = proximity(grid, basin)
    axis = geo["basin_axis"]
    ys_axis = axis[:, 1]
    yn, ysouth = ys_axis.max(), ys_axis.min()
    floor = 2192.0 + 22.0 * np.clip((Y - ysouth) / (yn - ysouth), 0, 1)
    r = rng("basin-floor")
    floor = floor + 1.5 * value_noise(ny, nx, 12, r) + 2.5 * value_noise(ny, nx, 60, r)
    # slight rise towards the basin margins (alluvial fans)
    din = proximity(grid, ~basin)
    floor = floor + 6.0 * np.exp(-din / 500.0)
    W = 2600.0
    t = np.clip(d / W, 0, 1)
    zb = floor + np.maximum(z - floor, 0) * t ** 1.6
    z = np.where(d < W, zb, z)
    rough = np.minimum(rough, t ** 1.2)
    del zb, din, d
    # 4. minor flats
    for name, poly, fl in geo["flats"]:
        m = rasterize(grid, [poly]) > 0
        d = proximity(grid, m)
        W = 1500.0
        t = np.clip(d / W, 0, 1)
        zf = fl + 2.0 * value_noise(ny, nx, 20, rng("flatnoise", name)) + (z - fl) * t ** 1.5
        z = np.where(d < W, zf, z)
        rough = np.minimum(rough, t ** 1.2)
    # 5. Yanggong river valley below the basin, then the Jinsha gorge
    Yg = geo["yanggong"]
    s = np.concatenate([[0], np.cumsum(np.linalg.norm(np.diff(Yg, axis=0), axis=1))])
    ib = int(np.argmin(np.linalg.norm(Yg - ll2xy(100.197, 26.368), axis=1)))
    isg = int(np.argmin(np.linalg.norm(Yg - ll2xy(100.212, 26.277), axis=1)))
    bed = np.interp(s, [0, s[ib], s[isg], s[-1]], [2209.0, 2188.0, 2138.0, 1318.0])
    z = carve(z, grid, Yg, bed - 2.5, 0.42, 15.0, k=25.0, maxw=2600.0)
    # damp the fine relief near the two big rivers
    rv = rasterize(grid, [line_from_pts(Jc), line_from_pts(Yg)], all_touched=True) > 0
    d = proximity(grid, rv)
    rough = np.minimum(rough, np.clip((d - 60.0) / 250.0, 0, 1))
    z = z + fine * rough
    del fine, d
    # final peak calibration: the highest summit of the mapped area is ~3,930 m
    margin = rasterize(grid, [bnd.Buffer(1100.0, 8)]) > 0
    zmax = float(z[margin].max())
    k = (3960.0 - 3400.0) / (zmax - 3400.0)
    del margin
    z = np.where(z > 3400, 3400 + (z - 3400) * k, z)
    return grid, z.astype(np.float32), inside, rough


def coarse(a, agg=AGG, fn=np.mean):
    ny, nx = a.shape[0] // agg, a.shape[1] // agg
    return fn(a[:ny * agg, :nx * agg].reshape(ny, agg, nx, agg), axis=(1, 3))


def flow_tree(zc):
    """Priority-flood drainage tree on a coarse grid: parent index and accumulation."""
    ny, nx = zc.shape
    N = ny * nx
    zl = zc.ravel().astype(float).tolist()
    parent = [-1] * N
    closed = bytearray(N)
    heap = []
    cnt = 0
    for r_ in range(ny):
        for c_ in (0, nx - 1):
            i = r_ * nx + c_
            if not closed[i]:
                closed[i] = 1
                heap.append((zl[i], cnt, i))
                cnt += 1
    for c_ in range(nx):
        for r_ in (0, ny - 1):
            i = r_ * nx + c_
            if not closed[i]:
                closed[i] = 1
                heap.append((zl[i], cnt, i))
                cnt += 1
    heapq.heapify(heap)
    order = []
    nb = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]
    while heap:
        zi, _, i = heapq.heappop(heap)
        order.append(i)
        r_, c_ = divmod(i, nx)
        for dr, dc in nb:
            rr, cc = r_ + dr, c_ + dc
            if 0 <= rr < ny and 0 <= cc < nx:
                j = rr * nx + cc
                if not closed[j]:
                    closed[j] = 1
                    parent[j] = i
                    cnt += 1
                    heapq.heappush(heap, (zl[j], cnt, j))  # carve, don't fill
    acc = [1] * N
    for i in reversed(order):
        p = parent[i]
        if p >= 0:
            acc[p] += acc[i]
    return parent, np.array(acc).reshape(ny, nx)


def stream_lines(grid, zc, stop_mask, thresh):
    """Trace a stream network (lists of xy points, upstream->downstream)."""
    ny, nx = zc.shape
    parent, acc = flow_tree(zc)
    accf = acc.ravel()
    stop = stop_mask.ravel()
    is_st = (accf >= thresh) & ~stop
    ups = {}
    for i in np.nonzero(is_st)[0].tolist():
        p = parent[i]
        if p >= 0:
            ups.setdefault(p, []).append(i)
    outlets = [i for i in np.nonzero(is_st)[0].tolist()
               if parent[i] < 0 or not is_st[parent[i]]]
    outlets.sort(key=lambda i: -accf[i])
    res = CRS_RES

    def cxy(i):
        r_, c_ = divmod(i, nx)
        return (grid.x0 + (c_ + 0.5) * res, grid.y1 - (r_ + 0.5) * res)

    lines = []
    for o in outlets:
        stack = [(o, parent[o])]
        while stack:
            start, down = stack.pop()
            path = [start]
            cur = start
            while True:
                u = [j for j in ups.get(cur, []) if is_st[j]]
                if not u:
                    break
                u.sort(key=lambda j: -accf[j])
                for j in u[1:]:
                    stack.append((j, cur))
                cur = u[0]
                path.append(cur)
            path = path[::-1]  # upstream -> downstream
            pts = [cxy(i) for i in path]
            if down is not None and down >= 0:
                pts.append(cxy(down))
            if len(pts) >= 3:
                lines.append((np.array(pts), int(accf[start])))
    return lines


def add_streams(geo, grid, z, rough):
    zc = coarse(z)
    stop = coarse(rough, fn=np.max) < 0.05      # basin floor, flats, big rivers
    lines = stream_lines(grid, zc, stop, thresh=130)
    r = rng("streams")
    out = []
    for pts, acc in lines:
        ln = line_from_pts(pts).Simplify(110.0)
        p = resample_line(chaikin(np.array(ln.GetPoints())[:, :2], 3), 45.0)
        if len(p) < 4:
            continue
        p = offset_line(p, fractal_1d(len(p), r, 3, 12.0, 35.0,
                                      np.minimum(1, np.minimum(np.arange(len(p)),
                                                               np.arange(len(p))[::-1]) / 4.0)))
        out.append((p, acc))
    # carve: bed follows the terrain downstream (running minimum) minus an incision
    for p, acc in out:
        rr, cc = grid.rc(p[:, 0], p[:, 1])
        zs = z[rr, cc].astype(float)
        bed = np.minimum.accumulate(zs)
        inc = min(55.0, 6.0 + 14.0 * math.sqrt(acc / 130.0))
        taper = np.minimum(1, np.arange(len(p))[::-1] / 6.0)   # meet the receiving channel
        bed = bed - inc * np.maximum(taper, 0.15)
        z = carve(z, grid, p, bed, 0.55, 4.0, k=12.0, maxw=450.0)
    geo["streams"] = out
    return z


def polygonize(grid, mask, min_area=0.0):
    """Polygons (list) of the True regions of mask."""
    src = grid.mem(gdal.GDT_Byte, mask.astype(np.uint8))
    band = src.GetRasterBand(1)
    vds = ogr.GetDriverByName("Memory").CreateDataSource("")
    lyr = vds.CreateLayer("p", SRS, ogr.wkbPolygon)
    lyr.CreateField(ogr.FieldDefn("v", ogr.OFTInteger))
    gdal.Polygonize(band, band, lyr, 0, [])
    out = []
    for f in lyr:
        g = f.GetGeometryRef()
        if f.GetField("v") == 1 and g.GetArea() >= min_area:
            out.append(g.Clone())
    return out


def window(grid, x0, y0, x1, y1):
    c0 = max(0, int((x0 - grid.x0) / grid.res))
    c1 = min(grid.nx, int((x1 - grid.x0) / grid.res) + 1)
    r0 = max(0, int((grid.y1 - y1) / grid.res))
    r1 = min(grid.ny, int((grid.y1 - y0) / grid.res) + 1)
    sub = Grid(grid.x0 + c0 * grid.res, grid.y1 - r0 * grid.res, c1 - c0, r1 - r0, grid.res)
    return (slice(r0, r1), slice(c0, c1)), sub


# reservoirs: name, lon, lat near the dam, target area range (ha)
RESERVOIRS = [("东山水库", 100.262, 26.486, (25, 90)), ("北衙水库", 100.196, 26.126, (20, 70)),
              ("龙潭箐水库", 100.128, 26.604, (15, 60))]
HEILONGTAN = ("黑龙潭", 100.1655, 26.574)


def add_reservoirs(geo, grid, z):
    out = []
    for name, lo, la, (amin, amax) in RESERVOIRS:
        p0 = ll2xy(lo, la)
        best = None
        for p, acc in geo["streams"]:
            d = np.linalg.norm(p - p0, axis=1)
            i = int(np.argmin(d))
            if 8 <= i < len(p) - 3 and acc >= 150 and (best is None or d[i] < best[0]):
                best = (d[i], p, i)
        dist, p, i = best
        dam = p[i]
        log(f"reservoir {name}: dam {dist:.0f} m from the nominal site")
        ddir = p[min(i + 3, len(p) - 1)] - p[i - 3]
        ddir /= np.linalg.norm(ddir)
        sl, sub = window(grid, dam[0] - 3000, dam[1] - 3000, dam[0] + 3000, dam[1] + 3000)
        zs = z[sl]
        xs, ys = sub.xy()
        PX, PY = np.meshgrid(xs - dam[0], ys - dam[1])
        ups = (PX * ddir[0] + PY * ddir[1] < -15) & (np.hypot(PX, PY) < 2800)
        rr, cc = sub.rc(*p[i - 4])
        zbed = float(zs[rr, cc])
        poly = None
        for H in np.arange(6.0, 90.0, 1.0):
            m = ups & (zs < zbed + H)
            cands = [g for g in polygonize(sub, m) if g.Contains(ogr.CreateGeometryFromWkt(
                f"POINT ({p[i - 4][0]} {p[i - 4][1]})"))]
            if not cands:
                continue
            a = cands[0].GetArea() / 1e4
            if a >= amin:
                poly, level = cands[0], zbed + H
                break
            if a > amax:
                break
        poly = poly.Buffer(45, 4).Buffer(-45, 4).SimplifyPreserveTopology(8.0)
        poly = polys_of(poly)[0] if poly.GetGeometryType() != ogr.wkbPolygon else poly
        m = rasterize(sub, [poly]) > 0
        zs[m] = level
        z[sl] = zs
        out.append((name, poly, level, dam))
        log(f"reservoir {name}: {poly.GetArea() / 1e4:.1f} ha at {level:.1f} m")
    # 黑龙潭: spring-fed pool on the basin's western edge
    name, lo, la = HEILONGTAN
    c = ll2xy(lo, la)
    poly = poly_from_pts(smooth_blob(c, 170.0, rng("heilongtan"), 36, 0.3, 1.3, 0.4))
    sl, sub = window(grid, c[0] - 400, c[1] - 400, c[0] + 400, c[1] + 400)
    m = rasterize(sub, [poly]) > 0
    zs = z[sl]
    level = float(np.percentile(zs[m], 10)) - 1.0
    zs[m] = level
    z[sl] = zs
    geo["heilongtan"] = (name, poly, level, c)
    geo["reservoirs"] = out
    return z


def write_dem(path, grid, z, bnd):
    valid = rasterize(grid, [bnd.Buffer(1100.0, 8)]) > 0
    a = np.where(valid, np.round(z.astype(np.float64) * 4.0) / 4.0, -9999.0).astype(np.float32)
    if os.path.exists(path):
        os.remove(path)
    ds = gdal.GetDriverByName("GTiff").Create(
        path, grid.nx, grid.ny, 1, gdal.GDT_Float32,
        ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "PREDICTOR=3",
         "ZLEVEL=9"])
    ds.SetGeoTransform(grid.gt)
    ds.SetProjection(SRS.ExportToWkt())
    ds.SetMetadataItem("TIFFTAG_IMAGEDESCRIPTION",
                       "SYNTHETIC elevation for SitePlan demos - not real data")
    ds.SetMetadataItem("SOURCE", "ETOPO5 (public domain) trend + seeded fractal noise; "
                                 "scripts/gen_samples.py seed %d" % SEED)
    b = ds.GetRasterBand(1)
    b.SetNoDataValue(-9999.0)
    b.SetUnitType("m")
    b.WriteArray(a)
    ds = None
    return valid


def slope_deg(z, res):
    gy, gx = np.gradient(z.astype(np.float32), res)
    return np.degrees(np.arctan(np.hypot(gx, gy))).astype(np.float32)


# ----------------------------------------------------------------------------
# settlements, roads, power
# ----------------------------------------------------------------------------
# name, lon, lat, LX, RK, township code (seat of that township)
TOWNS = [("云鹤镇", 100.178, 26.560, "县城", 52600, "100"),
         ("辛屯镇", 100.196, 26.420, "镇", 11800, "101"),
         ("松桂镇", 100.212, 26.278, "镇", 8600, "102"),
         ("黄坪镇", 100.386, 26.064, "镇", 7400, "103"),
         ("草海镇", 100.192, 26.628, "镇", 9900, "104"),
         ("西邑镇", 100.116, 26.443, "镇", 4300, "105"),
         ("龙开口镇", 100.402, 26.603, "镇", 5200, "106"),
         ("金墩乡", 100.222, 26.505, "镇", 6100, "200"),
         ("六合乡", 100.318, 26.333, "镇", 3900, "201")]
BEIYA = (100.172, 26.152)
BASIN_VILLAGES = ["新华村", "逢密村", "龙珠村", "彭屯村", "大营村", "甸头村", "板桥村", "妙登村",
                  "金星村", "象眠村", "南庄村", "母屯村", "河西村", "文笔村", "小水美村", "和邑村",
                  "秀邑村", "大水美村", "龙华村", "北溪村", "中江村", "柳绿河村", "西园村", "太和村",
                  "三庄村", "安乐村", "炼城村", "朵美村"]
MOUNTAIN_VILLAGES = ["大栗坪村", "井东湾村", "东山村", "吾足村", "拉乌村", "马厂村", "中和村",
                     "灵地村", "桃树村", "江东村", "坪地村", "石朵村", "白岩村", "羊坪村",
                     "松子坪村", "大箐村", "麦地村", "水井村", "梨园村", "河头村"]


def make_settlements(geo, grid, z, slope):
    bnd = geo["boundary"]
    towns = []
    for name, lo, la, lx, rk, code in TOWNS:
        towns.append(dict(MC=name, LX=lx, RK=rk, xy=ll2xy(lo, la), town=code, seat=True))
    towns.append(dict(MC="北衙村", LX="村", RK=3400, xy=ll2xy(*BEIYA), town="102", seat=False))
    zc = coarse(z)
    sc = coarse(slope)
    basin = coarse(rasterize(grid, [geo["basin"]])) > 0.5
    near_basin = coarse(rasterize(grid, [geo["basin"].Buffer(1500.0, 4)])) > 0.5
    flats = coarse(rasterize(grid, [f[1] for f in geo["flats"]])) > 0.5
    inner = coarse(rasterize(grid, [bnd.Buffer(-600.0, 4)])) > 0.99
    water = [geo["heilongtan"][1]] + [r_[1] for r_ in geo["reservoirs"]]
    wet = coarse(rasterize(grid, [w.Buffer(250, 4) for w in water] +
                          [line_from_pts(geo["jinsha"]).Buffer(700, 4),
                           line_from_pts(geo["yanggong"]).Buffer(150, 4)])) > 0
    cy, cx = np.nonzero(inner & ~wet & (sc < 13) & (zc < 3050))
    w = np.where(basin[cy, cx] | (near_basin[cy, cx] & (sc[cy, cx] < 9)), 3.0,
                 np.where(flats[cy, cx], 2.0, 0.7))
    r = rng("villages")
    order = np.argsort(-w * r.uniform(0.2, 1.0, len(w)), kind="stable")
    pts = [t["xy"] for t in towns]
    vill = []
    nb, nm = 0, 0
    for k in order:
        x = grid.x0 + (cx[k] + r.uniform(0.2, 0.8)) * CRS_RES
        y = grid.y1 - (cy[k] + r.uniform(0.2, 0.8)) * CRS_RES
        in_b = bool(w[k] >= 2.0)
        if in_b and nb >= len(BASIN_VILLAGES):
            continue
        if not in_b and nm >= len(MOUNTAIN_VILLAGES):
            continue
        dmin = 1300.0 if in_b else 2600.0
        if min(np.hypot(x - p[0], y - p[1]) for p in pts) < dmin:
            continue
        pts.append(np.array([x, y]))
        vill.append(dict(xy=np.array([x, y]), basin=in_b, z=float(zc[cy[k], cx[k]])))
        if in_b:
            nb += 1
        else:
            nm += 1
        if nb >= len(BASIN_VILLAGES) and nm >= len(MOUNTAIN_VILLAGES):
            break
    # names: order villages north->south for stable naming; PV-friendly mountain
    # villages (high, gentle) get the names used by the PV projects
    bv = sorted([v for v in vill if v["basin"]], key=lambda v: (-v["xy"][1], v["xy"][0]))
    mv = sorted([v for v in vill if not v["basin"]], key=lambda v: (-v["xy"][1], v["xy"][0]))
    for v, nm_ in zip(bv, BASIN_VILLAGES):
        v["MC"] = nm_
        v["RK"] = int(r.integers(9, 36)) * 100
    score = [-(abs(v["z"] - 2650) / 300.0) for v in mv]
    pick = list(np.argsort(score, kind="stable")[::-1][:2])
    rest_names = MOUNTAIN_VILLAGES[2:]
    j = 0
    for i, v in enumerate(mv):
        if i == pick[0]:
            v["MC"] = MOUNTAIN_VILLAGES[0]
        elif i == pick[1]:
            v["MC"] = MOUNTAIN_VILLAGES[1]
        else:
            v["MC"] = rest_names[j]
            j += 1
        v["RK"] = int(r.integers(3, 13)) * 100
    seats = [t for t in towns if t["seat"]]
    for v in bv + mv:
        v["LX"] = "村"
        v["seat"] = False
        d = [np.hypot(*(v["xy"] - t["xy"])) for t in seats]
        v["town"] = seats[int(np.argmin(d))]["town"]
    allp = towns + bv + mv
    # village codes inside each township, north -> south
    for code in sorted(set(t["town"] for t in allp)):
        members = sorted([t for t in allp if t["town"] == code],
                         key=lambda t: (-t["xy"][1], t["xy"][0]))
        for k, t in enumerate(members, 1):
            t["vcode"] = f"{k:03d}"
    geo["settlements"] = allp
    log(f"settlements: {len(towns)} towns, {len(bv)} basin + {len(mv)} mountain villages")
    return allp


def astar(cost, nx, ny, start, goals, target_xy=None, hmin=1.0):
    """8-neighbour A* / Dijkstra on a flat cost list; goals is a set of indices."""
    INF = float("inf")
    dist = {start: 0.0}
    prev = {}
    tx, ty = target_xy if target_xy is not None else (None, None)

    def h(i):
        if tx is None:
            return 0.0
        r_, c_ = divmod(i, nx)
        return hmin * math.hypot(r_ - ty, c_ - tx)

    heap = [(h(start), 0.0, start)]
    nb = [(-1, -1, 1.4142), (-1, 0, 1.0), (-1, 1, 1.4142), (0, -1, 1.0), (0, 1, 1.0),
          (1, -1, 1.4142), (1, 0, 1.0), (1, 1, 1.4142)]
    end = None
    while heap:
        f, g, i = heapq.heappop(heap)
        if g > dist.get(i, INF):
            continue
        if i in goals:
            end = i
            break
        r_, c_ = divmod(i, nx)
        ci = cost[i]
        for dr, dc, w in nb:
            rr, cc = r_ + dr, c_ + dc
            if 0 <= rr < ny and 0 <= cc < nx:
                j = rr * nx + cc
                ng = g + w * 0.5 * (ci + cost[j])
                if ng < dist.get(j, INF):
                    dist[j] = ng
                    prev[j] = i
                    heapq.heappush(heap, (ng + h(j), ng, j))
    path = [end]
    while path[-1] != start:
        path.append(prev[path[-1]])
    return path[::-1]


ROADS = [  # name, grade, via points (lon, lat) or settlement names
    ("大丽高速", "高速", [(100.112, 26.132), (100.163, 26.168), (100.203, 26.262), (100.189, 26.382),
                        (100.163, 26.47), (100.166, 26.60), (100.196, 26.672), (100.207, 26.716)]),
    ("G214", "国道", [(100.198, 26.030), "北衙村", "松桂镇", "辛屯镇", "云鹤镇", "草海镇",
                     (100.226, 26.714)]),
    ("S221", "省道", ["云鹤镇", "金墩乡", "龙开口镇"]),
    ("S222", "省道", ["松桂镇", "黄坪镇", (100.492, 26.075)]),
    ("X101云鹤—西邑线", "县道", ["云鹤镇", "西邑镇"]),
    ("X102辛屯—六合线", "县道", ["辛屯镇", "六合乡"]),
    ("X103北衙—黄坪线", "县道", ["北衙村", "黄坪镇"]),
]
GRADE_COST = {"高速": 3.5, "国道": 5.0, "省道": 6.0, "县道": 7.0, "乡道": 8.0}


def make_roads(geo, grid, z, slope):
    zc = coarse(z)
    sc = coarse(slope)
    ny, nx = zc.shape
    cgrid = Grid(grid.x0, grid.y1, nx, ny, CRS_RES)
    water = [geo["heilongtan"][1]] + [r_[1] for r_ in geo["reservoirs"]]
    wet = coarse(rasterize(grid, water + [line_from_pts(geo["jinsha"]).Buffer(120, 4)])) > 0.2
    outside = coarse(rasterize(grid, [geo["boundary"]])) < 0.5
    used = np.zeros((ny, nx), bool)
    byname = {s["MC"]: s["xy"] for s in geo["settlements"]}

    def cidx(p):
        r_, c_ = cgrid.rc(p[0], p[1])
        return int(r_) * nx + int(c_)

    def to_xy(path):
        return np.array([[cgrid.x0 + (i % nx + 0.5) * CRS_RES,
                          cgrid.y1 - (i // nx + 0.5) * CRS_RES] for i in path])

    def costs(grade, avoid_used):
        k = GRADE_COST[grade]
        c = 1.0 + (sc / k) ** 2 + 60.0 * wet + 2.0 * outside
        if avoid_used:
            c = c + 1.2 * used
        return c.ravel().tolist()

    def smooth(pts, grade, ends):
        ln = line_from_pts(pts).Simplify(130.0 if grade in ("高速", "国道") else 80.0)
        p = np.array(ln.GetPoints())[:, :2]
        p[0], p[-1] = ends
        return resample_line(chaikin(p, 3), 50.0)

    roads = []
    for name, grade, via in ROADS:
        cost = costs(grade, True)
        pts = [byname[v] if isinstance(v, str) else ll2xy(*v) for v in via]
        cells = []
        for a, b in zip(pts[:-1], pts[1:]):
            ib = cidx(b)
            path = astar(cost, nx, ny, cidx(a), {ib}, (ib % nx, ib // nx))
            cells.extend(path if not cells else path[1:])
        xy = to_xy(cells)
        xy[0], xy[-1] = pts[0], pts[-1]
        line = smooth(xy, grade, (pts[0], pts[-1]))
        roads.append(dict(MC=name, DJ=grade, pts=line))
        for i in cells:
            used[i // nx, i % nx] = True
    # township roads (乡道): every village not on the network gets a link
    net = set(np.nonzero(used.ravel())[0].tolist())
    cost = costs("乡道", False)
    k = 0
    vills = sorted([s for s in geo["settlements"] if s["LX"] == "村"],
                   key=lambda s: (-s["xy"][1], s["xy"][0]))
    for s in vills:
        i0 = cidx(s["xy"])
        if i0 in net or any(abs(i0 % nx - j % nx) <= 1 and abs(i0 // nx - j // nx) <= 1
                            for j in (i0 - 1, i0 + 1, i0 - nx, i0 + nx) if j in net):
            continue
        path = astar(cost, nx, ny, i0, net)
        if len(path) < 3:
            continue
        xy = to_xy(path)
        xy[0] = s["xy"]
        k += 1
        roads.append(dict(MC=f"Y{k:03d}{s['MC'][:-1]}连接线", DJ="乡道",
                          pts=smooth(xy, "乡道", (xy[0], xy[-1]))))
        net.update(path)
    geo["roads"] = roads
    log(f"roads: {len(roads)} lines")
    return roads


def make_power(geo):
    S = {s["MC"]: s["xy"] for s in geo["settlements"]}
    r = rng("power")

    def near(name, dx, dy):
        return S[name] + np.array([dx, dy])

    subs = [("龙开口电站500kV升压站", 500, near("龙开口镇", 650, 420)),
            ("鹤庆220kV变电站", 220, near("云鹤镇", -900, -1300)),
            ("北衙220kV变电站", 220, near("北衙村", 1100, 700)),
            ("草海110kV变电站", 110, near("草海镇", 500, -400)),
            ("辛屯110kV变电站", 110, near("辛屯镇", -700, 300)),
            ("松桂110kV变电站", 110, near("松桂镇", 400, -500)),
            ("黄坪35kV变电站", 35, near("黄坪镇", -500, 350)),
            ("六合35kV变电站", 35, near("六合乡", 300, -250)),
            ("西邑35kV变电站", 35, near("西邑镇", 250, 300)),
            ("金墩35kV变电站", 35, near("金墩乡", 350, 200))]
    P = {n: p for n, _, p in subs}
    lines_def = [
        ("500kV龙开口—大理Ⅰ回线", 500, ["龙开口电站500kV升压站", ll2xy(100.300, 25.965)], 0.0),
        ("500kV龙开口—大理Ⅱ回线", 500, ["龙开口电站500kV升压站", ll2xy(100.300, 25.965)], 70.0),
        ("220kV龙开口—鹤庆线", 220, ["龙开口电站500kV升压站", "鹤庆220kV变电站"], 0.0),
        ("220kV鹤庆—北衙线", 220, ["鹤庆220kV变电站", "北衙220kV变电站"], 0.0),
        ("220kV北衙—洱源线", 220, ["北衙220kV变电站", ll2xy(100.100, 26.120)], 0.0),
        ("110kV鹤庆—草海线", 110, ["鹤庆220kV变电站", "草海110kV变电站"], 0.0),
        ("110kV鹤庆—辛屯线", 110, ["鹤庆220kV变电站", "辛屯110kV变电站"], 0.0),
        ("110kV辛屯—松桂线", 110, ["辛屯110kV变电站", "松桂110kV变电站"], 0.0),
        ("110kV北衙—松桂线", 110, ["北衙220kV变电站", "松桂110kV变电站"], 0.0),
        ("35kV松桂—黄坪线", 35, ["松桂110kV变电站", "黄坪35kV变电站"], 0.0),
        ("35kV辛屯—六合线", 35, ["辛屯110kV变电站", "六合35kV变电站"], 0.0),
        ("35kV鹤庆—西邑线", 35, ["鹤庆220kV变电站", "西邑35kV变电站"], 0.0),
        ("35kV鹤庆—金墩线", 35, ["鹤庆220kV变电站", "金墩35kV变电站"], 0.0),
    ]
    lines = []
    cache = {}
    for name, kv, (a, b), off in lines_def:
        pa = P[a] if isinstance(a, str) else a
        pb = P[b] if isinstance(b, str) else b
        key = (a if isinstance(a, str) else "x", b if isinstance(b, str) else "y")
        if key not in cache:  # angle towers: a few lateral kinks, straight spans
            L = np.linalg.norm(pb - pa)
            n = max(1, int(L / 5000))
            t = np.sort(r.uniform(0.15, 0.85, n)) if n > 1 else np.array([0.5])
            d = (pb - pa) / L
            nrm = np.array([-d[1], d[0]])
            mids = [pa + (pb - pa) * ti + nrm * r.normal(0, 0.05 * L) for ti in t]
            cache[key] = np.vstack([pa, *mids, pb])
        pts = cache[key]
        if off:
            pts = offset_line(pts, np.full(len(pts), off))
            pts[0] = pts[0] + (pts[0] - pts[1]) * 0  # keep end towers near the station
        lines.append(dict(MC=name, DYDJ=kv, pts=pts))
    geo["substations"] = [dict(MC=n, DYDJ=kv, xy=p) for n, kv, p in subs]
    geo["power_lines"] = lines


# ----------------------------------------------------------------------------
# 三调 land use (dltb)
# ----------------------------------------------------------------------------
DLMC = {
    "0101": "水田", "0102": "水浇地", "0103": "旱地", "0201": "果园", "0201K": "可调整果园",
    "0204": "其他园地", "0301": "乔木林地", "0301K": "可调整乔木林地", "0305": "灌木林地",
    "0307": "其他林地", "0307K": "可调整其他林地", "0404": "其他草地", "05H1": "商业服务业设施用地",
    "0508": "物流仓储用地", "0601": "工业用地", "0602": "采矿用地", "0701": "城镇住宅用地",
    "0702": "农村宅基地", "08H1": "机关团体新闻出版用地", "08H2": "科教文卫用地",
    "0810": "公园与绿地", "09": "特殊用地", "1003": "公路用地", "1004": "城镇村道路用地",
    "1006": "农村道路", "1101": "河流水面", "1103": "水库水面", "1104": "坑塘水面",
    "1104K": "可调整养殖坑塘", "1107": "沟渠", "1202": "设施农用地", "1206": "裸土地",
    "1207": "裸岩石砾地",
}
FOREST = ("0301", "0301K", "0305", "0307", "0307K")
CULTIVATED = ("0101", "0102", "0103")


def sample_seeds(geo, grid, z, slope):
    """Blue-noise seed points whose spacing follows a land-use density field."""
    zc = coarse(z)
    sc = coarse(slope)
    basin = coarse(rasterize(grid, [geo["basin"]]))
    flats = coarse(rasterize(grid, [f[1] for f in geo["flats"]]))
    pied = coarse(rasterize(grid, [geo["basin"].Buffer(2200.0, 4)]))
    dens = np.where(zc < 3300, 0.6, 0.45)          # seeds per km2 (mountains)
    dens = np.where((sc < 22) & (zc < 2900), 1.3, dens)
    dens = np.where((pied > 0.5) & (sc < 16), 2.6, dens)
    dens = np.where(flats > 0.5, 4.5, dens)
    dens = np.where(basin > 0.5, 5.6, dens)
    ny, nx = zc.shape
    r = rng("seeds")
    cand = []
    for iy in range(ny):
        lam = dens[iy] * (CRS_RES / 1000.0) ** 2 * 3.0
        k = r.poisson(lam)
        for ix in np.nonzero(k)[0].tolist():
            for _ in range(int(k[ix])):
                cand.append((grid.x0 + (ix + r.uniform()) * CRS_RES,
                             grid.y1 - (iy + r.uniform()) * CRS_RES, dens[iy, ix]))
    extra = []
    for s in geo["settlements"]:
        nbig = {"县城": 110, "镇": 28}.get(s["LX"], 10 + s["RK"] // 400)
        rad = {"县城": 1500.0, "镇": 650.0}.get(s["LX"], 380.0)
        for _ in range(nbig):
            a, d = r.uniform(0, 2 * np.pi), rad * math.sqrt(r.uniform())
            extra.append((s["xy"][0] + d * math.cos(a), s["xy"][1] + d * math.sin(a),
                          nbig / (math.pi * (rad / 1000) ** 2)))
    bx = ll2xy(*BEIYA)
    for _ in range(70):
        a, d = r.uniform(0, 2 * np.pi), 2600 * math.sqrt(r.uniform())
        extra.append((bx[0] + d * math.cos(a), bx[1] + d * math.sin(a), 10.0))
    cand = extra + [cand[i] for i in r.permutation(len(cand))]
    inside = rasterize(grid, [geo["boundary"]]) > 0
    cell = 120.0
    buckets = {}
    pts = []
    for x, y, dn in cand:
        rr, cc = grid.rc(x, y)
        if not inside[rr, cc]:
            continue
        rmin = 0.62 / math.sqrt(dn) * 1000.0
        bi, bj = int(x // cell), int(y // cell)
        reach = int(rmin // cell) + 1
        ok = True
        for di in range(-reach, reach + 1):
            for dj in range(-reach, reach + 1):
                for (px, py) in buckets.get((bi + di, bj + dj), ()):
                    if (px - x) ** 2 + (py - y) ** 2 < rmin * rmin:
                        ok = False
                        break
                if not ok:
                    break
            if not ok:
                break
        if ok:
            pts.append((x, y))
            buckets.setdefault((bi, bj), []).append((x, y))
    return np.array(pts)


def voronoi_cells(pts, bnd, r):
    """Voronoi cells of pts with consistently perturbed edges, clipped to bnd.

    Neighbouring cells use the very same perturbed polyline for their common
    edge, so the result is an exact coverage (no gaps, no overlaps)."""
    x0, x1, y0, y1 = bnd.GetEnvelope()
    fr = []
    m = 8000.0
    for t in np.linspace(0, 1, 40, endpoint=False):
        fr += [(x0 - m + t * (x1 - x0 + 2 * m), y0 - m), (x1 + m, y0 - m + t * (y1 - y0 + 2 * m)),
               (x1 + m - t * (x1 - x0 + 2 * m), y1 + m), (x0 - m, y1 + m - t * (y1 - y0 + 2 * m))]
    allp = np.vstack([pts, np.array(fr)])
    n = len(pts)
    mp = ogr.Geometry(ogr.wkbMultiPoint)
    for x, y in allp:
        g = ogr.Geometry(ogr.wkbPoint)
        g.AddPoint_2D(float(x), float(y))
        mp.AddGeometry(g)
    tri = mp.DelaunayTriangulation(0.0, False)
    index = {(float(x), float(y)): i for i, (x, y) in enumerate(allp)}
    T = []
    for k in range(tri.GetGeometryCount()):
        ring = tri.GetGeometryRef(k).GetGeometryRef(0)
        T.append([index[(ring.GetX(j), ring.GetY(j))] for j in range(3)])
    T = np.array(T)
    A, B, C = allp[T[:, 0]], allp[T[:, 1]], allp[T[:, 2]]
    d = 2 * (A[:, 0] * (B[:, 1] - C[:, 1]) + B[:, 0] * (C[:, 1] - A[:, 1]) + C[:, 0] * (A[:, 1] - B[:, 1]))
    ux = ((A ** 2).sum(1) * (B[:, 1] - C[:, 1]) + (B ** 2).sum(1) * (C[:, 1] - A[:, 1])
          + (C ** 2).sum(1) * (A[:, 1] - B[:, 1])) / d
    uy = ((A ** 2).sum(1) * (C[:, 0] - B[:, 0]) + (B ** 2).sum(1) * (A[:, 0] - C[:, 0])
          + (C ** 2).sum(1) * (B[:, 0] - A[:, 0])) / d
    cc = np.column_stack([ux, uy])
    cen = (A + B + C) / 3.0
    fans = [[] for _ in range(n)]
    for t, (a, b, c) in enumerate(T.tolist()):
        for v in (a, b, c):
            if v < n:
                fans[v].append(t)
    nbrs = set()
    for a, b, c in T.tolist():
        for u, v in ((a, b), (b, c), (c, a)):
            if u < n and v < n:
                nbrs.add((min(u, v), max(u, v)))
    # perturbation coefficients per Voronoi edge (keyed by the triangle pair)
    edges = {}
    for i in range(n):
        f = fans[i]
        ang = np.arctan2(cen[f, 1] - allp[i, 1], cen[f, 0] - allp[i, 0])
        f = [f[k] for k in np.argsort(ang)]
        fans[i] = f
        for k in range(len(f)):
            e = (min(f[k], f[(k + 1) % len(f)]), max(f[k], f[(k + 1) % len(f)]))
            edges[e] = None
    keys = sorted(edges)
    coef = r.normal(0, 1, (len(keys), 4))
    for k, e in enumerate(keys):
        edges[e] = coef[k]
    straight = set()

    def edge_pts(e):
        p, q = cc[e[0]], cc[e[1]]
        L = float(np.hypot(*(q - p)))
        if e in straight or L < 40.0:
            return np.vstack([p, q])
        if L < 250.0:  # short edges (field boundaries in the basin) stay straight
            return np.vstack([p, q])
        m_ = 2 if L < 600 else 4
        s = np.linspace(0, 1, m_ + 1)
        a = edges[e]
        amp = min(0.08 * L, 50.0)
        nh = 1 if m_ == 2 else 2
        disp = sum(amp * a[k] / (k + 1) * np.sin((k + 1) * np.pi * s) for k in range(nh))
        dvec = (q - p) / L
        nrm = np.array([-dvec[1], dvec[0]])
        return p + np.outer(s, q - p) + np.outer(disp, nrm)

    def cell_ring(i):
        f = fans[i]
        out = []
        for k in range(len(f)):
            t0, t1 = f[k], f[(k + 1) % len(f)]
            if cc[t0][0] == cc[t1][0] and cc[t0][1] == cc[t1][1]:
                continue
            e = (min(t0, t1), max(t0, t1))
            ep = edge_pts(e)
            if t0 > t1:
                ep = ep[::-1]
            out.append(ep[:-1])
        return np.vstack(out)

    bprep = bnd
    cells = [None] * n
    todo = list(range(n))
    for it in range(4):
        bad = []
        for i in todo:
            ring = cell_ring(i)
            g = ogr.CreateGeometryFromWkt("POLYGON (" + ring_wkt_exact(ring) + ")")
            if not g.IsValid():
                bad.append(i)
                continue
            cells[i] = g
        if not bad:
            break
        # straighten the edges of invalid cells (shared with neighbours: redo them too)
        redo = set(bad)
        for i in bad:
            f = fans[i]
            for k in range(len(f)):
                e = (min(f[k], f[(k + 1) % len(f)]), max(f[k], f[(k + 1) % len(f)]))
                straight.add(e)
            for (u, v) in nbrs:
                pass
        # neighbours sharing a straightened edge
        for j in range(n):
            f = fans[j]
            for k in range(len(f)):
                e = (min(f[k], f[(k + 1) % len(f)]), max(f[k], f[(k + 1) % len(f)]))
                if e in straight:
                    redo.add(j)
                    break
        todo = sorted(redo)
    clipped = []
    for i in range(n):
        g = cells[i].Intersection(bprep)
        clipped.append(g)
    return clipped, sorted(nbrs), len(straight)


def ring_wkt_exact(pts):
    pts = [tuple(p) for p in pts]
    pts.append(pts[0])
    return "(" + ",".join(f"{x!r} {y!r}" for x, y in pts) + ")"


def pick(q, table):
    """table: list of (code, weight); q in [0,1) -> code by cumulative weight."""
    tot = sum(w for _, w in table)
    acc = 0.0
    for code, w in table:
        acc += w / tot
        if q < acc:
            return code
    return table[-1][0]


def rank01(v):
    o = np.argsort(v, kind="stable")
    out = np.empty(len(v))
    out[o] = (np.arange(len(v)) + 0.5) / len(v)
    return out


def classify(feat, r):
    """Assign a 三调 land-use code to every Voronoi cell from its terrain context."""
    n = len(feat["z"])
    q = rank01(0.7 * feat["n1"] + 0.3 * r.uniform(size=n))
    q2 = rank01(0.6 * feat["n2"] + 0.4 * r.uniform(size=n))
    u = r.uniform(size=n)
    codes = []
    for i in range(n):
        z, s = feat["z"][i], feat["slope"][i]
        flat = feat["flat"][i] > 0.5
        dset, sx = feat["dset"][i], feat["set"][i]
        dby = feat["dbeiya"][i]
        lx = sx["LX"]
        if lx == "县城" and dset < 1350:
            c = pick(q2[i], [("0701", 42), ("05H1", 16), ("08H2", 8), ("08H1", 4), ("1004", 6),
                            ("0810", 4), ("0601", 6), ("0702", 10), ("0508", 4)])
        elif lx == "镇" and dset < 520:
            c = pick(q2[i], [("0701", 38), ("05H1", 20), ("0702", 30), ("08H2", 8), ("1004", 4)])
        elif lx == "村" and dset < (230 + sx["RK"] / 18.0):
            c = pick(q2[i], [("0702", 78), ("05H1", 4), ("08H2", 3), ("1202", 4),
                            ("0103" if not flat else "0101", 11)])
        elif dby < 2700 and feat["pit"][i] < 850:
            c = pick(q2[i], [("0602", 62), ("1206", 22), ("0601", 16)])
        elif dby < 3000 and not flat and u[i] < 0.30:
            c = pick(q2[i], [("0601", 45), ("0602", 25), ("1206", 20), ("0508", 10)])
        elif flat and s < 5:
            if z < 1900:
                c = pick(q[i], [("0101", 30), ("0103", 30), ("0201", 15), ("0204", 8),
                                ("0102", 10), ("1202", 4), ("0307", 3)])
            else:
                c = pick(q[i], [("0101", 50), ("0102", 15), ("0103", 12), ("1104", 3),
                                ("1202", 4), ("0201", 5), ("0307", 3), ("0404", 2),
                                ("1006", 2), ("1107", 1), ("0201K", 1.5), ("1104K", 0.7),
                                ("0301K", 0.8)])
        elif s < 12 and z < 2850 and dset < 2600:
            c = pick(q[i], [("0103", 40), ("0201", 9), ("0301", 17), ("0305", 11), ("0404", 11),
                            ("0307", 6), ("0204", 3), ("0201K", 1.5), ("0307K", 1.5),
                            ("1202", 1)])
        elif s < 12 and z < 3300:
            c = pick(q[i], [("0301", 40), ("0305", 20), ("0404", 25), ("0307", 8),
                            ("0103", 7)])
        elif z < 1800:
            c = pick(q[i], [("0305", 34), ("0404", 33), ("0301", 10), ("1206", 7),
                            ("0103" if s < 20 else "0305", 12), ("0204", 4)])
        elif z < 3300:
            c = pick(q[i], [("0301", 62), ("0305", 15), ("0307", 6), ("0404", 11),
                            ("0103" if (s < 18 and z < 2700 and dset < 2000) else "0301", 6)])
        elif z < 3650:
            c = pick(q[i], [("0301", 45), ("0305", 30), ("0404", 25)])
        else:
            c = pick(q[i], [("0404", 35), ("0305", 25), ("1207", 30), ("1206", 10)])
        codes.append(c)
    return codes


def make_dltb(geo, grid, z, slope):
    bnd = geo["boundary"]
    r = rng("dltb")
    pts = sample_seeds(geo, grid, z, slope)
    log(f"dltb: {len(pts)} seeds")
    cells, nbrs, nstraight = voronoi_cells(pts, bnd, r)
    log(f"dltb: voronoi done ({nstraight} edges straightened)")
    n = len(cells)
    # zonal statistics on the DEM grid
    ids = rasterize(grid, cells, np.arange(1, n + 1), dtype=gdal.GDT_Int32).astype(np.int64)
    m = ids > 0
    idv = ids[m] - 1
    cnt = np.bincount(idv, minlength=n).astype(float)
    zsum = np.bincount(idv, z[m], minlength=n)
    ssum = np.bincount(idv, slope[m], minlength=n)
    flatm = rasterize(grid, [geo["basin"]] + [f[1] for f in geo["flats"]])
    fsum = np.bincount(idv, flatm[m], minlength=n)
    cen = []
    for g in cells:
        p = g.PointOnSurface() if not g.IsEmpty() else None
        cen.append((p.GetX(), p.GetY()) if p else (0.0, 0.0))
    cen = np.array(cen)
    rr, cc = grid.rc(cen[:, 0], cen[:, 1])
    zc_ = np.where(cnt > 0, zsum / np.maximum(cnt, 1), z[rr, cc])
    sc_ = np.where(cnt > 0, ssum / np.maximum(cnt, 1), slope[rr, cc])
    fc_ = np.where(cnt > 0, fsum / np.maximum(cnt, 1), flatm[rr, cc])
    del ids, m, idv
    sets = geo["settlements"]
    sxy = np.array([s["xy"] for s in sets])
    D = np.hypot(cen[:, None, 0] - sxy[None, :, 0], cen[:, None, 1] - sxy[None, :, 1])
    # "influence" distance: big places reach further
    reach = np.array([{"县城": 0.45, "镇": 0.8}.get(s["LX"], 1.0) for s in sets])
    near = np.argmin(D * reach[None, :], axis=1)
    dset = D[np.arange(n), near]
    by = ll2xy(*BEIYA)
    pits = [ll2xy(100.163, 26.141), ll2xy(100.184, 26.163), ll2xy(100.152, 26.160)]
    dpit = np.min([np.hypot(cen[:, 0] - p[0], cen[:, 1] - p[1]) for p in pits], axis=0)
    rn = rng("landuse-noise")
    n1f = value_noise(grid.ny // AGG + 1, grid.nx // AGG + 1, 10, rn)   # ~1.5 km
    n2f = value_noise(grid.ny // AGG + 1, grid.nx // AGG + 1, 4, rn)    # ~600 m
    cr, ccl = rr // AGG, cc // AGG
    feat = dict(z=zc_, slope=sc_, flat=fc_, dset=dset, set=[sets[k] for k in near],
                dbeiya=np.hypot(cen[:, 0] - by[0], cen[:, 1] - by[1]), pit=dpit,
                n1=n1f[cr, ccl], n2=n2f[cr, ccl])
    codes = classify(feat, r)
    # 坐落单位 (village) of each cell: nearest settlement, plain distance
    vill = np.argmin(D, axis=1)
    # merge neighbouring cells of the same class and village into larger parcels
    cap = {c: 8 for c in FOREST + ("0404", "1207", "1206")}
    cap.update({c: 2 for c in CULTIVATED + ("0201",)})
    parent = list(range(n))
    size = [1] * n

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    mr = rng("merge")
    for (a, b) in nbrs:
        if codes[a] != codes[b] or vill[a] != vill[b] or codes[a] not in cap:
            continue
        if cells[a].IsEmpty() or cells[b].IsEmpty() or mr.uniform() < 0.15:
            continue
        ra, rb = find(a), find(b)
        if ra != rb and size[ra] + size[rb] <= cap[codes[a]]:
            parent[rb] = ra
            size[ra] += size[rb]
    groups = {}
    for i in range(n):
        if not cells[i].IsEmpty():
            groups.setdefault(find(i), []).append(i)
    merged = []
    for root in sorted(groups):
        mem_ = groups[root]
        g = cells[mem_[0]] if len(mem_) == 1 else union_all([cells[k] for k in mem_])
        merged.append((g, codes[root], int(vill[root]), float(np.mean(sc_[mem_])),
                       float(np.mean(zc_[mem_]))))
    log(f"dltb: {len(merged)} parcels after merging")
    # linear / water features cut out of the parcels
    Jb = line_from_pts(resample_line(geo["jinsha"], 200.0)).Buffer(95.0, 2)
    Yb = line_from_pts(resample_line(geo["yanggong"], 90.0)).Buffer(12.0, 2)
    sb = [line_from_pts(resample_line(p, 90.0)).Buffer(6.0, 2) for p, a in geo["streams"]
          if a >= 1200]
    river = union_all([Jb, Yb] + sb).Intersection(bnd)
    res = union_all([x[1] for x in geo["reservoirs"]]).Intersection(bnd).Difference(river)
    pond = geo["heilongtan"][1].Difference(river)
    hw = {"高速": 18.0, "国道": 12.0, "省道": 8.0, "县道": 5.0}
    road = union_all([line_from_pts(resample_line(rd["pts"], 75.0)).Buffer(hw[rd["DJ"]], 2)
                      for rd in geo["roads"] if rd["DJ"] in hw])
    road = road.Intersection(bnd).Difference(river).Difference(res).Difference(pond)
    layers = [("1101", tile(river)), ("1103", tile(res)), ("1104", tile(pond)),
              ("1003", tile(road))]
    out = []
    for g, code, vi, s_, z_ in merged:
        rest = g
        parts = []
        env = g.GetEnvelope()
        for lc, tiles in layers:
            cand = [t for e, t in tiles if e[0] <= env[1] and e[1] >= env[0]
                    and e[2] <= env[3] and e[3] >= env[2]]
            if not cand:
                continue
            loc = cand[0] if len(cand) == 1 else union_all(cand)
            if not rest.Intersects(loc):
                continue
            piece = rest.Intersection(loc)
            rest = rest.Difference(loc)
            parts += [(p, lc) for p in polys_of(piece)]
        parts += [(p, code) for p in polys_of(rest)]
        parts = absorb_slivers(parts, 60.0)
        for p, lc in parts:
            out.append((p, lc, vi, s_, z_))
    log(f"dltb: {len(out)} parcels after cutting roads and water")
    return out


def tile(geom, size=4000.0):
    if geom is None or geom.IsEmpty():
        return []
    x0, x1, y0, y1 = geom.GetEnvelope()
    out = []
    for i in range(int((x1 - x0) // size) + 1):
        for j in range(int((y1 - y0) // size) + 1):
            bx = (x0 + i * size, x0 + (i + 1) * size, y0 + j * size, y0 + (j + 1) * size)
            box = poly_from_pts([(bx[0], bx[2]), (bx[1], bx[2]), (bx[1], bx[3]), (bx[0], bx[3])])
            if not box.Intersects(geom):
                continue
            piece = geom.Intersection(box)
            if not piece.IsEmpty() and piece.GetArea() > 0:
                out.append((piece.GetEnvelope(), piece))
    return out


def absorb_slivers(parts, amin):
    """Merge tiny parts into the largest touching part of the same parcel."""
    big = [(p, c) for p, c in parts if p.GetArea() >= amin]
    small = [(p, c) for p, c in parts if p.GetArea() < amin]
    for p, c in small:
        best = None
        for k, (q, cq) in enumerate(big):
            if q.Intersects(p):
                inter = q.Intersection(p)
                if inter.Length() > 0 and (best is None or q.GetArea() > big[best][0].GetArea()):
                    best = k
        if best is None:
            big.append((p, c))
        else:
            u = big[best][0].Union(p)
            if ogr.GT_Flatten(u.GetGeometryType()) == ogr.wkbPolygon:
                big[best] = (u, big[best][1])
            else:
                big.append((p, c))
    return big


def round_geom(g, nd=3):
    """Round coordinates to 1 mm (keeps shared vertices shared); keep g if that breaks it."""
    t = ogr.GT_Flatten(g.GetGeometryType())
    if t == ogr.wkbPolygon:
        out = ogr.Geometry(ogr.wkbPolygon)
        for k in range(g.GetGeometryCount()):
            ring = g.GetGeometryRef(k)
            pts = np.round(np.array(ring.GetPoints())[:, :2], nd)
            keep = np.concatenate([[True], np.any(np.diff(pts, axis=0) != 0, axis=1)])
            pts = pts[keep]
            if len(pts) < 4:
                continue
            rg = ogr.Geometry(ogr.wkbLinearRing)
            for x, y in pts:
                rg.AddPoint_2D(float(x), float(y))
            out.AddGeometry(rg)
        return out if (not out.IsEmpty() and out.IsValid()) else g
    if t == ogr.wkbLineString:
        pts = np.round(np.array(g.GetPoints())[:, :2], nd)
        return line_from_pts(pts)
    return g


def dltb_records(geo, parcels):
    sets = geo["settlements"]
    recs = []
    for p, code, vi, s_, z_ in parcels:
        sx = sets[vi]
        zl = "532932" + sx["town"] + sx["vcode"] + "0000000"
        zlmc = (sx["MC"][:-1] + "社区") if sx.get("seat") else sx["MC"]
        if code in ("1101", "1103", "1003", "1206", "1207") or (code in FOREST and z_ > 3200):
            qs = "10"
        elif code in ("0601", "0602", "05H1", "0508", "0701", "08H1", "08H2", "0810", "1004"):
            qs = "20"
        else:
            qs = "30"
        g = round_geom(p)
        a = g.GetArea()
        if code in CULTIVATED:
            kc = 0.0 if s_ <= 2 else 0.026 if s_ <= 6 else 0.072 if s_ <= 15 else \
                0.134 if s_ <= 25 else 0.183
            if code == "0101":
                kc = min(kc, 0.026)
        else:
            kc = 0.0
        ps = g.PointOnSurface()
        recs.append(dict(geom=g, DLBM=code, DLMC=DLMC[code], QSXZ=qs, ZLDWDM=zl, ZLDWMC=zlmc,
                         TBMJ=round(a, 2), KCDLBM="1203" if kc > 0 else "", KCXS=kc,
                         KCMJ=round(a * kc, 2), TBDLMJ=round(a - round(a * kc, 2), 2),
                         _slope=s_, _z=z_, _key=(zl, -round(ps.GetY()), round(ps.GetX()))))
    recs.sort(key=lambda r_: r_["_key"])
    cnt = {}
    for i, r_ in enumerate(recs):
        cnt[r_["ZLDWDM"]] = cnt.get(r_["ZLDWDM"], 0) + 1
        r_["TBBH"] = str(cnt[r_["ZLDWDM"]])
        r_["BSM"] = f"532932{i + 1:08d}"
    return recs


def mask_polys(grid, mask, smooth=300.0, simplify=60.0, min_area=2e5, clip=None):
    """Smooth polygons from a (coarse) boolean mask."""
    polys = polygonize(grid, mask)
    if not polys:
        return []
    u = union_all(polys).Buffer(smooth, 4).Buffer(-smooth, 4).SimplifyPreserveTopology(simplify)
    if clip is not None:
        u = u.Intersection(clip)
    return [p for p in polys_of(u) if p.GetArea() >= min_area]


def make_constraints(geo, grid, z, slope, recs):
    bnd = geo["boundary"]
    zc = coarse(z)
    sc = gauss_blur(coarse(slope), 2.0)
    ny, nx = zc.shape
    cg = Grid(grid.x0, grid.y1, nx, ny, CRS_RES)
    xs, ys = cg.xy()
    X, Y = np.meshgrid(xs, ys)
    basin_x = float(np.mean(geo["basin_axis"][:, 0]))
    jin = line_from_pts(geo["jinsha"])
    dj = proximity(cg, rasterize(cg, [jin], all_touched=True) > 0)
    out = {}
    # --- 生态保护红线 ---------------------------------------------------------
    zs = gauss_blur(zc, 3.0)
    regions = []
    west = (zs > 3150) & (X < basin_x)
    north = (zs > 3150) & (X >= basin_x) & (Y > ll2xy(100.25, 26.60)[1])
    east = (zs > 3150) & (X >= basin_x) & (Y <= ll2xy(100.25, 26.60)[1])
    gorge = (dj < 2300) & (sc > 17)
    by_blob = poly_from_pts(smooth_blob(ll2xy(100.147, 26.165), 1250.0, rng("eco-beiya"), 40,
                                        0.25, 1.3, 1.2))
    taken = ogr.Geometry(ogr.wkbMultiPolygon)
    for name, typ, geoms in [
            ("马耳山水源涵养生态保护红线", "水源涵养", mask_polys(cg, west, clip=bnd)),
            ("鹤庆北部高山水源涵养生态保护红线", "水源涵养", mask_polys(cg, north, clip=bnd)),
            ("金沙江干热河谷水土保持生态保护红线", "水土保持", mask_polys(cg, gorge, clip=bnd)),
            ("鹤庆东山生物多样性维护生态保护红线", "生物多样性维护", mask_polys(cg, east, clip=bnd)),
            ("北衙西山生物多样性维护生态保护红线", "生物多样性维护", [by_blob.Intersection(bnd)])]:
        for g in geoms:
            g2 = g.Difference(taken) if not taken.IsEmpty() else g
            for p in polys_of(g2):
                if p.GetArea() > 2e5:
                    regions.append(dict(geom=p, HXMC=name, HXLX=typ))
            taken = union_all([taken, g])
    out["stbhhx"] = regions
    eco = union_all([r_["geom"] for r_ in regions])
    log(f"stbhhx: {len(regions)} polygons, {eco.GetArea() / 1e6:.0f} km2")
    # --- 饮用水水源保护区 (nested, non-overlapping rings) ------------------------
    sys_ = []
    srcs = [("黑龙潭水源地", geo["heilongtan"][1], np.array([-1.0, 0.15]), 1.0)]
    for name, poly, level, dam in geo["reservoirs"]:
        if name in ("东山水库", "北衙水库"):
            cen = np.array(poly.Centroid().GetPoints()[0][:2])
            v = cen - dam
            srcs.append((name + "水源地", poly, v / np.linalg.norm(v), 1.2))
    for name, poly, updir, scale in srcs:
        rr = rng("sysyd", name)
        cen = np.array(poly.Centroid().GetPoints()[0][:2])
        z1 = poly.Buffer(200.0 if scale > 1 else 120.0, 8)
        b2 = poly_from_pts(smooth_blob(cen + updir * 900 * scale, 1700.0 * scale, rr, 72, 0.5,
                                       1.15, math.atan2(updir[1], updir[0]), 9))
        z2 = union_all([b2, z1.Buffer(500.0, 8)])
        b3 = poly_from_pts(smooth_blob(cen + updir * 1800 * scale, 3300.0 * scale, rr, 96, 0.45,
                                       1.2, math.atan2(updir[1], updir[0]), 11))
        z3 = union_all([b3, z2.Buffer(700.0, 8)])
        for lvl, g in (("一级", z1), ("二级", z2.Difference(z1)), ("准保护区", z3.Difference(z2))):
            g = g.Intersection(bnd)
            for p in polys_of(g):
                if p.GetArea() > 1e3:
                    sys_.append(dict(geom=p, BHQJB=lvl, SYDMC=name))
    out["sysyd"] = sys_
    water_src = union_all([s_["geom"] for s_ in sys_])
    # --- 永久基本农田 ------------------------------------------------------------
    r = rng("yjjbnt")
    basin_flats = union_all([geo["basin"]] + [f[1] for f in geo["flats"]]).Buffer(400.0, 4)
    urban = union_all([ogr.CreateGeometryFromWkt(f"POINT ({s_['xy'][0]} {s_['xy'][1]})")
                       .Buffer({"县城": 1500.0, "镇": 500.0}.get(s_["LX"], 0.1), 8)
                       for s_ in geo["settlements"] if s_["LX"] != "村"])
    jb = []
    for rc_ in recs:
        if rc_["DLBM"] not in CULTIVATED or rc_["TBMJ"] < 400:
            continue
        g = rc_["geom"]
        if g.Intersects(urban):
            continue
        inb = g.Intersects(basin_flats)
        p_keep = 0.9 if inb else (0.55 if rc_["_slope"] < 15 else 0.15)
        if r.uniform() < p_keep:
            jb.append(rc_)
    out["yjjbnt"] = [dict(geom=rc_["geom"], JBNTTBBH=f"{k + 1:06d}", DLBM=rc_["DLBM"],
                          DLMC=rc_["DLMC"], MJ=rc_["TBDLMJ"]) for k, rc_ in enumerate(jb)]
    log(f"yjjbnt: {len(jb)} polygons")
    # --- 公益林 ------------------------------------------------------------------
    gorge_zone = jin.Buffer(3200.0, 8)
    west_eco = union_all([r_["geom"] for r_ in regions if r_["HXLX"] == "水源涵养"])
    piedmont = geo["basin"].Buffer(3500.0, 8).Difference(geo["basin"])
    res_zone = water_src.Buffer(300.0, 4)
    groups = {}
    forest = [rc_ for rc_ in recs if rc_["DLBM"] in FOREST]
    for rc_ in forest:
        g = rc_["geom"]
        c = g.PointOnSurface()
        if c.Within(gorge_zone):
            key = ("金沙江干热河谷国家级公益林", "国家级", "1" if c.Within(eco) else "2")
        elif c.Within(west_eco):
            key = ("马耳山水源涵养国家级公益林", "国家级", "1")
        elif c.Within(res_zone):
            key = ("水源地水源涵养地方公益林", "地方级", "2")
        elif c.Within(piedmont) and rc_["_slope"] > 18:
            key = ("鹤庆坝区面山地方公益林", "地方级", "3")
        else:
            continue
        groups.setdefault(key, []).append(g)
    gyl = []
    for key in sorted(groups):
        for p in polys_of(union_all(groups[key])):
            if p.GetArea() > 5e3:
                gyl.append(dict(geom=p, SQDJ=key[1], BHDJ=key[2], GYLMC=key[0]))
    out["gyl"] = gyl
    gyl_nat = union_all([g_["geom"] for g_ in gyl if g_["SQDJ"] == "国家级"])
    log(f"gyl: {len(gyl)} polygons")
    # --- 林地保护等级 (partition of forest land) ----------------------------------
    grade1_patch = poly_from_pts(smooth_blob(ll2xy(100.199, 26.176), 900.0, rng("ldbh-I"),
                                             36, 0.3, 1.2, 0.6))
    groups = {}
    for rc_ in forest:
        g = rc_["geom"]
        c = g.PointOnSurface()
        dset = min(np.hypot(c.GetX() - s_["xy"][0], c.GetY() - s_["xy"][1])
                   for s_ in geo["settlements"])
        if (c.Within(eco) and rc_["_z"] > 3000) or g.Intersects(grade1_patch):
            bh = "1"
        elif c.Within(eco) or c.Within(gyl_nat) or rc_["_slope"] > 32:
            bh = "2"
        elif rc_["DLBM"] in ("0301",) and dset > 1500:
            bh = "3"
        else:
            bh = "4"
        groups.setdefault((bh, rc_["DLBM"]), []).append(g)
    ldbh = []
    for key in sorted(groups):
        for p in polys_of(union_all(groups[key])):
            ldbh.append(dict(geom=p, BHDJ=key[0], DLMC=DLMC[key[1]], MJ=round(p.GetArea(), 2)))
    out["ldbh"] = ldbh
    log(f"ldbh: {len(ldbh)} polygons")
    # --- 地质灾害 ----------------------------------------------------------------
    score = sc + 9.0 * (dj < 2500) + 5.0 * (Y < ll2xy(100.2, 26.30)[1]) * (sc > 15)
    hi = mask_polys(cg, score > 29, 250.0, 60.0, 5e5, bnd)
    hi_u = union_all(hi)
    mid = union_all(mask_polys(cg, score > 19, 250.0, 60.0, 5e5, bnd)).Difference(hi_u)
    low = bnd.Difference(union_all([hi_u, mid]))
    dz = []
    for lvl, g in (("高易发区", hi_u), ("中易发区", mid), ("低易发区", low)):
        for p in polys_of(g):
            if p.GetArea() < 2e5:
                continue
            c = p.PointOnSurface()
            d = c.Distance(jin)
            typ = "崩塌" if d < 3000 else ("泥石流" if lvl == "中易发区" and
                                           p.Intersects(geo["basin"].Buffer(1500)) else "滑坡")
            dz.append(dict(geom=p, ZHLX=typ, YFQ=lvl))
    # danger zones (危险区): debris-flow fans at gully mouths, landslides near villages
    r = rng("dzzh")
    bb = geo["basin"].GetBoundary()
    mouths = []
    for p, acc in geo["streams"]:
        end = ogr.CreateGeometryFromWkt(f"POINT ({p[-1][0]} {p[-1][1]})")
        if acc > 250 and end.Distance(bb) < 400 and end.Within(bnd.Buffer(-500)):
            mouths.append((acc, p))
    mouths.sort(key=lambda t: -t[0])
    for acc, p in mouths[:8]:
        d = p[-1] - p[-6]
        ang = math.atan2(d[1], d[0])
        g = poly_from_pts(smooth_blob(p[-1] + d / np.linalg.norm(d) * 150, 420.0, r, 32, 0.25,
                                      1.3, ang)).Intersection(bnd)
        dz.append(dict(geom=polys_of(g)[0], ZHLX="泥石流", YFQ="危险区"))
    vil = [s_ for s_ in geo["settlements"] if s_["LX"] == "村"]
    steep = (sc > 26)
    cand = []
    for s_ in vil:
        rr_, cc_ = cg.rc(s_["xy"][0], s_["xy"][1])
        win = steep[max(0, rr_ - 10):rr_ + 11, max(0, cc_ - 10):cc_ + 11]
        ys_, xs_ = np.nonzero(win)
        if len(ys_):
            k = int(r.integers(len(ys_)))
            cand.append((s_["MC"], cg.x0 + (max(0, cc_ - 10) + xs_[k] + 0.5) * CRS_RES,
                         cg.y1 - (max(0, rr_ - 10) + ys_[k] + 0.5) * CRS_RES))
    for nm_, x, y in cand[:9]:
        g = poly_from_pts(smooth_blob((x, y), r.uniform(180, 330), r, 28, 0.3,
                                      r.uniform(1.1, 1.6), r.uniform(0, np.pi))).Intersection(bnd)
        if not g.IsEmpty():
            dz.append(dict(geom=polys_of(g)[0], ZHLX="滑坡", YFQ="危险区"))
    s221 = [rd for rd in geo["roads"] if rd["MC"] == "S221"][0]["pts"]
    for k in (0.78, 0.86, 0.93):
        q = s221[int(k * (len(s221) - 1))]
        g = poly_from_pts(smooth_blob(q, 160.0, r, 24, 0.3, 1.8, r.uniform(0, np.pi)))
        dz.append(dict(geom=g.Intersection(bnd), ZHLX="崩塌", YFQ="危险区"))
    out["dzzh"] = [d_ for d_ in dz if not d_["geom"].IsEmpty()]
    log(f"dzzh: {len(out['dzzh'])} polygons")
    # --- 采矿权 ------------------------------------------------------------------
    r = rng("kyq")
    mines = [("鹤庆北衙矿业有限公司北衙金矿", "金矿", (100.166, 26.146), 5.6e6, 2008),
             ("鹤庆县北衙铁矿", "铁矿", (100.186, 26.163), 1.8e6, 2011),
             ("鹤庆县北衙铅锌矿", "铅矿、锌矿", (100.152, 26.158), 1.1e6, 2013),
             ("鹤庆县北衙东金矿", "金矿", (100.195, 26.148), 0.9e6, 2016),
             ("鹤庆县松桂建筑石料用灰岩矿", "建筑石料用灰岩", (100.224, 26.262), 0.32e6, 2019),
             ("鹤庆县北衙南砂石矿", "建筑用砂", (100.178, 26.128), 0.22e6, 2020),
             ("鹤庆县黄坪砂石矿", "建筑用砂", (100.372, 26.052), 0.18e6, 2018),
             ("鹤庆县西邑石灰岩矿", "水泥用灰岩", (100.128, 26.452), 0.45e6, 2015)]
    kyq = []
    for k, (name, kz, (lo, la), area, yr) in enumerate(mines):
        c = ll2xy(lo, la)
        w = math.sqrt(area * r.uniform(1.2, 2.0))
        h = area / w
        ang = math.radians(r.uniform(-8, 8))
        pts = np.array([(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)])
        if r.uniform() < 0.5:  # one notched corner
            pts = np.array([(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h * 0.1),
                            (w * 0.2, h / 2), (-w / 2, h / 2)])
        rot = np.array([[math.cos(ang), -math.sin(ang)], [math.sin(ang), math.cos(ang)]])
        pts = np.round(pts @ rot.T + c, 0)
        kyq.append(dict(geom=poly_from_pts(pts), KQMC=name,
                        XKZH=f"C53000020{yr}{int(r.integers(1, 13)):02d}1{int(r.integers(1e6, 1e7)):07d}",
                        KZ=kz))
    out["kyq"] = kyq
    return out


# ----------------------------------------------------------------------------
# proposed sites (park_sites, pv_sites)
# ----------------------------------------------------------------------------
def constraint_index(cons):
    return {
        "yjjbnt": union_all([f["geom"] for f in cons["yjjbnt"]]),
        "stbhhx": union_all([f["geom"] for f in cons["stbhhx"]]),
        "sysyd": union_all([f["geom"] for f in cons["sysyd"]]),
        "ldbh_I": union_all([f["geom"] for f in cons["ldbh"] if f["BHDJ"] == "1"]),
        "ldbh_II": union_all([f["geom"] for f in cons["ldbh"] if f["BHDJ"] == "2"]),
        "gyl_nat": union_all([f["geom"] for f in cons["gyl"] if f["SQDJ"] == "国家级"]),
        "dzzh_wx": union_all([f["geom"] for f in cons["dzzh"] if f["YFQ"] == "危险区"]),
    }


HARD = ("yjjbnt", "stbhhx", "sysyd", "ldbh_I", "gyl_nat", "dzzh_wx")


def area_of(g):
    return sum(p.GetArea() for p in polys_of(g))


def hits(g, idx, keys=HARD):
    return [k for k in keys if g.Intersects(idx[k]) and area_of(g.Intersection(idx[k])) > 1.0]


def place_clear(r, idx, bnd, taken, center, radius, area, ok_fn=None, tries=600, keys=HARD):
    for _ in range(tries):
        a, d = r.uniform(0, 2 * np.pi), radius * math.sqrt(r.uniform())
        c = (center[0] + d * math.cos(a), center[1] + d * math.sin(a))
        g = parcel_shape(c, area, r)
        if not g.Within(bnd) or any(g.Intersects(t) for t in taken):
            continue
        if hits(g, idx, keys):
            continue
        if ok_fn is not None and not ok_fn(g):
            continue
        return g
    raise RuntimeError("could not place a clear site")


def place_overlap(r, idx, key, bnd, taken, center, radius, area, frac=(0.15, 0.6), tries=800):
    target = idx[key]
    for _ in range(tries):
        a, d = r.uniform(0, 2 * np.pi), radius * math.sqrt(r.uniform())
        c = (center[0] + d * math.cos(a), center[1] + d * math.sin(a))
        g = parcel_shape(c, area, r)
        if not g.Within(bnd) or any(g.Intersects(t) for t in taken):
            continue
        if not g.Intersects(target):
            continue
        f = area_of(g.Intersection(target)) / g.GetArea()
        if frac[0] <= f <= frac[1]:
            return g
    # fallback: walk along the edges of the nearest target polygons
    parts = sorted(polys_of(target), key=lambda p: p.Distance(ogr.CreateGeometryFromWkt(
        f"POINT ({center[0]} {center[1]})")))
    for p in parts[:40]:
        ring = np.array(p.GetGeometryRef(0).GetPoints())[:, :2]
        for q in ring[::max(1, len(ring) // 12)]:
            g = parcel_shape(q, area, r)
            if not g.Within(bnd) or any(g.Intersects(t) for t in taken):
                continue
            f = area_of(g.Intersection(target)) / g.GetArea()
            if 0.03 <= f <= 0.97:
                return g
    raise RuntimeError(f"could not place a site overlapping {key}")


def spike_polygon(g, r):
    """Valid parcel turned invalid: a zero-width spike out of one vertex and back."""
    pts = np.array(g.GetGeometryRef(0).GetPoints())[:-1, :2]
    k = int(r.integers(len(pts)))
    c = pts.mean(axis=0)
    tip = pts[k] + (pts[k] - c) * 0.6
    pts = np.vstack([pts[:k + 1], tip, pts[k:]])
    return ogr.CreateGeometryFromWkt("POLYGON (" + ring_wkt(pts) + ")")


def bowtie_polygon(center, area, r):
    w = math.sqrt(area) * 1.2
    h = area / w
    ang = r.uniform(0, np.pi)
    pts = np.array([(-w / 2, -h / 2), (w / 2, h / 2), (w / 2, -h / 2), (-w / 2, h / 2)])
    rot = np.array([[math.cos(ang), -math.sin(ang)], [math.sin(ang), math.cos(ang)]])
    return ogr.CreateGeometryFromWkt("POLYGON (" + ring_wkt(pts @ rot.T + np.asarray(center)) + ")")


def make_sites(geo, cons, recs, slope_ok):
    bnd = geo["boundary"]
    idx = constraint_index(cons)
    B = ll2xy(*BEIYA)
    r = rng("park_sites")
    taken = [union_all([f["geom"] for f in cons["kyq"][:4]])]   # keep clear of the big mines
    park = []

    def add(lst, name, code, typ, g, mj=None, note=""):
        lst.append(dict(geom=g, XMMC=name, XMBH=code, XMLX=typ,
                        MJ=round(mj if mj is not None else g.GetArea(), 2), _note=note))
        if g is not None and not g.IsEmpty() and g.IsValid():
            taken.append(g)

    ha = 1e4
    add(park, "北衙一号地块", "BY-01", "工业园区",
        place_overlap(r, idx, "yjjbnt", bnd, taken, B, 3500, 180 * ha), note="压占永久基本农田")
    add(park, "北衙二号地块", "BY-02", "工业园区",
        place_clear(r, idx, bnd, taken, B, 5000, 120 * ha, slope_ok), note="无冲突")
    add(park, "北衙东片区", "BY-03", "工业园区",
        place_overlap(r, idx, "ldbh_I", bnd, taken, ll2xy(100.199, 26.176), 1500, 260 * ha),
        note="涉及Ⅰ级保护林地")
    add(park, "北衙南备选区", "BY-04", "工业园区",
        place_overlap(r, idx, "sysyd", bnd, taken, ll2xy(100.19, 26.13), 3500, 220 * ha),
        note="涉及饮用水水源保护区")
    add(park, "北衙西片区", "BY-05", "工业园区",
        place_overlap(r, idx, "stbhhx", bnd, taken, ll2xy(100.15, 26.165), 2500, 150 * ha),
        note="涉及生态保护红线")
    add(park, "北衙三号地块", "BY-06", "工业园区",
        place_clear(r, idx, bnd, taken, B, 6000, 90 * ha, slope_ok), note="无冲突")
    add(park, "北衙北片区", "BY-07", "工业园区",
        place_clear(r, idx, bnd, taken, ll2xy(100.18, 26.19), 4000, 340 * ha, slope_ok),
        note="无冲突")
    add(park, "北衙物流园地块", "BY-08", "工业园区",
        place_clear(r, idx, bnd, taken, B, 6500, 60 * ha, slope_ok), note="无冲突")
    g = place_clear(r, idx, bnd, taken, B, 7000, 75 * ha, slope_ok)
    add(park, "北衙四号地块", "BY-09", "工业园区", spike_polygon(g, r), g.GetArea(),
        note="无效几何: 自接触尖刺(spike)")
    add(park, "北衙新材料产业园备选区", "BY-10", "工业园区", None, 200 * ha,
        note="几何为空值(NULL)")
    add(park, "北衙五号地块", "BY-11", "工业园区",
        place_clear(r, idx, bnd, taken, B, 7000, 110 * ha, slope_ok), note="无冲突")
    # ------------------------------------------------------------------ PV
    r = rng("pv_sites")
    S = {s_["MC"]: s_ for s_ in geo["settlements"]}
    pv = []
    n = [0]

    def code():
        n[0] += 1
        return f"PV-{n[0]:02d}"

    def gentle(g):
        return slope_ok(g, 22.0)

    dl = S["大栗坪村"]["xy"]
    g1 = place_clear(r, idx, bnd, taken, dl, 2500, 95 * ha, gentle)
    add(pv, "大栗坪光伏一期", code(), "地面光伏", g1, note="无冲突")
    c1 = np.array(g1.Centroid().GetPoints()[0][:2])
    add(pv, "大栗坪光伏二期", code(), "地面光伏",
        place_clear(r, idx, bnd, taken, c1, 1800, 70 * ha, gentle), note="无冲突")
    add(pv, "井东湾光伏电站", code(), "地面光伏",
        place_clear(r, idx, bnd, taken, S["井东湾村"]["xy"], 2500, 120 * ha, gentle),
        note="无冲突")
    mtn = sorted([s_ for s_ in geo["settlements"] if s_["LX"] == "村" and s_["MC"] not in
                  ("大栗坪村", "井东湾村", "北衙村")], key=lambda s_: (-s_["xy"][1], s_["xy"][0]))
    basin_v = [s_ for s_ in mtn if s_["MC"] in BASIN_VILLAGES]
    mtn_v = [s_ for s_ in mtn if s_["MC"] in MOUNTAIN_VILLAGES]
    # deliberate conflicts
    plan = [("yjjbnt", basin_v[3], "农光互补光伏复合项目", 60, "压占永久基本农田"),
            ("yjjbnt", basin_v[17], "农光互补光伏复合项目", 35, "压占永久基本农田"),
            ("ldbh_I", None, "林光互补光伏复合项目", 80, "涉及Ⅰ级保护林地"),
            ("ldbh_II", mtn_v[4], "林光互补光伏复合项目", 70, "涉及Ⅱ级保护林地"),
            ("stbhhx", mtn_v[1], "光伏电站", 110, "涉及生态保护红线"),
            ("gyl_nat", S["龙开口镇"], "光伏电站", 45, "涉及国家级公益林"),
            ("dzzh_wx", None, "光伏电站", 25, "涉及地质灾害危险区"),
            ("sysyd", None, "光伏电站", 40, "涉及饮用水水源保护区")]
    for key, s_, suffix, a, note in plan:
        if s_ is None:  # around any member of the target layer
            parts = polys_of(idx[key])
            parts = [p for p in parts if p.GetArea() > 3e4]
            p = parts[int(r.integers(len(parts)))]
            c = np.array(p.Centroid().GetPoints()[0][:2])
            near = min(geo["settlements"], key=lambda t: np.hypot(*(t["xy"] - c)))
            center, rad, base = c, 1500, near["MC"]
        else:
            center, rad, base = s_["xy"], 4000, s_["MC"]
        try:
            g = place_overlap(r, idx, key, bnd, taken, center, rad, a * ha, (0.1, 0.7))
        except RuntimeError:
            g = place_overlap(r, idx, key, bnd, taken, center, rad * 3, a * ha, (0.05, 0.9), 3000)
        add(pv, base.rstrip("村镇乡") + suffix, code(), "地面光伏", g, note=note)
    # clear ground-mounted sites
    for k in range(13):
        s_ = mtn_v[(k * 7 + 3) % len(mtn_v)] if k % 3 else basin_v[(k * 5) % len(basin_v)]
        a = float(r.choice([8, 15, 25, 40, 60, 85, 110, 140]))
        try:
            g = place_clear(r, idx, bnd, taken, s_["xy"], 4500, a * ha, gentle)
        except RuntimeError:
            continue
        nm = s_["MC"].rstrip("村") + ("光伏电站" if k % 2 == 0 else "光伏发电项目")
        if any(p_["XMMC"] == nm for p_ in pv):
            nm = nm.replace("光伏", "二期光伏")
        add(pv, nm, code(), "地面光伏", g, note="无冲突")
    # rooftop (distributed) PV on village homesteads / factories
    roof = []
    for want, label in (("0702", "整村屋顶分布式光伏"), ("0702", "屋顶分布式光伏"),
                        ("0601", "工业厂房屋顶分布式光伏")):
        cands = []
        for amin in (1.2e4, 4e3, 1e3):
            cands = [rc_ for rc_ in recs if rc_["DLBM"] == want and amin < rc_["TBMJ"]
                     and rc_["ZLDWMC"] not in roof
                     and (want != "0702" or rc_["ZLDWMC"].endswith("村"))
                     and not hits(rc_["geom"], idx, ("yjjbnt", "stbhhx", "ldbh_I", "gyl_nat"))]
            if cands:
                break
        log(f"rooftop {want}: {len(cands)} candidate parcels (>= {amin:.0f} m2)")
        rc_ = cands[int(r.integers(len(cands)))]
        roof.append(rc_["ZLDWMC"])
        g = rc_["geom"].Buffer(-6.0 if rc_["TBMJ"] < 1.2e4 else -12.0, 2).SimplifyPreserveTopology(5.0)
        if rc_["TBMJ"] > 1.5e5:  # large factory parcel: the roofs cover only part of it
            ps = rc_["geom"].PointOnSurface()
            g = g.Intersection(parcel_shape((ps.GetX(), ps.GetY()), 9e4, r, 4, 1.3))
        g = max(polys_of(g), key=lambda p: p.GetArea())
        add(pv, rc_["ZLDWMC"].replace("社区", "").rstrip("村") + label, code(), "分布式光伏", g,
            note="屋顶分布式(" + rc_["DLMC"] + ")")
    # invalid ones
    c = np.array(taken[-1].Centroid().GetPoints()[0][:2])
    gb = place_clear(r, idx, bnd, taken, S["羊坪村"]["xy"] if "羊坪村" in S else c, 5000,
                     30 * ha, gentle)
    cen = np.array(gb.Centroid().GetPoints()[0][:2])
    add(pv, "羊坪光伏电站", code(), "地面光伏", bowtie_polygon(cen, 30 * ha, r), 30 * ha,
        note="无效几何: 蝴蝶结自相交(bow-tie)")
    add(pv, "大栗坪光伏三期", code(), "地面光伏", ogr.CreateGeometryFromWkt("POLYGON EMPTY"),
        50 * ha, note="空几何(EMPTY)")
    return park, pv, idx


def slope_checker(grid, slope):
    def ok(g, smax=15.0):
        x0, x1, y0, y1 = g.GetEnvelope()
        sl, sub = window(grid, x0, y0, x1, y1)
        m = rasterize(sub, [g]) > 0
        return m.any() and float(slope[sl][m].mean()) < smax
    return ok


def river_features(geo):
    bnd = geo["boundary"]
    feats = []
    for name, pts, dj in (("金沙江", geo["jinsha"], "干流"), ("漾弓江", geo["yanggong"], "一级支流")):
        # the Jinsha runs on the county line: keep the reach along / inside the county
        g = line_from_pts(pts)
        g = g.Intersection(bnd.Buffer(5.0)) if name == "金沙江" else g.Intersection(bnd)
        for ln in lines_of(g):
            if ln.Length() > 200:
                feats.append(dict(geom=ln, MC=name, DJ=dj))
    jin = line_from_pts(geo["jinsha"])
    yg = line_from_pts(geo["yanggong"])
    names = ["中江河", "清水河", "南溪河", "白石江", "落水河", "东山河", "龙潭河", "黄坪河",
             "西山河", "草海河"]
    st = []
    for p, acc in geo["streams"]:
        g = line_from_pts(resample_line(p, 110.0)).Intersection(bnd)
        for ln in lines_of(g):
            if ln.Length() > 300:
                end = ogr.CreateGeometryFromWkt(f"POINT ({p[-1][0]} {p[-1][1]})")
                st.append((acc, ln, end.Distance(jin) < 500))
    st.sort(key=lambda t: -t[0])
    k = 0
    for acc, ln, to_js in st:
        if acc >= 1200 and k < len(names):
            mc = names[k]
            k += 1
        else:
            mc = "无名沟"
        dj = "一级支流" if to_js else ("二级支流" if acc >= 400 else "三级支流")
        feats.append(dict(geom=ln, MC=mc, DJ=dj))
    return feats


# ----------------------------------------------------------------------------
# output
# ----------------------------------------------------------------------------
S_, I_, R_ = ogr.OFTString, ogr.OFTInteger, ogr.OFTReal
SCHEMA = {
    "boundary": (ogr.wkbPolygon, [("XZQDM", S_), ("XZQMC", S_)]),
    "dltb": (ogr.wkbPolygon, [("BSM", S_), ("TBBH", S_), ("DLBM", S_), ("DLMC", S_),
                              ("QSXZ", S_), ("ZLDWDM", S_), ("ZLDWMC", S_), ("TBMJ", R_),
                              ("KCDLBM", S_), ("KCXS", R_), ("KCMJ", R_), ("TBDLMJ", R_)]),
    "yjjbnt": (ogr.wkbPolygon, [("JBNTTBBH", S_), ("DLBM", S_), ("DLMC", S_), ("MJ", R_)]),
    "stbhhx": (ogr.wkbPolygon, [("HXMC", S_), ("HXLX", S_)]),
    "ldbh": (ogr.wkbPolygon, [("BHDJ", S_), ("DLMC", S_), ("MJ", R_)]),
    "gyl": (ogr.wkbPolygon, [("SQDJ", S_), ("BHDJ", S_), ("GYLMC", S_)]),
    "sysyd": (ogr.wkbPolygon, [("BHQJB", S_), ("SYDMC", S_)]),
    "dzzh": (ogr.wkbPolygon, [("ZHLX", S_), ("YFQ", S_)]),
    "kyq": (ogr.wkbPolygon, [("KQMC", S_), ("XKZH", S_), ("KZ", S_)]),
    "roads": (ogr.wkbLineString, [("MC", S_), ("DJ", S_)]),
    "power_lines": (ogr.wkbLineString, [("MC", S_), ("DYDJ", I_)]),
    "substations": (ogr.wkbPoint, [("MC", S_), ("DYDJ", I_)]),
    "settlements": (ogr.wkbPoint, [("MC", S_), ("LX", S_), ("RK", I_)]),
    "rivers": (ogr.wkbLineString, [("MC", S_), ("DJ", S_)]),
    "park_sites": (ogr.wkbMultiPolygon, [("XMMC", S_), ("XMBH", S_), ("XMLX", S_), ("MJ", R_)]),
    "pv_sites": (ogr.wkbMultiPolygon, [("XMMC", S_), ("XMBH", S_), ("XMLX", S_), ("MJ", R_)]),
}


def write_gpkg(path, layers):
    gdal.SetConfigOption("OGR_CURRENT_DATE", FIXED_DATE)
    gdal.SetConfigOption("OGR_SQLITE_JOURNAL", "OFF")
    for p in (path, path + "-journal", path + "-wal", path + "-shm"):
        if os.path.exists(p):
            os.remove(p)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    for name, (gtype, fields) in SCHEMA.items():
        lyr = ds.CreateLayer(name, SRS, gtype, ["FID=fid", "GEOMETRY_NAME=geom",
                                                "SPATIAL_INDEX=YES",
                                                "DESCRIPTION=SYNTHETIC sample data (SitePlan)"])
        for fn, ft in fields:
            fd = ogr.FieldDefn(fn, ft)
            lyr.CreateField(fd)
        defn = lyr.GetLayerDefn()
        ds.StartTransaction()
        for rec in layers[name]:
            f = ogr.Feature(defn)
            for fn, ft in fields:
                v = rec[fn]
                f.SetField(fn, v)
            g = rec.get("geom")
            if g is not None:
                if gtype == ogr.wkbMultiPolygon and ogr.GT_Flatten(g.GetGeometryType()) == ogr.wkbPolygon:
                    mp = ogr.Geometry(ogr.wkbMultiPolygon)
                    if not g.IsEmpty():
                        mp.AddGeometry(g)
                    g = mp
                f.SetGeometryDirectly(g.Clone())
            lyr.CreateFeature(f)
        ds.CommitTransaction()
    ds = None
    gdal.SetConfigOption("OGR_CURRENT_DATE", None)
    gdal.SetConfigOption("OGR_SQLITE_JOURNAL", None)


def pt(xy):
    g = ogr.Geometry(ogr.wkbPoint)
    g.AddPoint_2D(round(float(xy[0]), 3), round(float(xy[1]), 3))
    return g


def verify(out):
    """Sanity checks of the written files (run with --check)."""
    gdal.PushErrorHandler("CPLQuietErrorHandler")
    ds = ogr.Open(os.path.join(out, "heqing.gpkg"))
    ok = True
    bf = ds.GetLayer("boundary").GetNextFeature()
    bnd = bf.GetGeometryRef().Clone()
    for lyr in ds:
        n_inv = n_empty = n_null = 0
        for f in lyr:
            g = f.GetGeometryRef()
            if g is None:
                n_null += 1
            elif g.IsEmpty():
                n_empty += 1
            elif not g.IsValid():
                n_inv += 1
        print(f"  {lyr.GetName():12s} {lyr.GetFeatureCount():5d} features  invalid={n_inv} "
              f"empty={n_empty} null={n_null}")
        if lyr.GetName() not in ("park_sites", "pv_sites") and (n_inv or n_empty or n_null):
            ok = False

    def collect(name, where=None):
        lyr = ds.GetLayer(name)
        lyr.SetAttributeFilter(where)
        gs = [f.GetGeometryRef().Clone() for f in lyr]
        lyr.SetAttributeFilter(None)
        return gs

    dl = collect("dltb")
    tot = sum(g.GetArea() for g in dl)
    uni = union_all(dl)
    ba = bnd.GetArea()
    print(f"  dltb: boundary {ba / 1e6:.4f} km2, union {uni.GetArea() / 1e6:.4f} km2, "
          f"sum {tot / 1e6:.4f} km2, gap {(ba - uni.GetArea()):.1f} m2, "
          f"overlap {(tot - uni.GetArea()):.1f} m2")
    ok &= abs(ba - uni.GetArea()) < 1e-3 * ba and abs(tot - uni.GetArea()) < 1e-3 * ba
    bad = [f["DLBM"] for f in ds.GetLayer("dltb") if DLMC.get(f["DLBM"]) != f["DLMC"]]
    print(f"  dltb: DLMC/DLBM mismatches: {len(bad)}")
    ok &= not bad
    fw = " OR ".join(f"DLBM = '{c}'" for c in FOREST)
    forest = collect("dltb", fw)
    ld = collect("ldbh")
    fu = union_all(forest)
    lu = union_all(ld)
    lsum = sum(g.GetArea() for g in ld)
    print(f"  ldbh: forest land {fu.GetArea() / 1e6:.3f} km2, ldbh union {lu.GetArea() / 1e6:.3f}"
          f" km2, ldbh overlap {lsum - lu.GetArea():.1f} m2")
    ok &= abs(fu.GetArea() - lu.GetArea()) < 1e-4 * fu.GetArea()
    jb = ds.GetLayer("yjjbnt")
    notcult = sum(1 for f in jb if f["DLBM"] not in CULTIVATED)
    print(f"  yjjbnt: {jb.GetFeatureCount()} polygons, non-cultivated codes: {notcult}")
    dem = gdal.Open(os.path.join(out, "dem.tif"))
    z = dem.GetRasterBand(1).ReadAsArray()
    gt = dem.GetGeoTransform()
    grid = Grid(gt[0], gt[3], dem.RasterXSize, dem.RasterYSize, gt[1])
    ins = rasterize(grid, [bnd]) > 0
    print(f"  dem: {dem.RasterXSize}x{dem.RasterYSize} px, inside county min {z[ins].min():.1f} "
          f"max {z[ins].max():.1f} mean {z[ins].mean():.1f}, nodata inside: "
          f"{int((z[ins] == -9999).sum())}")
    sl = slope_deg(np.where(z == -9999, np.nan, z), gt[1])
    floor = collect("dltb", "DLBM = '0101'")
    fm = rasterize(grid, floor) > 0
    print(f"  slope: paddy (0101) mean {np.nanmean(sl[fm]):.1f} deg, "
          f"{100 * np.nanmean(sl[fm] < 5):.0f}% < 5 deg; county mean {np.nanmean(sl[ins]):.1f} deg, "
          f"p90 {np.nanpercentile(sl[ins], 90):.1f} deg")
    print("CHECK", "OK" if ok else "FAILED")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "..", "samples", "heqing"))
    ap.add_argument("--check", action="store_true", help="only verify existing output")
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    if args.check:
        sys.exit(0 if verify(out) else 1)
    gdal.PushErrorHandler("CPLQuietErrorHandler")  # GEOS validity chatter
    os.makedirs(out, exist_ok=True)
    geo = make_geography()
    bnd = geo["boundary"]
    log(f"boundary: {bnd.GetArea() / 1e6:.1f} km2")
    grid, z, inside, rough = make_dem(geo)
    z = add_streams(geo, grid, z, rough)
    log(f"streams: {len(geo['streams'])}")
    z = add_reservoirs(geo, grid, z)
    write_dem(os.path.join(out, "dem.tif"), grid, z, bnd)
    log("dem.tif written")
    z = np.round(z.astype(np.float64) * 10.0) / 10.0
    z = z.astype(np.float32)
    slope = slope_deg(z, RES)
    make_settlements(geo, grid, z, slope)
    make_roads(geo, grid, z, slope)
    make_power(geo)
    parcels = make_dltb(geo, grid, z, slope)
    recs = dltb_records(geo, parcels)
    cons = make_constraints(geo, grid, z, slope, recs)
    park, pv, idx = make_sites(geo, cons, recs, slope_checker(grid, slope))
    log(f"sites: {len(park)} park, {len(pv)} pv")
    L = dict(cons)
    L["boundary"] = [dict(geom=round_geom(bnd), XZQDM="532932", XZQMC="鹤庆县")]
    L["dltb"] = recs
    roads = []
    for rd in geo["roads"]:
        for ln in lines_of(line_from_pts(rd["pts"]).Intersection(bnd)):
            if ln.Length() > 50:
                roads.append(dict(geom=round_geom(ln), MC=rd["MC"], DJ=rd["DJ"]))
    L["roads"] = roads
    L["power_lines"] = [dict(geom=line_from_pts(np.round(p["pts"], 3)), MC=p["MC"], DYDJ=p["DYDJ"])
                        for p in geo["power_lines"]]
    L["substations"] = [dict(geom=pt(s_["xy"]), MC=s_["MC"], DYDJ=s_["DYDJ"])
                        for s_ in geo["substations"]]
    L["settlements"] = [dict(geom=pt(s_["xy"]), MC=s_["MC"], LX=s_["LX"], RK=int(s_["RK"]))
                        for s_ in geo["settlements"]]
    L["rivers"] = [dict(f, geom=round_geom(f["geom"])) for f in river_features(geo)]
    for k in ("stbhhx", "ldbh", "gyl", "sysyd", "dzzh", "yjjbnt"):
        for f in L[k]:
            f["geom"] = round_geom(f["geom"])
    L["park_sites"] = park
    L["pv_sites"] = pv
    write_gpkg(os.path.join(out, "heqing.gpkg"), L)
    log("heqing.gpkg written")
    # summary of the deliberate conflicts (for the README / tests)
    for lname, sites in (("park_sites", park), ("pv_sites", pv)):
        for s_ in sites:
            g = s_["geom"]
            if g is None:
                desc = "NULL"
            elif g.IsEmpty():
                desc = "EMPTY"
            elif not g.IsValid():
                desc = "INVALID"
            else:
                desc = ",".join(hits(g, idx, HARD + ("ldbh_II",))) or "clear"
            c = "" if g is None or g.IsEmpty() else "centre (%.0f, %.0f)" % tuple(
                np.array(g.GetGeometryRef(0).GetPoints())[:-1, :2].mean(axis=0))
            print(f"  {lname:10s} {s_['XMBH']:6s} {s_['XMMC']:24s} {s_['MJ'] / 1e4:7.1f} ha  "
                  f"{desc:28s} {s_['_note']}  {c}")
    log("done")


if __name__ == "__main__":
    main()
