#include "gis/convert.hpp"

namespace siteplan::gis {

namespace {
bool copy_ring(GEOSContextHandle_t ctx, const GEOSGeometry* ring, OGRLinearRing& out,
               std::vector<double>& xs, std::vector<double>& ys) {
  const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx, ring);
  unsigned int n = 0;
  if (!seq || !GEOSCoordSeq_getSize_r(ctx, seq, &n)) return false;
  xs.resize(n);
  ys.resize(n);
  if (n && !GEOSCoordSeq_copyToArrays_r(ctx, seq, xs.data(), ys.data(), nullptr, nullptr))
    return false;
  out.setPoints(static_cast<int>(n), xs.data(), ys.data());
  return true;
}

OGRPolygon* polygon(GEOSContextHandle_t ctx, const GEOSGeometry* g, std::vector<double>& xs,
                    std::vector<double>& ys) {
  auto* p = new OGRPolygon();
  if (GEOSisEmpty_r(ctx, g)) return p;
  auto* shell = new OGRLinearRing();
  if (!copy_ring(ctx, GEOSGetExteriorRing_r(ctx, g), *shell, xs, ys)) {
    delete shell;
    delete p;
    return nullptr;
  }
  p->addRingDirectly(shell);
  const int holes = GEOSGetNumInteriorRings_r(ctx, g);
  for (int i = 0; i < holes; ++i) {
    auto* hole = new OGRLinearRing();
    if (!copy_ring(ctx, GEOSGetInteriorRingN_r(ctx, g, i), *hole, xs, ys)) {
      delete hole;
      delete p;
      return nullptr;
    }
    p->addRingDirectly(hole);
  }
  return p;
}

// Adds g's polygons to mp; false if g holds something else or a copy failed.
bool add_polygons(GEOSContextHandle_t ctx, const GEOSGeometry* g, OGRMultiPolygon& mp,
                  std::vector<double>& xs, std::vector<double>& ys) {
  const int t = GEOSGeomTypeId_r(ctx, g);
  if (t == GEOS_POLYGON) {
    OGRPolygon* p = polygon(ctx, g, xs, ys);
    if (!p) return false;
    mp.addGeometryDirectly(p);
    return true;
  }
  if (t == GEOS_MULTIPOLYGON) {
    const int n = GEOSGetNumGeometries_r(ctx, g);
    for (int i = 0; i < n; ++i)
      if (!add_polygons(ctx, GEOSGetGeometryN_r(ctx, g, i), mp, xs, ys)) return false;
    return true;
  }
  return false;
}
}  // namespace

OgrGeomPtr to_ogr(GEOSContextHandle_t ctx, const GEOSGeometry* g) {
  if (!g) return nullptr;
  std::vector<double> xs, ys;
  const int t = GEOSGeomTypeId_r(ctx, g);
  if (t == GEOS_POLYGON) {
    if (OGRPolygon* p = polygon(ctx, g, xs, ys)) return OgrGeomPtr(p);
  } else if (t == GEOS_MULTIPOLYGON) {
    auto mp = std::make_unique<OGRMultiPolygon>();
    if (add_polygons(ctx, g, *mp, xs, ys)) return OgrGeomPtr(mp.release());
  }
  return OgrGeomPtr(OGRGeometryFactory::createFromGEOS(ctx, const_cast<GEOSGeometry*>(g)));
}

OgrGeomPtr to_ogr_multipolygon(GEOSContextHandle_t ctx,
                               const std::vector<const GEOSGeometry*>& gs) {
  std::vector<double> xs, ys;
  auto mp = std::make_unique<OGRMultiPolygon>();
  for (const GEOSGeometry* g : gs) {
    const int t = GEOSGeomTypeId_r(ctx, g);
    if ((t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON) && add_polygons(ctx, g, *mp, xs, ys))
      continue;
    // Not polygonal: take its polygons through createFromGEOS.
    OgrGeomPtr other(OGRGeometryFactory::createFromGEOS(ctx, const_cast<GEOSGeometry*>(g)));
    if (!other) continue;
    OGRGeometry* m = OGRGeometryFactory::forceToMultiPolygon(other.release());
    if (auto* omp = dynamic_cast<OGRMultiPolygon*>(m)) {
      for (auto* part : *omp) mp->addGeometry(part);
    }
    OGRGeometryFactory::destroyGeometry(m);
  }
  return OgrGeomPtr(mp.release());
}

OgrGeomPtr polygons_from_rings(std::vector<std::unique_ptr<OGRLinearRing>> rings) {
  GdalErrorCapture capture;  // GEOS complaints about invalid rings stay quiet
  std::vector<std::unique_ptr<OGRPolygon>> parts;
  for (auto& ring : rings) {
    ring->closeRings();
    OGRPolygon alone;
    alone.addRing(ring.get());
    auto inside = [&](const OGRLinearRing& shell) {
      OGRPolygon s;
      s.addRingDirectly(shell.clone());
      capture.clear();
      bool in = s.Contains(&alone);
      if (capture.has_error()) {  // invalid rings: decide by the first vertex
        OGRPoint first(ring->getX(0), ring->getY(0));
        in = s.Contains(&first);
      }
      return in;
    };
    OGRPolygon* host = nullptr;
    for (auto& part : parts) {
      if (!inside(*part->getExteriorRing())) continue;
      bool in_hole = false;
      for (int h = 0; h < part->getNumInteriorRings() && !in_hole; ++h)
        in_hole = inside(*part->getInteriorRing(h));
      if (!in_hole) {
        host = part.get();
        break;
      }
    }
    if (host) {
      host->addRingDirectly(ring.release());
    } else {
      auto poly = std::make_unique<OGRPolygon>();
      poly->addRingDirectly(ring.release());
      parts.push_back(std::move(poly));
    }
  }
  if (parts.empty()) return nullptr;
  if (parts.size() == 1) return OgrGeomPtr(parts.front().release());
  auto mp = std::make_unique<OGRMultiPolygon>();
  for (auto& part : parts) mp->addGeometryDirectly(part.release());
  return OgrGeomPtr(mp.release());
}

}  // namespace siteplan::gis
