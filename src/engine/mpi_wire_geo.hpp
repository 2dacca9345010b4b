#pragma once
// Geometries and overlaps on the wire between MPI ranks (mpi_wire.hpp): ISO WKB, every double
// bit for bit. Shared by the clearance parts and the suitability candidates.
#include <ogr_geometry.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "engine/clearance.hpp"
#include "engine/mpi_wire.hpp"
#include "gis/gdal.hpp"

namespace siteplan::engine::wire {

// The geometry as ISO WKB ("" for none, or when `geometry` is false).
inline void put_geometry(Writer& w, const gis::OgrGeomPtr& g, bool geometry = true) {
  if (!geometry || !g) {
    w.str({});
    return;
  }
  std::string wkb(static_cast<std::size_t>(g->WkbSize()), '\0');
  if (g->exportToWkb(wkbNDR, reinterpret_cast<unsigned char*>(wkb.data()), wkbVariantIso) !=
      OGRERR_NONE)
    throw RuntimeError("MPI: a geometry cannot be written as WKB");
  w.str(wkb);
}

inline gis::OgrGeomPtr get_geometry(Reader& r) {
  std::string_view wkb = r.view();
  if (wkb.empty()) return {};
  OGRGeometry* g = nullptr;
  std::size_t used = 0;
  if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &g, wkb.size(), wkbVariantIso, used) !=
          OGRERR_NONE ||
      !g)
    throw RuntimeError("MPI: a rank sent a geometry that is not WKB");
  return gis::OgrGeomPtr(g);
}

// An overlap's numbers and class (not its piece).
inline void put_overlap(Writer& w, const Overlap& o) {
  w.put<std::uint64_t>(o.rule_index);
  w.str(o.class_value);
  w.put(o.area_m2);
  w.put(o.ellipsoidal_m2);
  w.put(o.pct);
}

inline void get_overlap(Reader& r, Overlap& o) {
  o.rule_index = static_cast<std::size_t>(r.get<std::uint64_t>());
  o.class_value = r.str();
  o.area_m2 = r.get<double>();
  o.ellipsoidal_m2 = r.get<double>();
  o.pct = r.get<double>();
}

}  // namespace siteplan::engine::wire
