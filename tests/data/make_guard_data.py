#!/usr/bin/python3
"""Writes tests/data/guards/: parcels in the forms a county office receives them, and inputs whose
coordinates do not fit their CRS (committed; rerun to regenerate with Debian's /usr/bin/python3).

Coordinates are EPSG:4542 metres near Heqing (E 620000, N 2899000), the same squares as
make_test_data.py's parcels, so verdicts can be compared across formats.
"""
import os
import shutil

from osgeo import gdal, ogr, osr

gdal.UseExceptions()
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "guards")
X0, Y0 = 620000.0, 2899000.0


def sq(x0, y0, x1, y1, dx=0.0, dy=0.0):
    x0, x1, y0, y1 = X0 + x0 + dx, X0 + x1 + dx, Y0 + y0 + dy, Y0 + y1 + dy
    return f"POLYGON (({x0} {y0},{x1} {y0},{x1} {y1},{x0} {y1},{x0} {y0}))"


def srs(code):
    s = osr.SpatialReference()
    s.ImportFromEPSG(code)
    return s


# The clean parcels of tests/data/parcels.gpkg that have a geometry (P1, P2, P3, P8, P9).
PARCELS = [
    ("P1", "部分占用基本农田", sq(0, 0, 100, 100)),
    ("P2", "完全落入重叠农田", sq(120, 20, 180, 80)),
    ("P3", "仅接触", sq(200, 0, 300, 100)),
    ("P8", "带洞地块", f"POLYGON (({X0+400} {Y0},{X0+500} {Y0},{X0+500} {Y0+100},{X0+400} {Y0+100},"
                   f"{X0+400} {Y0}),({X0+425} {Y0+25},{X0+475} {Y0+25},{X0+475} {Y0+75},"
                   f"{X0+425} {Y0+75},{X0+425} {Y0+25}))"),
    ("P9", "多部件地块", f"MULTIPOLYGON ((({X0+600} {Y0},{X0+650} {Y0},{X0+650} {Y0+50},{X0+600} {Y0+50},"
                    f"{X0+600} {Y0})),(({X0+700} {Y0},{X0+750} {Y0},{X0+750} {Y0+50},"
                    f"{X0+700} {Y0+50},{X0+700} {Y0})))"),
]


def shift(wkt, dx, dy):
    g = ogr.CreateGeometryFromWkt(wkt)
    def walk(geom):
        for i in range(geom.GetGeometryCount()):
            walk(geom.GetGeometryRef(i))
        for i in range(geom.GetPointCount()):
            x, y = geom.GetX(i), geom.GetY(i)
            geom.SetPoint_2D(i, x + dx, y + dy)
    walk(g)
    return g.ExportToWkt()


def swap(wkt):
    g = ogr.CreateGeometryFromWkt(wkt)
    g.SwapXY()
    return g.ExportToWkt()


def write(path, layer, rows, code=4542, driver="GPKG", gtype=ogr.wkbUnknown):
    drv = ogr.GetDriverByName(driver)
    if driver == "GPKG" and os.path.exists(path):
        ds = ogr.Open(path, 1)
    else:
        if os.path.exists(path):
            drv.DeleteDataSource(path)
        ds = drv.CreateDataSource(path)
    options = ["ENCODING=UTF-8"] if driver == "ESRI Shapefile" else []
    lyr = ds.CreateLayer(layer, srs(code) if code else None, gtype, options=options)
    lyr.CreateField(ogr.FieldDefn("XMBH", ogr.OFTString))
    lyr.CreateField(ogr.FieldDefn("XMMC", ogr.OFTString))
    for pid, name, wkt in rows:
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("XMBH", pid)
        f.SetField("XMMC", name)
        if wkt:
            f.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
        lyr.CreateFeature(f)
    ds = None


def write_table(path, encoding="utf-8", column="WKT"):
    with open(path, "w", encoding=encoding, newline="") as f:
        f.write(f"地块编号,地块名称,{column}\r\n")
        for pid, name, wkt in PARCELS:
            f.write(f'{pid},{name},"{wkt}"\r\n')


def vertex_rows():
    """The parcels as a vertex table (界址点坐标表): one row per point, X = northing, Y = easting,
    rings closed by repeating their first point; 圈号 1 the outer ring, 2 a hole (P8) or a second
    part (P9)."""
    rows = []
    for pid, name, wkt in PARCELS:
        g = ogr.CreateGeometryFromWkt(wkt)
        polys = [g] if g.GetGeometryType() == ogr.wkbPolygon else [g.GetGeometryRef(i) for i in range(g.GetGeometryCount())]
        ring_no = 0
        for poly in polys:
            for r in range(poly.GetGeometryCount()):
                ring = poly.GetGeometryRef(r)
                ring_no += 1
                for i in range(ring.GetPointCount()):
                    rows.append((pid, name, f"J{i + 1 if i + 1 < ring.GetPointCount() else 1}", ring_no,
                                 ring.GetY(i), ring.GetX(i)))
    return rows


def write_vertices(path):
    header = ("地块编号", "地块名称", "点号", "圈号", "X", "Y")
    rows = vertex_rows()
    if path.endswith(".csv"):
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(",".join(header) + "\r\n")
            for r in rows:
                f.write(",".join(str(v) for v in r) + "\r\n")
        return
    ds = ogr.GetDriverByName("XLSX").CreateDataSource(path)
    lyr = ds.CreateLayer("vertices", None, ogr.wkbNone)
    for name in header:
        lyr.CreateField(ogr.FieldDefn(name, ogr.OFTReal if name in ("X", "Y") else
                                      ogr.OFTInteger if name == "圈号" else ogr.OFTString))
    for r in rows:
        f = ogr.Feature(lyr.GetLayerDefn())
        for i, v in enumerate(r):
            f.SetField(i, v)
        lyr.CreateFeature(f)
    ds = None


def main():
    if os.path.exists(HERE):
        shutil.rmtree(HERE)
    os.makedirs(HERE)
    g = lambda n: os.path.join(HERE, n)
    # Plain eastings declared as the zone-prefixed EPSG:4521.
    write(g("plain_as_4521.gpkg"), "parcels", PARCELS, code=4521)
    # The same parcels 80 km north of the county: inside the zone, outside every rule layer.
    write(g("far.gpkg"), "parcels", [(p, n, shift(w, 0, 80000)) for p, n, w in PARCELS])
    # Northing and easting swapped (X = northing, as in Chinese survey tables), declared EPSG:4542.
    write(g("swapped.gpkg"), "parcels", [(p, n, swap(w)) for p, n, w in PARCELS])
    # One corrupted coordinate (7e82) among clean parcels.
    bad = PARCELS[:2] + [("PX", "坏坐标", "POLYGON ((620000 2899000,7e82 2899000,620100 2899100,620000 2899000))")]
    write(g("corrupt.gpkg"), "parcels", bad)
    # A rule layer with zone-prefixed eastings declared EPSG:4542.
    write(g("rule_prefixed.gpkg"), "yjjbnt", [("F1", "农田", shift(sq(0, 0, 100, 100), 33_000_000, 0))])
    # A shapefile without .prj.
    write(g("noprj.shp"), "noprj", PARCELS, code=None, driver="ESRI Shapefile", gtype=ogr.wkbPolygon)
    for ext in (".prj",):
        if os.path.exists(g("noprj" + ext)):
            os.remove(g("noprj" + ext))
    # Tables with a WKT column: UTF-8 CSV, GBK CSV (no BOM, no declaration), XLSX.
    write_table(g("parcels_wkt.csv"))
    write_table(g("parcels_wkt_gbk.csv"), encoding="gbk")
    drv = ogr.GetDriverByName("XLSX")
    ds = drv.CreateDataSource(g("parcels_wkt.xlsx"))
    lyr = ds.CreateLayer("parcels", None, ogr.wkbNone)
    for name in ("地块编号", "地块名称", "geometry"):
        lyr.CreateField(ogr.FieldDefn(name, ogr.OFTString))
    for pid, name, wkt in PARCELS:
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField(0, pid)
        f.SetField(1, name)
        f.SetField(2, wkt)
        lyr.CreateFeature(f)
    ds = None
    # Vertex tables (one row per boundary point, X = northing): CSV and XLSX.
    write_vertices(g("parcels_vertices.csv"))
    write_vertices(g("parcels_vertices.xlsx"))


if __name__ == "__main__":
    main()
