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
  std::string name;   // human label (Chinese allowed)
  std::string layer;  // a layer id
  std::string where;  // attribute filter on top of the layer's own
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

struct Project {
  std::string path;  // the project file
  std::string name;
  std::string crs;         // working CRS, e.g. "EPSG:4542"; "" when not set
  std::string study_area;  // a layer id or ""
  int threads = 0;         // 0 = all cores
  std::vector<LayerSpec> layers;
  std::vector<RuleSpec> rules;
  std::vector<BreakdownSpec> breakdowns;

  const LayerSpec* find_layer(const std::string& id) const;
  // Adds or replaces a layer (CLI overrides). Keeps declaration order.
  void set_layer(LayerSpec spec);
  // Checks cross references (rules → layers, study area → layer, unique ids).
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

// True for strings GDAL opens that are not file paths (PG:, /vsi..., http(s)://).
bool is_connection_string(const std::string& source);

}  // namespace siteplan
