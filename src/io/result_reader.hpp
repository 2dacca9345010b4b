#pragma once
// Reads what `siteplan suitability` or `siteplan clearance` wrote into a folder, for the viewer
// and the map export: parcels with their geometry, score or verdict, and the lines that explain
// them (factor breakdown, overlaps with severity and legal basis).
#include <string>
#include <vector>

#include "gis/crs.hpp"
#include "gis/gdal.hpp"

namespace siteplan::io {

struct ResultParcel {
  std::string id, name;
  std::string verdict;  // clearance: blocked | unchecked | approval | clear | invalid ("" if none)
  std::string geometry_status;              // clearance: valid | repaired | empty | null | ...
  std::vector<std::string> deciding_rules;  // clearance: the rule ids that decide the verdict
  double outside_m2 = 0;                    // clearance: area outside the run's coverage
  double score = -1;                        // suitability: 0..1 (−1 if none)
  int rank = 0;
  double area_m2 = 0;
  gis::OgrGeomPtr geometry;          // working CRS; may be null (invalid parcels)
  std::vector<std::string> explain;  // human-readable lines for the info panel
};

// A conflict piece (parcel ∩ rule) from clearance.gpkg's overlaps layer, for the map.
struct ResultOverlap {
  std::string parcel_id, rule_id, rule_name, severity;
  gis::OgrGeomPtr geometry;  // working CRS
};

struct ResultSet {
  std::string dir;
  bool has_scores = false, has_verdicts = false;
  gis::Crs crs;
  std::vector<ResultParcel> parcels;
  std::vector<ResultOverlap> overlaps;  // clearance, without `info` rows (breakdown classes)
};

// Reads DIR/candidates.gpkg and/or DIR/clearance.gpkg (and the overlaps with their basis).
// Throws InputError when DIR holds neither.
ResultSet read_results(const std::string& dir);

}  // namespace siteplan::io
