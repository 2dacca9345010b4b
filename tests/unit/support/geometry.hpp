#pragma once
// Geometry shorthands for inline tests.
#include "gis/crs.hpp"

namespace siteplan::test {

// A valid extent from its corners.
inline gis::Extent box(double x0, double y0, double x1, double y1) {
  return gis::Extent{x0, y0, x1, y1, true};
}

}  // namespace siteplan::test
