#!/usr/bin/python3
"""Writes the tiny test data sets under tests/data (committed; rerun to regenerate).

Coordinates are EPSG:4542 metres near Heqing (E 620000, N 2899000); every area used by the
tests is hand-computable from the squares below.  Run with Debian's /usr/bin/python3
(python3-gdal).
"""
import os
import shutil

from osgeo import gdal, ogr, osr

gdal.UseExceptions()
HERE = os.path.dirname(os.path.abspath(__file__))
X0, Y0 = 620000.0, 2899000.0


def sq(x0, y0, x1, y1):
    return (f"(({X0+x0} {Y0+y0},{X0+x1} {Y0+y0},{X0+x1} {Y0+y1},"
            f"{X0+x0} {Y0+y1},{X0+x0} {Y0+y0}))")


def srs(code):
    s = osr.SpatialReference()
    s.ImportFromEPSG(code)
    return s


def write(path, layer, gtype, fields, rows, code=4542, driver="GPKG", lco=None):
    drv = ogr.GetDriverByName(driver)
    if driver == "GPKG" and os.path.exists(path):
        ds = ogr.Open(path, 1)
    else:
        if os.path.exists(path):
            drv.DeleteDataSource(path)
        ds = drv.CreateDataSource(path)
    lyr = ds.CreateLayer(layer, srs(code) if code else None, gtype, options=lco or [])
    for name, t in fields:
        lyr.CreateField(ogr.FieldDefn(name, t))
    for values, wkt in rows:
        f = ogr.Feature(lyr.GetLayerDefn())
        for (name, _), v in zip(fields, values):
            if v is not None:
                f.SetField(name, v)
        if wkt == "EMPTY":
            f.SetGeometry(ogr.Geometry(ogr.wkbPolygon))
        elif wkt is not None:
            f.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
        lyr.CreateFeature(f)
    ds = None


def main():
    s = ogr.OFTString
    for name in ("parcels.gpkg", "constraints.gpkg", "tiny.gpkg", "prefixed.gpkg", "dem_tiny.tif", "dem_hill.tif", "dem_tiny_4490.tif", "suit.gpkg"):
        p = os.path.join(HERE, name)
        if os.path.exists(p):
            os.remove(p)

    # Parcels: contained, partial, touching-only, bow-tie, NULL, EMPTY, line, hole, multipolygon.
    parcels = [
        (("P1", "部分占用基本农田"), "POLYGON " + sq(0, 0, 100, 100)),
        (("P2", "完全落入重叠农田"), "POLYGON " + sq(120, 20, 180, 80)),
        (("P3", "仅接触"), "POLYGON " + sq(200, 0, 300, 100)),
        (("P4", "蝴蝶形"), f"POLYGON (({X0+1000} {Y0},{X0+1100} {Y0+100},{X0+1100} {Y0},"
                            f"{X0+1000} {Y0+100},{X0+1000} {Y0}))"),
        (("P5", "空几何"), "EMPTY"),
        (("P6", "无几何"), None),
        (("P7", "线状"), f"LINESTRING ({X0} {Y0+500},{X0+100} {Y0+500})"),
        (("P8", "带洞地块"), f"POLYGON ({sq(400, 0, 500, 100)[1:-1]},{sq(425, 25, 475, 75)[1:-1]})"),
        (("P9", "多部件地块"), f"MULTIPOLYGON ({sq(600, 0, 650, 50)},{sq(700, 0, 750, 50)})"),
    ]
    write(os.path.join(HERE, "parcels.gpkg"), "parcels", ogr.wkbUnknown,
          [("XMBH", s), ("XMMC", s)], parcels)
    dup = parcels[:3] + [(("P1", "重复编号"), "POLYGON " + sq(0, 200, 50, 250))]
    write(os.path.join(HERE, "parcels.gpkg"), "parcels_dup", ogr.wkbPolygon,
          [("XMBH", s), ("XMMC", s)], dup)
    write(os.path.join(HERE, "parcels.gpkg"), "points", ogr.wkbPoint,
          [("XMBH", s)], [(("A",), f"POINT ({X0} {Y0})")])
    write(os.path.join(HERE, "parcels.gpkg"), "empty", ogr.wkbPolygon, [("XMBH", s)], [])

    c = os.path.join(HERE, "constraints.gpkg")
    # Two farmland features overlapping each other (F1 ∩ F2 = 50 × 100).
    write(c, "yjjbnt", ogr.wkbPolygon, [("JBNTTBBH", s), ("DLBM", s)],
          [(("F1", "0103"), "POLYGON " + sq(50, 0, 150, 100)),
           (("F2", "0101"), "POLYGON " + sq(100, 0, 200, 100))])
    write(c, "ldbh", ogr.wkbPolygon, [("BHDJ", s)],
          [(("1",), "POLYGON " + sq(440, 40, 460, 60)),   # inside P8's hole
           (("3",), "POLYGON " + sq(400, 0, 420, 100))])  # 20 × 100 of P8
    write(c, "sysyd", ogr.wkbPolygon, [("BHQJB", s)],
          [(("二级",), "POLYGON " + sq(640, 0, 710, 100))])  # 10 × 50 of each P9 part
    # Land-use coverage for breakdowns: 0103 west of x = 60, 0301 east of it.
    write(c, "dltb", ogr.wkbPolygon, [("DLBM", s), ("DLMC", s)],
          [(("0103", "旱地"), "POLYGON " + sq(-100, -100, 60, 200)),
           (("0301", "乔木林地"), "POLYGON " + sq(60, -100, 1200, 200))])
    write(c, "roads", ogr.wkbLineString, [("MC", s)],
          [(("S221",), f"LINESTRING ({X0+250} {Y0-50},{X0+250} {Y0+150})")])

    # tiny.gpkg: one small, varied data set for the `siteplan info` golden test.
    t = os.path.join(HERE, "tiny.gpkg")
    write(t, "boundary", ogr.wkbPolygon, [("XZQMC", s)],
          [(("测试县",), "POLYGON " + sq(-100, -100, 1200, 600))])
    write(t, "dltb", ogr.wkbMultiPolygon, [("DLBM", s), ("DLMC", s), ("TBMJ", ogr.OFTReal)],
          [(("0103", "旱地", 16000.0), "MULTIPOLYGON (" + sq(-100, -100, 60, 0) + ")"),
           (("0301", "乔木林地", 0.0), f"MULTIPOLYGON ((({X0} {Y0},{X0+10} {Y0+10},{X0+10} {Y0},{X0} {Y0+10},{X0} {Y0})))"),
           (("0702", "农村宅基地", None), None)])
    write(t, "settlements", ogr.wkbPoint, [("MC", s)],
          [(("云鹤镇",), f"POINT ({X0+300} {Y0+300})")], code=None)  # no CRS on purpose

    # GBK shapefiles: one with a .cpg saying so, one without (the project must say GBK).
    for sub, cpg in (("gbk_cpg", True), ("gbk_nocpg", False)):
        d = os.path.join(HERE, sub)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        write(os.path.join(d, "dltb.shp"), "dltb", ogr.wkbPolygon,
              [("DLBM", s), ("DLMC", s)],
              [(("0101", "水田"), "POLYGON " + sq(0, 0, 10, 10)),
               (("0301", "乔木林地"), "POLYGON " + sq(10, 0, 20, 10))],
              driver="ESRI Shapefile", lco=["ENCODING=GBK"])
        if not cpg:
            os.remove(os.path.join(d, "dltb.cpg"))

    # A shapefile without .prj (no CRS), and zone-prefixed eastings declared as EPSG:4542.
    d = os.path.join(HERE, "nocrs")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    write(os.path.join(d, "parcels.shp"), "parcels", ogr.wkbPolygon, [("XMBH", s)],
          [(("N1",), "POLYGON " + sq(0, 0, 100, 100))], code=None, driver="ESRI Shapefile")
    # A 20 × 20 DEM, 30 m pixels: a plane rising 10 m per pixel eastwards (slope 18.43°).
    dem = gdal.GetDriverByName("GTiff").Create(os.path.join(HERE, "dem_tiny.tif"), 20, 20, 1,
                                               gdal.GDT_Float32, ["COMPRESS=DEFLATE"])
    dem.SetGeoTransform((X0 - 100, 30, 0, Y0 + 500, 0, -30))
    dem.SetProjection(srs(4542).ExportToWkt())
    band = dem.GetRasterBand(1)
    band.SetNoDataValue(-9999)
    band.WriteRaster(0, 0, 20, 20, b"".join(
        __import__("struct").pack("<20f", *[2200.0 + 10 * c for c in range(20)]) for _ in range(20)))
    dem = None

    # A hill for the gdaldem comparison: 40 × 30 cells of 30 m, gaussian bump on a tilted plane.
    import math
    hill = gdal.GetDriverByName("GTiff").Create(os.path.join(HERE, "dem_hill.tif"), 40, 30, 1,
                                                gdal.GDT_Float32)
    hill.SetGeoTransform((X0, 30, 0, Y0 + 900, 0, -30))
    hill.SetProjection(srs(4542).ExportToWkt())
    vals = []
    for r in range(30):
        for c in range(40):
            vals.append(2000 + 3 * c - 2 * r + 400 * math.exp(-((c - 20) ** 2 + (r - 15) ** 2) / 60.0))
    hill.GetRasterBand(1).WriteRaster(0, 0, 40, 30, __import__("struct").pack(f"<{len(vals)}f", *vals))
    hill = None
    # The tilted plane again in geographic coordinates (EPSG:4490), for the reprojection path.
    gdal.Warp(os.path.join(HERE, "dem_tiny_4490.tif"), os.path.join(HERE, "dem_tiny.tif"),
              dstSRS="EPSG:4490", resampleAlg="bilinear", xRes=0.0002, yRes=0.0002)

    # suit.gpkg: a study area inside dem_tiny, a blocked square, a road and two given parcels.
    u = os.path.join(HERE, "suit.gpkg")
    write(u, "area", ogr.wkbPolygon, [("NAME", s)], [(("测试区",), "POLYGON " + sq(-70, -70, 470, 470))])
    write(u, "blocked", ogr.wkbPolygon, [("KIND", s)], [(("红线",), "POLYGON " + sq(0, 200, 120, 320))])
    write(u, "roads", ogr.wkbLineString, [("MC", s)],
          [(("村道",), f"LINESTRING ({X0+250} {Y0-70},{X0+250} {Y0+470})")])
    write(u, "far_roads", ogr.wkbLineString, [("MC", s)],
          [(("远处",), f"LINESTRING ({X0+90000} {Y0},{X0+90100} {Y0})")])
    write(u, "sites", ogr.wkbPolygon, [("XMBH", s), ("XMMC", s)],
          [(("S1", "路东地块"), "POLYGON " + sq(300, 0, 400, 100)),
           (("S2", "压红线地块"), "POLYGON " + sq(60, 260, 180, 380))])

    px = 33000000 + X0
    write(os.path.join(HERE, "prefixed.gpkg"), "parcels", ogr.wkbPolygon, [("XMBH", s)],
          [(("Z1",), f"POLYGON (({px} {Y0},{px+100} {Y0},{px+100} {Y0+100},{px} {Y0+100},{px} {Y0}))")])


if __name__ == "__main__":
    main()
