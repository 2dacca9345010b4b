#pragma once
// The result GeoPackages' layers and fields, declared once: the writers (src/export) create them
// by these names and the reader (io/result_reader.cpp, for the viewer and maps) reads them back.
// Renaming a field here renames it everywhere; golden tests pin the names users see.
namespace siteplan::io::schema {

// clearance.gpkg
namespace parcels {
inline constexpr const char* layer = "parcels";
inline constexpr const char* id = "parcel_id";
inline constexpr const char* name = "name";
inline constexpr const char* verdict = "verdict";
inline constexpr const char* area = "area_m2";
inline constexpr const char* area_ellipsoidal = "area_ellipsoidal_m2";
inline constexpr const char* outside = "outside_m2";
inline constexpr const char* geometry_status = "geometry_status";
inline constexpr const char* deciding_rules = "deciding_rules";
inline constexpr const char* n_block = "n_block";
inline constexpr const char* n_approval = "n_approval";
inline constexpr const char* n_warn = "n_warn";
inline constexpr const char* summary = "summary";
}  // namespace parcels

namespace overlaps {
inline constexpr const char* layer = "overlaps";
inline constexpr const char* parcel_id = "parcel_id";
inline constexpr const char* rule_id = "rule_id";
inline constexpr const char* rule_name = "rule_name";
inline constexpr const char* severity = "severity";
inline constexpr const char* area = "area_m2";
inline constexpr const char* pct = "overlap_pct";
inline constexpr const char* basis = "basis";
}  // namespace overlaps

// candidates.gpkg
namespace candidates {
inline constexpr const char* layer = "candidates";
inline constexpr const char* id = "cand_id";
inline constexpr const char* name = "name";
inline constexpr const char* label = "label";
inline constexpr const char* origin = "origin";
inline constexpr const char* status = "status";
inline constexpr const char* blocked = "blocked";
inline constexpr const char* rank = "rank";
inline constexpr const char* score = "score";
inline constexpr const char* base_score = "base_score";
inline constexpr const char* penalty = "penalty";
inline constexpr const char* area = "area_m2";
inline constexpr const char* compactness = "compactness";
inline constexpr const char* robust_share = "robust_share";
// Per factor F: F_raw, F_score, F_part; per rule R: R_pct.
inline constexpr const char* raw_suffix = "_raw";
inline constexpr const char* score_suffix = "_score";
inline constexpr const char* part_suffix = "_part";
inline constexpr const char* pct_suffix = "_pct";
}  // namespace candidates

namespace blocked {
inline constexpr const char* layer = "blocked";
}  // namespace blocked

}  // namespace siteplan::io::schema
