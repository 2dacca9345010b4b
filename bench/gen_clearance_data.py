#!/usr/bin/python3
"""Deterministic synthetic data for the batch land-clearance benchmark (bench/README.md).

Writes, into the folder given (default /tmp/siteplan-bench), in EPSG:4542 (CGCS2000 3-degree
Gauss-Kruger, CM 99E) around E 560000-660000, N 2870000-2960000:

  parcels.gpkg      layer parcels   ~6,150 parcels (1-200 ha, 20-200 vertices), field XMBH (unique),
                                    5 invalid (bow-tie / twisted corner), 2 NULL geometries
  dltb.gpkg         layer dltb      a 三调-like land-use coverage (~235,000 polygons, no gaps or
                                    overlaps: a Voronoi tessellation whose shared edges are
                                    densified with the SAME perturbed vertices on both sides),
                                    field DLBM
  constraints.gpkg  yjjbnt  permanent basic farmland: unions of adjacent cultivated dltb cells
                            (boundaries coincide with dltb) plus free-hand patches; some overlap
                    stbhhx  ecological red line: a few huge polygons with holes, some multipart
                    ldbh    forest protection: unions of forest dltb cells, field BHDJ '1'..'4'
                    gyl     public-welfare forest: large free-hand polygons
                    sysyd   drinking-water source zones: nested 一级/二级/准保护区 (field BHQJB)
                    dzzh    geological hazard zones (elongated)
  manifest.json     what was generated: feature and vertex counts per layer, seed, timings

Every constraint feature is valid (checked with GEOS); the only invalid geometries are the five
parcels meant to be repaired.  Output is fully determined by --seed (numpy PCG64 plus a hash for
per-edge randomness, so the coverage does not depend on qhull's ridge order).

Needs Debian's python3-gdal, python3-numpy and python3-scipy; run with /usr/bin/python3.
"""
import argparse
import json
import math
import os
import shutil
import struct
import sys
import time
from collections import deque

import numpy as np
from osgeo import gdal, ogr, osr

try:
    from scipy.spatial import Voronoi
except ImportError:  # pragma: no cover
    sys.exit("gen_clearance_data.py needs scipy: apt-get install -y python3-scipy")

GEN_VERSION = 1
EPSG = 4542
# Parcels and free-hand zones live in P*; the land-use coverage extends 5 km further (D*).
PX0, PX1, PY0, PY1 = 560000.0, 660000.0, 2870000.0, 2960000.0
DX0, DX1, DY0, DY1 = 555000.0, 665000.0, 2865000.0, 2965000.0

gdal.UseExceptions()
ogr.UseExceptions()
gdal.SetConfigOption("OGR_CURRENT_DATE", "2024-01-01T00:00:00Z")  # reproducible GPKG metadata
gdal.SetConfigOption("OGR_SQLITE_SYNCHRONOUS", "OFF")
gdal.SetConfigOption("OGR_SQLITE_CACHE", "512")

T0 = time.time()

# Scales (--scale). "county": the original data set (cells of ~3.8 ha). "m" and "l": the density
# of a real 三调 in a farmed basin (median cell ~0.26 ha, ~0.35 ha on average, so a median parcel
# covers ~50 cells and a large one several hundred), over ~700 km² with 5,000 parcels (M) and
# over ~3,500 km² with 20,000 parcels and ~1,000,000 cells (L).
SCALES = {
    # name: (P extent side x, y in m, coverage margin m, spacing m, free-hand parcels)
    "county": (100000.0, 90000.0, 5000.0, 250.0, 6000),
    "m": (24500.0, 24500.0, 1000.0, 59.0, 4800),
    "l": (57000.0, 57000.0, 1000.0, 59.0, 19600),
}
# Feature counts of the county scale are scaled by the area (free-hand layers) or by the number
# of cells (unions of cells) of the chosen scale; DENSE adds the parcel defects a real batch has.
AREA_RATIO = 1.0
DENSE = False


def log(msg):
    print(f"[{time.time() - T0:7.1f}s] {msg}", flush=True)


# ----------------------------------------------------------------------------- helpers

def hash_u01(keys, salt):
    """Uniform [0,1) from uint64 keys (splitmix64); independent of array order."""
    with np.errstate(over="ignore"):
        z = keys.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(salt * 0x632BE59BD9B4E019 & (2**64 - 1))
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)


def closed(ring):
    if ring[0, 0] != ring[-1, 0] or ring[0, 1] != ring[-1, 1]:
        ring = np.vstack([ring, ring[:1]])
    return np.ascontiguousarray(ring, dtype="<f8")


def wkb_polygon(rings):
    out = [struct.pack("<BII", 1, 3, len(rings))]
    for r in rings:
        out.append(struct.pack("<I", len(r)))
        out.append(r.tobytes())
    return b"".join(out)


def wkb_multipolygon(polys):
    return b"".join([struct.pack("<BII", 1, 6, len(polys))] + [wkb_polygon(p) for p in polys])


def geom(wkb):
    return ogr.CreateGeometryFromWkb(wkb)


def ring_area(r):
    x, y = r[:, 0], r[:, 1]
    return 0.5 * abs(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))


def n_vertices(g):
    """Vertex count of an OGR (multi)polygon, closing points included."""
    t = ogr.GT_Flatten(g.GetGeometryType())
    if t == ogr.wkbPolygon:
        return sum(g.GetGeometryRef(i).GetPointCount() for i in range(g.GetGeometryCount()))
    return sum(n_vertices(g.GetGeometryRef(i)) for i in range(g.GetGeometryCount()))


def star_ring(rng, cx, cy, area, n, rough=0.25, kmax=8, beta=1.3, jitter=0.02, aniso=1.0, rot=0.0):
    """A simple (star-shaped, hence valid) closed ring of n vertices and the given area."""
    step = 2 * math.pi / n
    th = np.arange(n) * step + rng.uniform(-0.4, 0.4, n) * step + rng.uniform(0, 2 * math.pi)
    r = np.ones(n)
    ks = np.arange(2, max(3, kmax + 1))
    amp = rough * rng.uniform(0.3, 1.0, len(ks)) * ks.astype(float) ** (-beta)
    ph = rng.uniform(0, 2 * math.pi, len(ks))
    r += (amp[:, None] * np.cos(ks[:, None] * th[None, :] + ph[:, None])).sum(axis=0)
    # Vertex noise no larger than about a quarter of the vertex spacing: no saw-tooth edges.
    r *= 1.0 + min(jitter, 0.25 * step) * rng.standard_normal(n)
    r = np.maximum(r, 0.25)
    x, y = r * np.cos(th) * aniso, r * np.sin(th) / aniso
    c, s = math.cos(rot), math.sin(rot)
    pts = np.column_stack([c * x - s * y, s * x + c * y])
    ring = closed(pts)
    k = math.sqrt(area / ring_area(ring))
    ring = ring * k
    ring[:, 0] += cx
    ring[:, 1] += cy
    return ring


class Smooth:
    """A smooth random field on the plane (sum of plane waves), mapped to [0,1] by rank."""

    def __init__(self, rng, n=28, wl=(2500.0, 45000.0)):
        self.th = rng.uniform(0, 2 * math.pi, n)
        lam = np.exp(rng.uniform(math.log(wl[0]), math.log(wl[1]), n))
        self.k = 2 * math.pi / lam
        self.a = lam ** 0.9
        self.ph = rng.uniform(0, 2 * math.pi, n)
        self.ref = None

    def raw(self, x, y):
        x = np.asarray(x, float)[..., None]
        y = np.asarray(y, float)[..., None]
        s = self.a * np.cos(self.k * (x * np.cos(self.th) + y * np.sin(self.th)) + self.ph)
        return s.sum(axis=-1)

    def calibrate(self, x, y):
        self.ref = np.sort(self.raw(x, y))

    def __call__(self, x, y):
        return np.searchsorted(self.ref, self.raw(x, y)) / len(self.ref)


# ----------------------------------------------------------------------------- GPKG writing

def srs_4542():
    s = osr.SpatialReference()
    s.ImportFromEPSG(EPSG)
    return s


def write_layer(path, name, gtype, fields, rows):
    """rows: iterable of (wkb or None, [values in field order]).
    Returns (features, vertices, most vertices in one feature)."""
    drv = ogr.GetDriverByName("GPKG")
    ds = drv.Open(path, 1) if os.path.exists(path) else drv.CreateDataSource(path)
    lyr = ds.CreateLayer(name, srs_4542(), gtype,
                         options=["GEOMETRY_NAME=geom", "FID=fid", "SPATIAL_INDEX=YES"])
    for fname, ftype in fields:
        lyr.CreateField(ogr.FieldDefn(fname, ftype))
    defn = lyr.GetLayerDefn()
    nfeat = nvert = vmax = 0
    lyr.StartTransaction()
    for wkb, values in rows:
        f = ogr.Feature(defn)
        for i, v in enumerate(values):
            if v is not None:
                f.SetField(i, v)
        if wkb is not None:
            g = geom(wkb)
            if gtype == ogr.wkbMultiPolygon and ogr.GT_Flatten(g.GetGeometryType()) == ogr.wkbPolygon:
                g = ogr.ForceToMultiPolygon(g)
            nv = n_vertices(g)
            nvert += nv
            vmax = max(vmax, nv)
            f.SetGeometryDirectly(g)
        lyr.CreateFeature(f)
        nfeat += 1
        if nfeat % 10000 == 0:
            lyr.CommitTransaction()
            lyr.StartTransaction()
    lyr.CommitTransaction()
    ds = None
    return nfeat, nvert, vmax


# ----------------------------------------------------------------------------- the coverage

class Coverage:
    def __init__(self, rng, spacing, villages, seed):
        self.seed = seed
        log("coverage: generator points")
        m = 4 * spacing  # frame of extra points outside the domain so every kept cell is finite
        xs = np.arange(DX0 - m + spacing / 2, DX1 + m, spacing)
        ys = np.arange(DY0 - m + spacing / 2, DY1 + m, spacing)
        gx, gy = np.meshgrid(xs, ys)
        grid = np.column_stack([gx.ravel(), gy.ravel()])
        grid += rng.uniform(-0.42, 0.42, grid.shape) * spacing
        # Villages: dense clusters of small cells (homesteads, roads, gardens).
        vc = np.column_stack([rng.uniform(DX0 + 500, DX1 - 500, villages),
                              rng.uniform(DY0 + 500, DY1 - 500, villages)])
        counts = rng.poisson(110, villages)
        sig = rng.uniform(150, 320, villages)
        vp = np.repeat(vc, counts, axis=0) + rng.standard_normal((counts.sum(), 2)) * np.repeat(sig, counts)[:, None]
        pts = np.vstack([grid, vp])
        is_vill = np.concatenate([np.zeros(len(grid), bool), np.ones(len(vp), bool)])
        # Round to cm (as surveyed data) and drop near-duplicates (< 3 m apart on a 3 m lattice).
        pts = np.round(pts, 2)
        key = np.floor(pts / 3.0).astype(np.int64)
        _, first = np.unique(key[:, 0] * 10_000_000 + key[:, 1], return_index=True)
        first.sort()
        pts, is_vill = pts[first], is_vill[first]
        self.village_centers = vc
        log(f"coverage: Voronoi of {len(pts):,} points")
        vor = Voronoi(pts)
        inside = (pts[:, 0] >= DX0) & (pts[:, 0] <= DX1) & (pts[:, 1] >= DY0) & (pts[:, 1] <= DY1)
        self.pts, self.vor = pts, vor
        cells = np.nonzero(inside)[0]
        regions = [vor.regions[vor.point_region[i]] for i in cells]
        ok = np.array([len(r) >= 3 and -1 not in r for r in regions])
        if not ok.all():
            raise SystemExit("coverage: an inner Voronoi cell is unbounded; widen the frame")
        self.cells = cells                       # point index of each kept cell
        self.cell_of_point = np.full(len(pts), -1, np.int64)
        self.cell_of_point[cells] = np.arange(len(cells))
        self.is_village = is_vill[cells]
        self.regions = regions

        # Ridges touching a kept cell.
        rp = vor.ridge_points
        rv = np.array(vor.ridge_vertices)
        touch = inside[rp[:, 0]] | inside[rp[:, 1]]
        rp, rv = rp[touch], rv[touch]
        if (rv < 0).any():
            raise SystemExit("coverage: a ridge of a kept cell is unbounded")
        V = vor.vertices
        A, B = V[rv[:, 0]], V[rv[:, 1]]
        L = np.hypot(*(B - A).T)
        lo, hi = np.minimum(rp[:, 0], rp[:, 1]), np.maximum(rp[:, 0], rp[:, 1])
        rkey = lo.astype(np.uint64) * np.uint64(len(pts)) + hi.astype(np.uint64)
        # Vertex spacing along shared edges: 12-52 m (county set), 6-20 m (dense: ~23 vertices a cell).
        step = (6.0 + 14.0 * hash_u01(rkey, seed * 7 + 1)) if DENSE else (12.0 + 40.0 * hash_u01(rkey, seed * 7 + 1))
        k = np.where(L < 6.0, 0, np.clip(np.floor(L / step), 1, 14)).astype(np.int64)
        self.rv, self.rp, self.A, self.B, self.L, self.k, self.rkey = rv, rp, A, B, L, k, rkey
        self.amp = 0.015 + 0.05 * hash_u01(rkey, seed * 7 + 2)
        self.start = np.concatenate([[0], np.cumsum(k)[:-1]])
        self.ridge_of = {}
        for i, (a, b) in enumerate(rv.tolist()):
            self.ridge_of[(a, b) if a < b else (b, a)] = i
        # Adjacency between kept cells (CSR).
        both = inside[rp[:, 0]] & inside[rp[:, 1]]
        ca, cb = self.cell_of_point[rp[both, 0]], self.cell_of_point[rp[both, 1]]
        src = np.concatenate([ca, cb])
        dst = np.concatenate([cb, ca])
        order = np.argsort(src, kind="stable")
        self.adj = dst[order]
        self.adj_ptr = np.searchsorted(src[order], np.arange(len(cells) + 1))
        # Ridges of each kept cell (for repairs).
        self.cell_ridges = [[] for _ in range(len(cells))]
        for i, (p, q) in enumerate(rp.tolist()):
            for c in (self.cell_of_point[p], self.cell_of_point[q]):
                if c >= 0:
                    self.cell_ridges[c].append(i)
        self._densify()
        log(f"coverage: {len(cells):,} cells, {len(rv):,} ridges, {int(k.sum()):,} edge vertices")

    def _densify(self):
        k, A, B, L = self.k, self.A, self.B, self.L
        M = int(k.sum())
        ridx = np.repeat(np.arange(len(k)), k)
        j = np.arange(M) - np.repeat(self.start, k)
        hk = self.rkey[ridx] * np.uint64(16) + j.astype(np.uint64)
        t = (j + 1 + 0.7 * (hash_u01(hk, self.seed * 7 + 3) - 0.5)) / (k[ridx] + 1)
        v = 2.0 * hash_u01(hk, self.seed * 7 + 4) - 1.0
        d = (B - A)[ridx]
        Lr = L[ridx]
        nrm = np.column_stack([-d[:, 1], d[:, 0]]) / np.maximum(Lr, 1e-9)[:, None]
        off = (self.amp[ridx] * Lr * np.sin(math.pi * t) * v)[:, None]
        P = A[ridx] + t[:, None] * d + off * nrm
        self.allv = np.round(np.vstack([self.vor.vertices, P]), 3)  # mm, as stored coordinates
        self.nV = len(self.vor.vertices)

    def ring(self, c):
        p = self.pts[self.cells[c]]
        vs = self.regions[c]
        V = self.vor.vertices
        ang = np.arctan2(V[vs, 1] - p[1], V[vs, 0] - p[0])
        vs = [vs[i] for i in np.argsort(ang)]
        idx = []
        n = len(vs)
        for i in range(n):
            a, b = vs[i], vs[(i + 1) % n]
            r = self.ridge_of[(a, b) if a < b else (b, a)]
            idx.append(a)
            s, kk = self.nV + int(self.start[r]), int(self.k[r])
            if kk:
                if self.rv[r, 0] == a:
                    idx.extend(range(s, s + kk))
                else:
                    idx.extend(range(s + kk - 1, s - 1, -1))
        idx.append(vs[0])
        return np.ascontiguousarray(self.allv[idx], dtype="<f8")

    def build(self):
        log("coverage: building cell rings")
        self.wkb = [wkb_polygon([self.ring(c)]) for c in range(len(self.cells))]
        gdal.PushErrorHandler("CPLQuietErrorHandler")
        try:
            todo = range(len(self.cells))
            straightened = 0
            for rnd in range(10):
                bad = [c for c in todo if not geom(self.wkb[c]).IsValid()]
                if not bad:
                    break
                ridges = sorted({r for c in bad for r in self.cell_ridges[c]})
                straightened += len(ridges)
                self.amp[ridges] = 0.0
                self._densify()
                affected = sorted({int(self.cell_of_point[p]) for r in ridges for p in self.rp[r]
                                   if self.cell_of_point[p] >= 0})
                for c in affected:
                    self.wkb[c] = wkb_polygon([self.ring(c)])
                todo = affected
            else:
                raise SystemExit("coverage: could not make every cell valid")
        finally:
            gdal.PopErrorHandler()
        self.straightened = straightened
        log(f"coverage: all cells valid ({straightened} ridges straightened)")

    def neighbours(self, c):
        return self.adj[self.adj_ptr[c]:self.adj_ptr[c + 1]]


def assign_classes(rng, cov, elev):
    log("coverage: land-use classes")
    n = len(cov.cells)
    p = cov.pts[cov.cells]
    e = elev(p[:, 0], p[:, 1])
    # Villages: near a village centre.
    d2 = np.full(n, np.inf)
    for c in cov.village_centers:
        d2 = np.minimum(d2, (p[:, 0] - c[0]) ** 2 + (p[:, 1] - c[1]) ** 2)
    vill = cov.is_village | (d2 < 350.0 ** 2)
    bands = {
        "low": (["0101", "0102", "0103", "0201", "0301", "0404", "0702", "1006", "1104", "1107", "1202"],
                [0.40, 0.10, 0.18, 0.04, 0.05, 0.04, 0.05, 0.05, 0.04, 0.03, 0.02]),
        "mid": (["0103", "0101", "0201", "0204", "0301", "0305", "0307", "0404", "0702", "1006", "1206"],
                [0.34, 0.06, 0.08, 0.04, 0.20, 0.08, 0.04, 0.07, 0.04, 0.03, 0.02]),
        "high": (["0301", "0305", "0307", "0401", "0404", "0103", "1206", "1006"],
                 [0.45, 0.20, 0.08, 0.05, 0.10, 0.07, 0.03, 0.02]),
        "vill": (["0702", "0701", "0601", "0810", "0809", "1003", "1006", "0101", "0103", "0201"],
                 [0.52, 0.08, 0.05, 0.03, 0.02, 0.06, 0.10, 0.05, 0.06, 0.03]),
    }
    cls = np.empty(n, dtype=object)
    band = np.where(vill, "vill", np.where(e < 0.45, "low", np.where(e < 0.78, "mid", "high")))
    for b, (codes, w) in bands.items():
        m = band == b
        w = np.array(w) / sum(w)
        cls[m] = np.array(codes, dtype=object)[rng.choice(len(codes), m.sum(), p=w)]
    # Rivers: random-walk polylines across the area; cells within 110 m become 河流水面.
    rivers = []
    for i in range(3):
        y = rng.uniform(DY0 + 0.15 * (DY1 - DY0), DY1 - 0.15 * (DY1 - DY0))
        x = DX0 - 1000
        ang = rng.normal(0, 0.3)
        pts = [(x, y)]
        while x < DX1 + 1000:
            ang = 0.85 * ang + rng.normal(0, 0.25)
            x += 250 * math.cos(ang)
            y += 250 * math.sin(ang)
            pts.append((x, y))
        rivers.append(np.array(pts))
    near = np.zeros(n, bool)
    for rv in rivers:
        a, b = rv[:-1], rv[1:]
        for s in range(0, len(a), 64):
            aa, bb = a[s:s + 64], b[s:s + 64]
            d = bb - aa
            t = ((p[:, None, 0] - aa[None, :, 0]) * d[None, :, 0] + (p[:, None, 1] - aa[None, :, 1]) * d[None, :, 1])
            t = np.clip(t / (d[:, 0] ** 2 + d[:, 1] ** 2)[None, :], 0, 1)
            qx = aa[None, :, 0] + t * d[None, :, 0] - p[:, None, 0]
            qy = aa[None, :, 1] + t * d[None, :, 1] - p[:, None, 1]
            near |= ((qx ** 2 + qy ** 2).min(axis=1) < 110.0 ** 2)
    cls[near] = "1101"
    # Reservoirs.
    res = np.column_stack([rng.uniform(PX0, PX1, 10), rng.uniform(PY0, PY1, 10)])
    rr = rng.uniform(300, 900, 10)
    for c, r in zip(res, rr):
        cls[(p[:, 0] - c[0]) ** 2 + (p[:, 1] - c[1]) ** 2 < r * r] = "1103"
    return cls, e, rivers, res


def grow(rng, cov, seed_cell, size, allowed, used=None):
    """BFS group of up to `size` connected cells among `allowed` (and not `used`)."""
    group = [seed_cell]
    seen = {seed_cell}
    q = deque([seed_cell])
    while q and len(group) < size:
        c = q.popleft()
        nb = cov.neighbours(c).copy()
        rng.shuffle(nb)
        for d in nb.tolist():
            if d in seen or not allowed[d] or (used is not None and used[d]):
                continue
            seen.add(d)
            group.append(d)
            q.append(d)
            if len(group) >= size:
                break
    return group


def union_cells(cov, group):
    if len(group) == 1:
        return geom(cov.wkb[group[0]])
    mp = ogr.Geometry(ogr.wkbMultiPolygon)
    for c in group:
        mp.AddGeometryDirectly(geom(cov.wkb[c]))
    return mp.UnionCascaded()


# ----------------------------------------------------------------------------- layers

def gen_parcels(rng, cov, elev, n_star, n_cadastral, n_bowtie=3, n_twisted=2):
    log("parcels")
    out = []  # (wkb or None, kind)
    for _ in range(n_star):
        area = math.exp(rng.uniform(math.log(1.0), math.log(200.0))) * 1e4
        nv = int(np.clip(round(20 + 180 * (math.log(area / 1e4) / math.log(200)) * rng.uniform(0.5, 1.2)), 20, 199))
        cx, cy = rng.uniform(PX0 + 3000, PX1 - 3000), rng.uniform(PY0 + 3000, PY1 - 3000)
        ring = star_ring(rng, cx, cy, area, nv, rough=rng.uniform(0.1, 0.35), kmax=10, beta=1.2,
                         jitter=0.015, aniso=rng.uniform(1.0, 2.2), rot=rng.uniform(0, math.pi))
        u = rng.random() if DENSE else 1.0
        if u < 0.06:  # multipart: a second, smaller part beside the first
            r0 = math.sqrt(area / math.pi)
            ang = rng.uniform(0, 2 * math.pi)
            a2 = area * rng.uniform(0.1, 0.5)
            d = r0 * 2.2 + math.sqrt(a2 / math.pi) * 2.2
            ring2 = star_ring(rng, cx + d * math.cos(ang), cy + d * math.sin(ang), a2, max(12, nv // 2),
                              rough=0.15, kmax=6)
            g = geom(wkb_multipolygon([[ring], [ring2]]))
            if g.IsValid():
                out.append((g.ExportToIsoWkb(), "multipart"))
                continue
        elif u < 0.10:  # a hole (a building or a plot left out)
            ha = area * rng.uniform(0.01, 0.08)
            hole = star_ring(rng, cx, cy, ha, int(rng.integers(8, 24)), rough=0.1, kmax=4)[::-1]
            g = geom(wkb_polygon([ring, np.ascontiguousarray(hole)]))
            if g.IsValid():
                out.append((g.ExportToIsoWkb(), "hole"))
                continue
        out.append((wkb_polygon([ring]), "star"))
    # Cadastral parcels: unions of 2-6 adjacent coverage cells (edges coincide with dltb).
    allowed = np.ones(len(cov.cells), bool)
    made = 0
    while made < n_cadastral:
        c = int(rng.integers(len(cov.cells)))
        x, y = cov.pts[cov.cells[c]]
        if not (PX0 + 3000 < x < PX1 - 3000 and PY0 + 3000 < y < PY1 - 3000):
            continue
        g = union_cells(cov, grow(rng, cov, c, int(rng.integers(2, 7)), allowed))
        if ogr.GT_Flatten(g.GetGeometryType()) != ogr.wkbPolygon or not (20 <= n_vertices(g) <= 200):
            continue
        a = g.GetArea()
        if not (1e4 <= a <= 200e4):
            continue
        out.append((g.ExportToIsoWkb(), "cadastral"))
        made += 1
    # Invalid: three classic bow-ties (figure eight) and two parcels with a twisted corner.
    gdal.PushErrorHandler("CPLQuietErrorHandler")
    for i in range(n_bowtie):
        a, b = rng.uniform(200, 500), rng.uniform(150, 400)
        corners = np.array([[-a, -b], [a, b], [a, -b], [-a, b]])
        pts = []
        for j in range(4):
            p, q = corners[j], corners[(j + 1) % 4]
            m = int(rng.integers(6, 14))
            for t in np.arange(m) / m:
                w = 0.0 if j in (0, 2) else rng.uniform(0, 0.04) * math.hypot(*(q - p)) * math.sin(math.pi * t)
                d = q - p
                nrm = np.array([-d[1], d[0]]) / math.hypot(*d)
                if np.dot(p + 0.5 * d, nrm) < 0:  # bulge the sides outwards
                    nrm = -nrm
                pts.append(p + t * d + w * nrm)
        pts = np.array(pts)
        rot = rng.uniform(0, math.pi)
        c, s = math.cos(rot), math.sin(rot)
        pts = pts @ np.array([[c, s], [-s, c]])
        pts += [rng.uniform(PX0 + 5000, PX1 - 5000), rng.uniform(PY0 + 5000, PY1 - 5000)]
        ring = closed(np.round(pts, 3))
        assert not geom(wkb_polygon([ring])).IsValid()
        out.append((wkb_polygon([ring]), "bowtie"))
    made = 0
    while made < n_twisted:
        cx, cy = rng.uniform(PX0 + 5000, PX1 - 5000), rng.uniform(PY0 + 5000, PY1 - 5000)
        ring = star_ring(rng, cx, cy, rng.uniform(5, 60) * 1e4, int(rng.integers(40, 120)), rough=0.2)
        pts = ring[:-1].copy()
        i = int(rng.integers(1, len(pts) - 3))
        pts[[i, i + 2]] = pts[[i + 2, i]]
        ring = closed(pts)
        g = geom(wkb_polygon([ring]))
        if g.IsValid():
            continue
        fixed = g.MakeValid()
        if fixed is None or fixed.GetArea() <= 0:
            continue
        out.append((wkb_polygon([ring]), "twisted"))
        made += 1
    gdal.PopErrorHandler()
    out += [(None, "null"), (None, "null")]
    order = rng.permutation(len(out))
    out = [out[i] for i in order]
    rows = []
    kinds = {}
    for seq, (wkb, kind) in enumerate(out, 1):
        xmbh = f"5329322024{seq:05d}"
        kinds[kind] = kinds.get(kind, 0) + 1
        area_ha = None if wkb is None else round(geom(wkb).GetArea() / 1e4, 4)
        rows.append((wkb, [xmbh, f"建设项目{seq:05d}", area_ha, kind]))
    return rows, kinds


def make_valid_or_die(g, what):
    if not g.IsValid():
        raise SystemExit(f"generator bug: invalid {what}")
    return g


def gen_yjjbnt(rng, cov, cls, elev, n_free):
    log("yjjbnt: unions of cultivated cells")
    cult = np.isin(cls, ["0101", "0102", "0103"])
    used = np.zeros(len(cls), bool)
    rows = []
    for c in rng.permutation(np.nonzero(cult)[0]).tolist():
        if used[c] or rng.random() > 0.8:
            continue
        # Dense: larger farmland blocks (tens of small cells, some with holes).
        size = int(min(120, 1 + rng.geometric(0.06))) if DENSE else int(min(14, 1 + rng.geometric(0.22)))
        g = grow(rng, cov, c, size, cult, used)
        used[g] = True
        rows.append(g)
    n_main = len(rows)
    # Overlapping features: groups drawn again over already used cells (re-digitised patches).
    cand = np.nonzero(cult & used)[0]
    for c in rng.choice(cand, max(1, n_main // 30), replace=False).tolist():
        rows.append(grow(rng, cov, c, int(rng.integers(2, 9)), cult))
    out = []
    for i, g in enumerate(rows):
        u = union_cells(cov, g)
        out.append((u.ExportToIsoWkb(), [f"JB{i + 1:06d}", cls[g[0]], None]))
    # Free-hand patches in the plains (overlap the unions and each other).
    made = 0
    while made < n_free:
        x, y = rng.uniform(PX0, PX1), rng.uniform(PY0, PY1)
        if elev(x, y) > 0.5:
            continue
        ring = star_ring(rng, x, y, rng.uniform(1, 30) * 1e4, int(rng.integers(30, 300)), rough=0.3,
                         kmax=12, aniso=rng.uniform(1, 2.5), rot=rng.uniform(0, math.pi))
        out.append((wkb_polygon([ring]), [f"JB{len(out) + 1:06d}", "0101", None]))
        made += 1
    for i, (wkb, vals) in enumerate(out):
        vals[2] = round(geom(wkb).GetArea() / 1e4, 4)
    log(f"yjjbnt: {n_main:,} unions, {len(rows) - n_main} overlapping re-draws, {n_free} free-hand")
    return out


def gen_stbhhx(rng, elev, n):
    log("stbhhx: large polygons with holes")
    out = []
    gdal.PushErrorHandler("CPLQuietErrorHandler")
    while len(out) < n:
        x, y = rng.uniform(PX0 + 8000, PX1 - 8000), rng.uniform(PY0 + 8000, PY1 - 8000)
        if elev(x, y) < 0.55:
            continue
        # Up to a quarter of the area (40,000 ha in the county set), at least a fifth of that.
        amax = min(40000.0, 0.25 * (PX1 - PX0) * (PY1 - PY0) / 1e4)
        area = math.exp(rng.uniform(math.log(min(3000.0, amax / 5)), math.log(amax))) * 1e4
        nv = int(np.clip(area / 1e4 * 0.45, 2000, 12000))
        shell = star_ring(rng, x, y, area, nv, rough=0.45, kmax=nv // 6, beta=1.4, jitter=0.01,
                          aniso=rng.uniform(1.0, 1.8), rot=rng.uniform(0, math.pi))
        parts = [[shell]]
        if rng.random() < 0.35:  # a second, separate part
            for _ in range(50):
                a2 = area * rng.uniform(0.05, 0.25)
                ang, dist = rng.uniform(0, 2 * math.pi), math.sqrt(area / math.pi) * rng.uniform(1.3, 2.0)
                s2 = star_ring(rng, x + dist * math.cos(ang), y + dist * math.sin(ang), a2,
                               int(np.clip(a2 / 1e4 * 0.5, 800, 4000)), rough=0.4, kmax=200, beta=1.4,
                               jitter=0.01)
                if geom(wkb_polygon([s2])).Distance(geom(wkb_polygon([shell]))) > 100:
                    parts.append([s2])
                    break
        for part in parts:
            sh = geom(wkb_polygon([part[0]]))
            inner = sh.Buffer(-60, 2)
            env = sh.GetEnvelope()
            holes = []
            want = int(rng.integers(2, 9))
            for _ in range(want * 30):
                if len(holes) >= want:
                    break
                hx, hy = rng.uniform(env[0], env[1]), rng.uniform(env[2], env[3])
                ha = math.exp(rng.uniform(math.log(30), math.log(600))) * 1e4
                hr = star_ring(rng, hx, hy, ha, int(np.clip(ha / 1e4 * 1.2, 80, 600)), rough=0.3, kmax=30)
                hg = geom(wkb_polygon([hr]))
                if not inner.Contains(hg):
                    continue
                if any(hg.Distance(geom(wkb_polygon([h]))) < 60 for h in holes):
                    continue
                holes.append(hr)
            part.extend(holes)
        g = make_valid_or_die(geom(wkb_multipolygon(parts)), "stbhhx")
        out.append((g.ExportToIsoWkb(), [f"STHX{len(out) + 1:03d}", ["生物多样性维护", "水源涵养", "水土保持"][len(out) % 3],
                                          round(g.GetArea() / 1e4, 2)]))
    gdal.PopErrorHandler()
    return out


def gen_ldbh(rng, cov, cls, elev, target, sizes=(5, 121)):
    log("ldbh: unions of forest cells")
    forest = np.isin(cls, ["0301", "0305", "0307"])
    used = np.zeros(len(cls), bool)
    out = []
    p = cov.pts[cov.cells]
    for c in rng.permutation(np.nonzero(forest)[0]).tolist():
        if len(out) >= target:
            break
        if used[c]:
            continue
        g = grow(rng, cov, c, int(rng.integers(*sizes)), forest, used)
        used[g] = True
        if len(g) < 3:
            continue
        u = union_cells(cov, g)
        e = float(elev(*p[c]))
        grade = str(int(np.clip(4 - int(e * 4 + rng.uniform(-0.6, 0.6)), 1, 4)))
        out.append((u.ExportToIsoWkb(), [f"LD{len(out) + 1:05d}", grade, round(u.GetArea() / 1e4, 4)]))
    return out


def gen_free(rng, elev, n, area_ha, nv, emin, aniso, prefix, extra, rough=0.35, kmax_div=6):
    out = []
    while len(out) < n:
        x, y = rng.uniform(PX0, PX1), rng.uniform(PY0, PY1)
        if elev(x, y) < emin:
            continue
        a = math.exp(rng.uniform(math.log(area_ha[0]), math.log(area_ha[1]))) * 1e4
        frac = (math.log(a / 1e4) - math.log(area_ha[0])) / (math.log(area_ha[1]) - math.log(area_ha[0]) + 1e-12)
        v = int(np.clip(nv[0] + (nv[1] - nv[0]) * frac * rng.uniform(0.6, 1.2), nv[0], nv[1]))
        ring = star_ring(rng, x, y, a, v, rough=rough, kmax=max(8, v // kmax_div), beta=1.5, jitter=0.01,
                         aniso=rng.uniform(*aniso), rot=rng.uniform(0, math.pi))
        out.append((wkb_polygon([ring]), [f"{prefix}{len(out) + 1:05d}"] + extra(rng) + [round(a / 1e4, 4)]))
    return out


def gen_sysyd(rng, rivers, reservoirs, n):
    log("sysyd: nested source-protection zones")
    out = []
    cands = [tuple(c) for c in reservoirs] + [tuple(r[i]) for r in rivers for i in range(5, len(r) - 5, 9)]
    picks = rng.choice(len(cands), n, replace=False)
    for s, pi in enumerate(picks.tolist()):
        x, y = cands[pi]
        x, y = x + rng.uniform(-300, 300), y + rng.uniform(-300, 300)
        rot = rng.uniform(0, math.pi)
        for level, (amin, amax, vmin, vmax) in (("一级保护区", (5, 40, 150, 400)),
                                                ("二级保护区", (80, 600, 400, 1500)),
                                                ("准保护区", (1000, 4000, 800, 3000))):
            a = rng.uniform(amin, amax) * 1e4
            ring = star_ring(rng, x, y, a, int(rng.integers(vmin, vmax)), rough=0.18, kmax=40, beta=1.2,
                             jitter=0.005, aniso=rng.uniform(1.0, 1.6), rot=rot)
            out.append((wkb_polygon([ring]), [f"SY{s + 1:03d}", level, round(a / 1e4, 4)]))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", nargs="?", default="/tmp/siteplan-bench")
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--parcels", type=int, default=6000, help="free-hand parcels (plus 150 cadastral, 5 invalid, 2 NULL)")
    ap.add_argument("--spacing", type=float, default=250.0, help="coverage grid spacing, m")
    ap.add_argument("--villages", type=int, default=550)
    ap.add_argument("--force", action="store_true", help="overwrite an existing data set")
    ap.add_argument("--scale", choices=sorted(SCALES), default="county",
                    help="county: the original set; m / l: real 三调 density, 5,000 / 20,000 parcels")
    args = ap.parse_args()
    global PX0, PX1, PY0, PY1, DX0, DX1, DY0, DY1, AREA_RATIO, DENSE
    sx, sy, margin, spacing, nparcels = SCALES[args.scale]
    if args.scale != "county":
        DENSE = True
        cx, cy = 0.5 * (PX0 + PX1), 0.5 * (PY0 + PY1)
        PX0, PX1, PY0, PY1 = cx - sx / 2, cx + sx / 2, cy - sy / 2, cy + sy / 2
        DX0, DX1, DY0, DY1 = PX0 - margin, PX1 + margin, PY0 - margin, PY1 + margin
        AREA_RATIO = sx * sy / (100000.0 * 90000.0)
        if "--spacing" not in sys.argv:
            args.spacing = spacing
        if "--parcels" not in sys.argv:
            args.parcels = nparcels
        if "--villages" not in sys.argv:
            args.villages = max(3, round(550 * AREA_RATIO))
    n_area = lambda n, lo=1: max(lo, round(n * AREA_RATIO))

    out = os.path.abspath(args.out)
    if os.path.exists(os.path.join(out, "manifest.json")) and not args.force:
        sys.exit(f"{out} already holds a data set (manifest.json); pass --force to regenerate")
    tmp = out + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    rng = np.random.default_rng(args.seed)
    timings = {}

    t = time.time()
    elev = Smooth(np.random.default_rng(args.seed + 1))
    cov = Coverage(np.random.default_rng(args.seed + 2), args.spacing, args.villages, args.seed)
    p = cov.pts[cov.cells]
    elev.calibrate(p[:, 0], p[:, 1])
    cov.build()
    cls, e, rivers, reservoirs = assign_classes(np.random.default_rng(args.seed + 3), cov, elev)
    timings["coverage_s"] = round(time.time() - t, 1)

    layers = {}
    t = time.time()
    log("writing dltb.gpkg")
    dltb_rows = ((cov.wkb[c], [f"{c + 1:07d}", cls[c]]) for c in range(len(cov.cells)))
    layers["dltb"] = write_layer(os.path.join(tmp, "dltb.gpkg"), "dltb", ogr.wkbPolygon,
                                 [("BSM", ogr.OFTString), ("DLBM", ogr.OFTString)], dltb_rows)
    timings["write_dltb_s"] = round(time.time() - t, 1)

    t = time.time()
    # A dense batch has the defects of a real one: ~1 % invalid, multipart and holed parcels.
    nbad = max(5, args.parcels // 100) if DENSE else 5
    prow, kinds = gen_parcels(np.random.default_rng(args.seed + 4), cov, elev, args.parcels, 150,
                              n_bowtie=nbad * 3 // 5, n_twisted=nbad - nbad * 3 // 5)
    layers["parcels"] = write_layer(os.path.join(tmp, "parcels.gpkg"), "parcels", ogr.wkbMultiPolygon,
                                    [("XMBH", ogr.OFTString), ("XMMC", ogr.OFTString), ("YDMJ_HA", ogr.OFTReal),
                                     ("KIND", ogr.OFTString)], prow)
    timings["parcels_s"] = round(time.time() - t, 1)

    cpath = os.path.join(tmp, "constraints.gpkg")
    S, R = ogr.OFTString, ogr.OFTReal
    t = time.time()
    rows = gen_yjjbnt(np.random.default_rng(args.seed + 5), cov, cls, elev, n_area(600))
    layers["yjjbnt"] = write_layer(cpath, "yjjbnt", ogr.wkbMultiPolygon, [("JBNTTBBH", S), ("DLBM", S), ("MJ_HA", R)], rows)
    rows = gen_stbhhx(np.random.default_rng(args.seed + 6), elev, n_area(10, 2))
    layers["stbhhx"] = write_layer(cpath, "stbhhx", ogr.wkbMultiPolygon, [("HXBH", S), ("LX", S), ("MJ_HA", R)], rows)
    # Dense: forest-grade features of a few cells each, ~1 per 17 cells (as in a basin county).
    rows = gen_ldbh(np.random.default_rng(args.seed + 7), cov, cls, elev,
                    len(cov.cells) // 17 if DENSE else 1600, sizes=(2, 41) if DENSE else (5, 121))
    layers["ldbh"] = write_layer(cpath, "ldbh", ogr.wkbMultiPolygon, [("XBH", S), ("BHDJ", S), ("MJ_HA", R)], rows)
    log("gyl: public-welfare forest")
    rows = gen_free(np.random.default_rng(args.seed + 8), elev, n_area(1100, 20), (10, 800), (150, 2500), 0.5, (1.0, 2.5),
                    "GYL", lambda r: [["国家级", "省级"][int(r.random() < 0.4)]])
    layers["gyl"] = write_layer(cpath, "gyl", ogr.wkbMultiPolygon, [("BH", S), ("SQDJ", S), ("MJ_HA", R)], rows)
    rows = gen_sysyd(np.random.default_rng(args.seed + 9), rivers, reservoirs, n_area(45, 4))
    layers["sysyd"] = write_layer(cpath, "sysyd", ogr.wkbMultiPolygon, [("SYDBH", S), ("BHQJB", S), ("MJ_HA", R)], rows)
    log("dzzh: hazard zones")
    rows = gen_free(np.random.default_rng(args.seed + 10), elev, n_area(900, 20), (0.5, 150), (30, 500), 0.6, (1.5, 4.0),
                    "ZH", lambda r: [["滑坡", "崩塌", "泥石流", "地面塌陷"][int(r.integers(4))],
                                     ["小型", "中型", "大型"][int(r.integers(3))]], rough=0.3)
    layers["dzzh"] = write_layer(cpath, "dzzh", ogr.wkbMultiPolygon, [("BH", S), ("ZHLX", S), ("GM", S), ("MJ_HA", R)], rows)
    timings["constraints_s"] = round(time.time() - t, 1)

    # Check every constraint feature is valid (the comparison with PostGIS relies on it).
    t = time.time()
    log("checking validity of every constraint feature")
    ds = ogr.Open(cpath)
    gdal.PushErrorHandler("CPLQuietErrorHandler")
    for name in ("yjjbnt", "stbhhx", "ldbh", "gyl", "sysyd", "dzzh"):
        bad = [f.GetFID() for f in ds.GetLayerByName(name) if not f.GetGeometryRef().IsValid()]
        if bad:
            raise SystemExit(f"generator bug: {name} has invalid features {bad[:10]}")
    gdal.PopErrorHandler()
    ds = None
    timings["validate_s"] = round(time.time() - t, 1)

    nv_dltb = np.array([(len(w) - 13) // 16 for w in cov.wkb])
    manifest = {
        "generator": "bench/gen_clearance_data.py", "version": GEN_VERSION, "seed": args.seed,
        "scale": args.scale, "extent": [PX0, PY0, PX1, PY1],
        "crs": f"EPSG:{EPSG}", "parcels_free_hand": args.parcels, "spacing_m": args.spacing,
        "villages": args.villages,
        "layers": {k: {"features": v[0], "vertices": v[1], "max_vertices_per_feature": v[2]}
                   for k, v in layers.items()},
        "parcel_kinds": kinds,
        "dltb_vertices_per_polygon": {"min": int(nv_dltb.min()), "mean": round(float(nv_dltb.mean()), 1),
                                      "p5": int(np.percentile(nv_dltb, 5)), "p95": int(np.percentile(nv_dltb, 95)),
                                      "max": int(nv_dltb.max())},
        "dltb_classes": {k: int(v) for k, v in zip(*np.unique(cls.astype(str), return_counts=True))},
        "coverage_ridges_straightened": cov.straightened,
        "timings": timings,
        "total_s": round(time.time() - T0, 1),
    }
    with open(os.path.join(tmp, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
    os.makedirs(out, exist_ok=True)
    for name in ("dltb.gpkg", "parcels.gpkg", "constraints.gpkg", "manifest.json"):  # manifest last
        os.replace(os.path.join(tmp, name), os.path.join(out, name))
    shutil.rmtree(tmp, ignore_errors=True)
    log(f"done: {out}")
    for k, v in layers.items():
        print(f"  {k:8s} {v[0]:>9,} features {v[1]:>12,} vertices (max {v[2]:,} in one feature)")


if __name__ == "__main__":
    main()
