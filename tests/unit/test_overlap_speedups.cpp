// The shortcuts that make batch clearance fast must never change an answer: the parcel-box
// index, tiles of very large features, union by envelope groups, the per-parcel areal scale fit
// and reading only constraint features near the parcels.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <ogrsf_frmts.h>

#include <cmath>

#include "core/progress.hpp"
#include "engine/clearance.hpp"
#include "engine/tiling.hpp"
#include "export/clearance_outputs.hpp"
#include "gis/box_index.hpp"
#include "gis/convert.hpp"
#include "gis/gdal.hpp"
#include "gis/geodesic.hpp"
#include "io/layer.hpp"

using namespace siteplan;

namespace {

gis::Extent box(double x0, double y0, double x1, double y1) {
  return gis::Extent{x0, y0, x1, y1, true};
}

// A star-shaped polygon around (cx, cy) with n vertices (radius between r and 1.5 r), with an
// optional square hole in the middle: many vertices, concave, valid.
std::string star(double cx, double cy, double r, int n, double hole = 0) {
  std::string w = "POLYGON ((";
  for (int i = 0; i <= n; ++i) {
    const int k = i % n;
    const double a = 2 * M_PI * k / n;
    const double rr = r * (k % 2 ? 1.5 : 1.0) + 0.37 * (k % 7);
    w +=
        fmt::format("{}{:.3f} {:.3f}", i ? ", " : "", cx + rr * std::cos(a), cy + rr * std::sin(a));
  }
  w += ")";
  if (hole > 0)
    w += fmt::format(", ({0} {1}, {2} {1}, {2} {3}, {0} {3}, {0} {1})", cx - hole, cy - hole,
                     cx + hole, cy + hole);
  return w + ")";
}

}  // namespace

TEST(BoxIndex, FindsTouchingAndOverlappingBoxesOnly) {
  std::vector<gis::Extent> boxes;
  for (int i = 0; i < 50; ++i) boxes.push_back(box(i * 100.0, 0, i * 100.0 + 10, 10));
  boxes.push_back(gis::Extent{});  // invalid ones are ignored
  gis::BoxIndex idx(boxes);
  EXPECT_EQ(idx.size(), 50u);
  EXPECT_TRUE(idx.intersects_any(box(5, 5, 6, 6)));            // inside the first
  EXPECT_TRUE(idx.intersects_any(box(10, 10, 20, 20)));        // touches a corner
  EXPECT_FALSE(idx.intersects_any(box(11, 0, 99, 10)));        // between two
  EXPECT_FALSE(idx.intersects_any(box(0, 10.001, 5000, 20)));  // above all of them
  EXPECT_TRUE(idx.intersects_any(box(-1e6, -1e6, 1e6, 1e6)));  // around everything
  EXPECT_FALSE(idx.intersects_any(box(6000, 0, 7000, 10)));    // beyond the last
  EXPECT_TRUE(idx.intersects_any(box(4905, 5, 4906, 6)));      // the last one
  gis::BoxIndex wide(boxes, 50.0);                             // margins close the gaps
  EXPECT_TRUE(wide.intersects_any(box(55, 0, 56, 10)));
  EXPECT_FALSE(gis::BoxIndex().intersects_any(box(0, 0, 1, 1)));
}

TEST(BoxIndex, AgreesWithAPlainScan) {
  std::vector<gis::Extent> boxes;
  unsigned s = 12345;
  auto rnd = [&s] {
    s = s * 1103515245u + 12345u;
    return (s >> 8) % 100000 / 10.0;
  };
  for (int i = 0; i < 400; ++i) {
    double x = rnd(), y = rnd(), w = rnd() / 50, h = rnd() / 50;
    boxes.push_back(box(x, y, x + w, y + h));
  }
  boxes.push_back(box(100, 200, 9000, 9500));  // a few huge ones among the small
  boxes.push_back(box(5000, 0, 5001, 10000));
  gis::BoxIndex idx(boxes);
  for (int q = 0; q < 2000; ++q) {
    double x = rnd(), y = rnd(), w = rnd() / (q % 2 ? 10 : 200), h = rnd() / 100;
    gis::Extent e = box(x, y, x + w, y + h);
    bool scan = false;
    for (const auto& b : boxes)
      scan = scan || (b.minx <= e.maxx && e.minx <= b.maxx && b.miny <= e.maxy && e.miny <= b.maxy);
    ASSERT_EQ(idx.intersects_any(e), scan) << "query " << q;
  }
}

TEST(Tiling, TilesKeepTheAreaAndStaySmall) {
  gis::GeosContext ctx;
  auto g = gis::from_wkt(ctx, star(0, 0, 1000, 6000, 300));
  const double whole = gis::area(ctx, g.get());
  auto tiles = engine::split_large(ctx, g.get(), 512);
  ASSERT_GT(tiles.size(), 8u);
  double sum = 0;
  for (const auto& t : tiles) {
    EXPECT_LE(GEOSGetNumCoordinates_r(ctx, t.get()), 512);
    EXPECT_TRUE(gis::check_valid(ctx, t.get()).valid);
    sum += gis::area(ctx, t.get());
  }
  EXPECT_NEAR(sum, whole, 1e-9 * whole);
  // Small features stay whole.
  auto small = gis::from_wkt(ctx, "POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))");
  EXPECT_EQ(engine::split_large(ctx, small.get(), 512).size(), 1u);
}

TEST(Tiling, TiledLayerGivesTheSameOverlapsAsWholeFeatures) {
  // One huge feature with a hole and one small one; parcels inside, across the cut lines, in
  // the hole, across the hole's edge and outside: areas must not depend on the tiling.
  auto build = [](gis::GeosContext& ctx, io::LoadedLayer& parcels,
                  std::vector<engine::RuleLayer>& rules) {
    const char* wkts[] = {
        "POLYGON ((-50 -50, 50 -50, 50 50, -50 50, -50 -50))",       // in the hole
        "POLYGON ((-400 -20, 400 -20, 400 20, -400 20, -400 -20))",  // across hole and tiles
        "POLYGON ((500 -600, 700 -600, 700 600, 500 600, 500 -600))",
        "POLYGON ((900 -100, 1700 -100, 1700 100, 900 100, 900 -100))",       // across the edge
        "POLYGON ((5000 5000, 5100 5000, 5100 5100, 5000 5100, 5000 5000))",  // outside
        "POLYGON ((-700 300, -310 300, -310 700, -700 700, -700 300))",
    };
    int i = 0;
    for (const char* w : wkts) {
      io::Feature f;
      f.key = fmt::format("p{}", i);
      f.fid = i++;
      f.geom = gis::from_wkt(ctx, w);
      gis::warm_envelope(ctx, f.geom.get());
      parcels.features.push_back(std::move(f));
    }
    engine::RuleLayer r;
    r.id = "redline";
    r.name = "redline";
    r.severity = Severity::Block;
    r.geoms.push_back(gis::from_wkt(ctx, star(0, 0, 1000, 8000, 300)));
    r.geoms.push_back(gis::from_wkt(ctx, "POLYGON ((600 0, 800 0, 800 50, 600 50, 600 0))"));
    for (auto& g : r.geoms) gis::warm_envelope(ctx, g.get());
    rules.push_back(std::move(r));
  };
  const gis::Crs crs = gis::Crs::from_user("EPSG:4542", "t");
  engine::ClearanceOptions o;
  o.threads = 2;

  gis::GeosContext c1;
  io::LoadedLayer p1;
  std::vector<engine::RuleLayer> r1;
  build(c1, p1, r1);
  auto plain = engine::run_clearance(p1, r1, crs, c1, o);

  gis::GeosContext c2;
  io::LoadedLayer p2;
  std::vector<engine::RuleLayer> r2;
  build(c2, p2, r2);
  engine::tile_large_features(r2[0], c2, 256);
  ASSERT_GT(r2[0].geoms.size(), 20u);
  ASSERT_EQ(r2[0].whole.size(), 1u);
  auto tiled = engine::run_clearance(p2, r2, crs, c2, o);

  ASSERT_EQ(plain.parcels.size(), tiled.parcels.size());
  for (std::size_t i = 0; i < plain.parcels.size(); ++i) {
    const auto& a = plain.parcels[i];
    const auto& b = tiled.parcels[i];
    EXPECT_EQ(a.verdict, b.verdict) << a.id;
    ASSERT_EQ(a.overlaps.size(), b.overlaps.size()) << a.id;
    for (std::size_t k = 0; k < a.overlaps.size(); ++k) {
      EXPECT_NEAR(a.overlaps[k].area_m2, b.overlaps[k].area_m2, 1e-7 * a.overlaps[k].area_m2)
          << a.id;
      EXPECT_NEAR(a.overlaps[k].ellipsoidal_m2, b.overlaps[k].ellipsoidal_m2,
                  1e-7 * a.overlaps[k].area_m2)
          << a.id;
    }
  }
  EXPECT_TRUE(plain.parcels[0].overlaps.empty());  // in the hole
  EXPECT_TRUE(plain.parcels[4].overlaps.empty());  // outside
  EXPECT_NEAR(plain.parcels[2].overlaps.at(0).pct, 100.0, 1e-9);
}

TEST(Union, GroupsApartAndTogetherGiveTheSameArea) {
  gis::GeosContext ctx;
  std::vector<gis::GeomPtr> parts;
  parts.push_back(gis::from_wkt(ctx, "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))"));
  parts.push_back(gis::from_wkt(ctx, "POLYGON ((100 0, 110 0, 110 10, 100 10, 100 0))"));
  parts.push_back(gis::from_wkt(ctx, "POLYGON ((5 5, 15 5, 15 15, 5 15, 5 5))"));  // overlaps #1
  parts.push_back(gis::from_wkt(
      ctx,
      "MULTIPOLYGON (((200 0, 210 0, 210 10, 200 10, 200 0)), ((300 0, 301 0, 301 1, 300 1, "
      "300 0)))"));
  parts.push_back(gis::from_wkt(ctx, "POLYGON ((10 0, 20 0, 20 5, 10 5, 10 0))"));  // touches #1
  auto u = gis::union_all(ctx, std::move(parts));
  EXPECT_DOUBLE_EQ(gis::area(ctx, u.get()), 100 + 100 + 100 - 25 + 100 + 1 + 50);
  EXPECT_TRUE(gis::check_valid(ctx, u.get()).valid);
  EXPECT_EQ(GEOSGeomTypeId_r(ctx, u.get()), GEOS_MULTIPOLYGON);
}

TEST(Geos, PolygonalPartTakesPolygonsOverWithoutCopy) {
  gis::GeosContext ctx;
  auto g = gis::from_wkt(ctx, "POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))");
  const GEOSGeometry* raw = g.get();
  auto same = gis::polygonal_part(ctx, std::move(g));
  EXPECT_EQ(same.get(), raw);
  auto mixed = gis::polygonal_part(
      ctx, gis::from_wkt(ctx, "GEOMETRYCOLLECTION (POINT (5 5), POLYGON ((0 0, 2 0, 2 2, 0 0)))"));
  EXPECT_EQ(GEOSGeomTypeId_r(ctx, mixed.get()), GEOS_POLYGON);
  EXPECT_DOUBLE_EQ(gis::area(ctx, mixed.get()), 2.0);
}

TEST(Geodesic, LocalScaleFitMatchesProjFactors) {
  gis::GeosContext ctx;
  gis::EllipsoidalArea ell(gis::Crs::from_user("EPSG:4542", "t"));
  // A parcel 2 km across far out in the zone (E 650000, 150 km from the central meridian).
  const gis::Extent around = box(649000, 2899000, 651000, 2901000);
  const auto fit = ell.local_scale(around);
  ASSERT_TRUE(fit.valid);
  for (const char* w : {"POLYGON ((649000 2899000, 649100 2899000, 649100 2899100, 649000 "
                        "2899100, 649000 2899000))",
                        "POLYGON ((650900 2900900, 651000 2900900, 651000 2901000, 650900 "
                        "2901000, 650900 2900900))",
                        "POLYGON ((649500 2899500, 650500 2899500, 650000 2900500, 649500 "
                        "2899500))"}) {
    auto g = gis::from_wkt(ctx, w);
    const double exact = ell.area_from_scale(ctx, g.get());
    EXPECT_NEAR(ell.area_from_scale(ctx, g.get(), fit), exact, 1e-10 * exact) << w;
    EXPECT_NEAR(exact, ell.area(ctx, g.get()), 1e-8 * exact) << w;
  }
}

TEST(Layer, NearBoxesSkipFarFeaturesOnly) {
  gis::GeosContext ctx;
  LayerSpec s;
  s.id = "yjjbnt";
  s.source = std::string(SITEPLAN_TEST_DATA) + "/constraints.gpkg";
  s.layer = "yjjbnt";
  const gis::Crs work = gis::Crs::from_user("EPSG:4542", "t");
  // F1 is x 50..150 and F2 x 100..200 (offsets from E 620000, N 2899000).
  gis::BoxIndex near({box(620010, 2899010, 620060, 2899020)});
  io::LoadOptions o;
  o.polygons_only = true;
  o.near = &near;
  auto l = io::load_layer(s, work, ctx, o);
  ASSERT_EQ(l.features.size(), 1u);
  EXPECT_EQ(l.features[0].fid, 1);
  EXPECT_EQ(l.stats.far, 1u);
  EXPECT_EQ(l.stats.total, 1u);
  // Reprojected (EPSG:4542 → the zone-prefixed EPSG:4521): the boxes are in the working CRS.
  {
    gis::BoxIndex near21({box(33620010, 2899010, 33620060, 2899020)});
    io::LoadOptions o21 = o;
    o21.near = &near21;
    auto l21 = io::load_layer(s, gis::Crs::from_user("EPSG:4521", "t"), ctx, o21);
    ASSERT_EQ(l21.features.size(), 1u);
    EXPECT_EQ(l21.features[0].fid, 1);
    EXPECT_FALSE(l21.read_through_index);
  }
  o.near_margin = 45;  // a 45 m setback reaches F2 too
  auto wide = io::load_layer(s, work, ctx, o);
  EXPECT_EQ(wide.features.size(), 2u);
  EXPECT_EQ(wide.stats.far, 0u);
}

TEST(Layer, NearBoxesThroughTheGeoPackageIndexMatchAPlainRead) {
  // 60 × 60 squares of 10 m, every 20 m; written to a GeoPackage (with its R-tree) and to
  // GeoJSON (no index). The near-parcel read must keep the same features from both.
  gis::init_gdal();
  const std::string dir = ::testing::TempDir();
  const std::string gpkg = dir + "/near_grid.gpkg", json = dir + "/near_grid.geojson";
  const gis::Crs work = gis::Crs::from_user("EPSG:4542", "t");
  for (const std::string& path : {gpkg, json}) {
    VSIUnlink(path.c_str());
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(path == gpkg ? "GPKG" : "GeoJSON");
    ASSERT_NE(drv, nullptr);
    GDALDatasetUniquePtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    ASSERT_TRUE(ds);
    OGRLayer* l = ds->CreateLayer("grid", work.srs_mut(), wkbPolygon, nullptr);
    ASSERT_NE(l, nullptr);
    OGRFieldDefn code("CODE", OFTString);
    l->CreateField(&code);
    ds->StartTransaction();
    for (int i = 0; i < 3600; ++i) {
      const double x = 620000 + (i % 60) * 20.0, y = 2899000 + (i / 60) * 20.0;
      OGRFeature f(l->GetLayerDefn());
      f.SetField("CODE", i % 3 ? "A" : "B");
      OGRGeometry* g = nullptr;
      const std::string wkt = fmt::format("POLYGON (({0} {1}, {2} {1}, {2} {3}, {0} {3}, {0} {1}))",
                                          x, y, x + 10, y + 10);
      OGRGeometryFactory::createFromWkt(wkt.c_str(), nullptr, &g);
      f.SetGeometryDirectly(g);
      ASSERT_EQ(l->CreateFeature(&f), OGRERR_NONE);
    }
    ds->CommitTransaction();
  }
  // Two parcels: one over a 3 × 2 block of squares, one touching a single corner.
  gis::BoxIndex near(
      {box(620105, 2899105, 620155, 2899125), box(620310, 2899310, 620320, 2899320)});
  auto load = [&](const std::string& path, const std::string& where) {
    gis::GeosContext ctx;
    LayerSpec s;
    s.id = "grid";
    s.source = path;
    s.layer = "grid";
    io::LoadOptions o;
    o.polygons_only = true;
    o.near = &near;
    o.extra_where = where;
    o.fields = {"CODE"};
    auto l = io::load_layer(s, work, ctx, o);
    std::vector<std::string> keys;
    for (const auto& f : l.features)
      keys.push_back(f.values[0] + fmt::format("{:.0f}", gis::area(ctx, f.geom.get())));
    EXPECT_EQ(l.read_through_index, path == gpkg);
    return std::make_pair(keys, l.stats);
  };
  auto [a, sa] = load(gpkg, "");
  auto [b, sb] = load(json, "");
  EXPECT_EQ(a.size(), 3u * 2u + 2u * 2u);  // 3 × 2 under the first box, 2 × 2 touching the second
  EXPECT_EQ(a, b);
  EXPECT_EQ(sa.far, 3600u - a.size());
  EXPECT_EQ(sb.far, sa.far);
  auto [c, sc] = load(gpkg, "CODE = 'B'");  // the rule's filter still applies
  auto [d, sd] = load(json, "CODE = 'B'");
  EXPECT_EQ(c, d);
  EXPECT_LT(c.size(), a.size());
  VSIUnlink(gpkg.c_str());
  VSIUnlink(json.c_str());
}

TEST(Convert, PolygonsCopyRingByRingAndKeepHoles) {
  gis::GeosContext ctx;
  auto holed =
      gis::from_wkt(ctx, "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 4 2, 4 4, 2 4, 2 2))");
  auto multi = gis::from_wkt(
      ctx, "MULTIPOLYGON (((20 0, 30 0, 30 10, 20 0)), ((40 0, 50 0, 50 10, 40 10, 40 0)))");
  auto line = gis::from_wkt(ctx, "LINESTRING (0 0, 1 1)");
  auto p = gis::to_ogr(ctx, holed.get());
  ASSERT_TRUE(p);
  EXPECT_EQ(wkbFlatten(p->getGeometryType()), wkbPolygon);
  EXPECT_DOUBLE_EQ(OGR_G_Area(OGRGeometry::ToHandle(p.get())), 96.0);
  auto l = gis::to_ogr(ctx, line.get());
  ASSERT_TRUE(l);
  EXPECT_EQ(wkbFlatten(l->getGeometryType()), wkbLineString);
  auto mp = gis::to_ogr_multipolygon(ctx, {holed.get(), multi.get(), line.get()});
  ASSERT_TRUE(mp);
  EXPECT_EQ(wkbFlatten(mp->getGeometryType()), wkbMultiPolygon);
  EXPECT_EQ(mp->toMultiPolygon()->getNumGeometries(), 3);
  EXPECT_DOUBLE_EQ(OGR_G_Area(OGRGeometry::ToHandle(mp.get())), 96.0 + 50.0 + 100.0);
}
