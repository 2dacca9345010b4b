#pragma once
// The project file (TOML) → Project. A project fully describes a run: working CRS, study area,
// the layers (any GDAL source) and the rules. Every error names file:line:col and, for an unknown
// key, the nearest known key. Rule profiles (layers/*.toml) use the same format and can be
// pulled into a project with `profile = "..."`.
#include <optional>
#include <string>
#include <vector>

namespace siteplan {

struct SourcePos {
  std::string file;
  long line = 0;
  long column = 0;
  std::string str() const;  // "file:line:col" (or just file)
};

enum class Severity { Block, Approval, Warn, Info };
const char* to_string(Severity s);
// Throws InputError naming `where` (and suggesting the nearest severity) when unknown.
Severity parse_severity(const std::string& text, const std::string& where);

struct LayerSpec {
  std::string id;
  std::string source;    // resolved path or GDAL connection string
  std::string layer;     // layer name inside the source ("" = the only / first layer)
  std::string where;     // OGR SQL attribute filter applied when reading
  std::string encoding;  // e.g. "GBK" for legacy shapefiles without .cpg
  std::string crs;       // CRS of the coordinates when the source declares none (or is wrong)
  std::string id_field;  // field holding a stable feature id ("" = FID)
  SourcePos pos;
  std::string display() const;  // "source:layer"
};

struct RuleSpec {
  std::string id;
  double penalty = 0;  // suitability: score subtracted per unit share of the candidate overlapped
  std::string name;    // human label (Chinese allowed)
  std::string layer;   // a layer id
  std::string where;   // attribute filter on top of the layer's own
  double buffer_m = 0.0;
  Severity severity = Severity::Block;
  std::string basis;  // legal basis, e.g. "自然资规〔2018〕3号"
  std::string note;
  SourcePos pos;
};

struct BreakdownSpec {
  std::string id;
  std::string name;
  std::string layer;  // a layer id
  std::string field;  // attribute whose values are the classes, e.g. DLBM
  SourcePos pos;
};

// How a factor's raw value maps to [0, 1].
struct ScoreSpec {
  std::string kind;                              // linear | table | sigmoid | gaussian | category
  double zero_at = 0, one_at = 1;                // linear: value scoring 0 and 1 (clamped)
  std::vector<std::pair<double, double>> table;  // table: (value, score) knots, interpolated
  double midpoint = 0, spread = 1;               // sigmoid / gaussian
  bool increasing = true;                        // sigmoid direction
  std::vector<std::pair<std::string, double>> categories;  // category: value → score
  double other = 0;                                        // category: score of unlisted values
  SourcePos pos;
};

struct FactorSpec {
  std::string id;
  std::string name;
  std::string kind;   // slope | aspect | elevation | distance | category | solar
  std::string layer;  // a layer id (the DEM for terrain kinds)
  std::string field;  // category: attribute
  std::string units;  // slope: degrees | percent
  double weight = 0;
  SourcePos weight_pos;  // where `weight` was written (line 0: not written)
  ScoreSpec score;
  std::string basis;
  SourcePos pos;
};

struct SuitabilitySpec {
  std::string parcels;  // layer id of given candidate parcels ("" = none)
  std::string id_field, name_field;
  bool derive = true;      // derive contiguous regions from unblocked land
  double min_area_ha = 5;  // derived regions smaller than this are dropped
  double min_score = 0;    // derived regions only from cells scoring at least this
  double grid_m = 30;      // analysis grid cell size
  int top_k = 10;
  bool normalize = false;  // rescale weights that do not sum to 1
  int sensitivity_runs = 0;
  double sensitivity_spread = 0.2;
  std::vector<std::string> ahp_factors;
  std::vector<std::vector<double>> ahp_matrix;  // square, positive, reciprocal (checked)
  SourcePos ahp_factors_pos, ahp_matrix_pos;
  SourcePos pos;
  bool present = false;
};

struct Project {
  std::string path;  // the project file
  std::string name;
  std::string crs;         // working CRS, e.g. "EPSG:4542"; "" when not set
  std::string study_area;  // a layer id or ""
  // Clearance: a layer id whose polygons are where the rule data are complete ("" = the study
  // area, else a breakdown's coverage, else the rule layers' extents).
  std::string coverage;
  int threads = 0;  // 0 = all cores
  std::vector<LayerSpec> layers;
  std::vector<RuleSpec> rules;
  std::vector<BreakdownSpec> breakdowns;
  std::vector<FactorSpec> factors;
  SuitabilitySpec suitability;

  const LayerSpec* find_layer(const std::string& id) const;
  // Adds or replaces a layer (CLI overrides). Keeps declaration order.
  void set_layer(LayerSpec spec);
  // Checks cross references (rules → layers, study area → layer, unique ids) and the settings
  // that only make sense together (AHP matrix vs ahp_factors / factors / factor weights).
  void validate() const;
};

// Parses a project or profile file. Throws InputError on any problem.
// check_refs = false leaves cross-reference checks to the caller (layers bound later).
Project load_project(const std::string& path, bool check_refs = true);
// Parses TOML text (for tests); `path` is used in messages and to resolve relative sources.
Project parse_project(const std::string& text, const std::string& path);

// Splits "PATH[:LAYER]" as given on a command line. A path that exists as written wins; a GDAL
// connection string like "PG:dbname=x" keeps its prefix.
struct SourceRef {
  std::string path;
  std::string layer;
};
SourceRef split_source_ref(const std::string& text);

// Binds or replaces a layer from "ID=PATH[:LAYER]" (the --layer option); keeps the layer's other
// settings (where, encoding, crs) when it was declared. Throws UsageError on a malformed text.
void bind_layer(Project& project, const std::string& text);

// True for strings GDAL opens that are not file paths (PG:, /vsi..., http(s)://).
bool is_connection_string(const std::string& source);

}  // namespace siteplan
