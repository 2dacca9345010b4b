#include "project/project.hpp"

#include <fmt/core.h>

#include <toml++/toml.h>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "core/text.hpp"
#include "project/toml_read.hpp"

namespace fs = std::filesystem;

namespace siteplan {

using namespace toml_read;

std::string SourcePos::str() const {
  if (line <= 0) return file;
  return fmt::format("{}:{}:{}", file, line, column);
}

const char* to_string(Severity s) {
  switch (s) {
    case Severity::Block:
      return "block";
    case Severity::Approval:
      return "approval";
    case Severity::Warn:
      return "warn";
    case Severity::Info:
      return "info";
  }
  return "block";
}

Severity parse_severity(const std::string& text, const std::string& where) {
  static const std::vector<std::string> names = {"block", "approval", "warn", "info"};
  std::string t = text::to_lower(text);
  if (t == "block") return Severity::Block;
  if (t == "approval") return Severity::Approval;
  if (t == "warn" || t == "warning") return Severity::Warn;
  if (t == "info") return Severity::Info;
  std::string near = text::nearest(t, names);
  throw InputError(
      fmt::format("{}: unknown severity '{}'{}; use one of block, approval, warn, info", where,
                  text, near.empty() ? "" : " (did you mean '" + near + "'?)"));
}

std::string LayerSpec::display() const {
  return layer.empty() ? source : source + ":" + layer;
}

const LayerSpec* Project::find_layer(const std::string& id) const {
  for (const auto& l : layers)
    if (l.id == id) return &l;
  return nullptr;
}

void Project::set_layer(LayerSpec spec) {
  for (auto& l : layers)
    if (l.id == spec.id) {
      l = std::move(spec);
      return;
    }
  layers.push_back(std::move(spec));
}

namespace {
// The AHP settings against the factors: the matrix compares exactly the factors named by
// ahp_factors (all factors when not given), each of them declared; no factor sets a weight the
// matrix would silently override.
void validate_ahp(const Project& p) {
  const auto& s = p.suitability;
  if (s.ahp_matrix.empty()) {
    if (!s.ahp_factors.empty())
      throw InputError(
          fmt::format("{}: ahp_factors is set but there is no ahp_matrix; add the matrix or remove "
                      "ahp_factors and give each factor a weight",
                      s.ahp_factors_pos.str()));
    return;
  }
  std::vector<std::string> factor_ids;
  for (const auto& f : p.factors) factor_ids.push_back(f.id);
  const std::size_t n = s.ahp_matrix.size();
  if (s.ahp_factors.empty()) {
    if (factor_ids.size() != n)
      throw InputError(fmt::format(
          "{}: ahp_matrix is {}×{} but {} factors are declared; list the compared factors in "
          "ahp_factors = [...] in the order of the rows",
          s.ahp_matrix_pos.str(), n, n, factor_ids.size()));
  } else {
    if (s.ahp_factors.size() != n)
      throw InputError(fmt::format(
          "{}: ahp_matrix is {}×{} but ahp_factors (at {}) names {} factors; the matrix needs "
          "one row and one column per factor",
          s.ahp_matrix_pos.str(), n, n, s.ahp_factors_pos.str(), s.ahp_factors.size()));
    for (const auto& id : s.ahp_factors)
      if (std::find(factor_ids.begin(), factor_ids.end(), id) == factor_ids.end()) {
        std::string near = text::nearest(id, factor_ids);
        throw InputError(fmt::format(
            "{}: ahp_factors names '{}', which is not a declared [[factor]]{}",
            s.ahp_factors_pos.str(), id, near.empty() ? "" : " (did you mean '" + near + "'?)"));
      }
    for (const auto& id : factor_ids)
      if (std::find(s.ahp_factors.begin(), s.ahp_factors.end(), id) == s.ahp_factors.end())
        throw InputError(fmt::format(
            "{}: factor '{}' is not in ahp_factors, so the AHP matrix gives it no weight; add it "
            "to ahp_factors and the matrix, or remove the factor",
            s.ahp_factors_pos.str(), id));
  }
  for (const auto& f : p.factors)
    if (f.weight_pos.line > 0)
      throw InputError(fmt::format(
          "{}: factor '{}' sets weight = {}, but ahp_matrix (at {}) sets the weights; remove the "
          "weight or the matrix",
          f.weight_pos.str(), f.id, f.weight, s.ahp_matrix_pos.str()));
}
}  // namespace

void Project::validate() const {
  std::vector<std::string> layer_ids;
  for (const auto& l : layers) layer_ids.push_back(l.id);
  auto check_ref = [&](const std::string& ref, const SourcePos& pos, const std::string& what) {
    if (find_layer(ref)) return;
    std::string near = text::nearest(ref, layer_ids);
    throw InputError(fmt::format(
        "{}: {} refers to layer '{}', which is not declared{}; declare it under [layers.{}] or "
        "bind it with --layer {}=PATH:LAYER",
        pos.str(), what, ref, near.empty() ? "" : " (did you mean '" + near + "'?)", ref, ref));
  };
  if (!study_area.empty()) check_ref(study_area, SourcePos{path, 0, 0}, "study_area");
  if (!coverage.empty()) check_ref(coverage, SourcePos{path, 0, 0}, "coverage");
  std::set<std::string> ids;
  for (const auto& r : rules) {
    check_ref(r.layer, r.pos, fmt::format("constraint '{}'", r.id));
    if (!ids.insert(r.id).second)
      throw InputError(fmt::format("{}: duplicate rule id '{}'", r.pos.str(), r.id));
  }
  for (const auto& f : factors) {
    check_ref(f.layer, f.pos, fmt::format("factor '{}'", f.id));
    if (!ids.insert("factor:" + f.id).second)
      throw InputError(fmt::format("{}: duplicate factor id '{}'", f.pos.str(), f.id));
  }
  if (!suitability.parcels.empty())
    check_ref(suitability.parcels, suitability.pos, "[suitability] parcels");
  validate_ahp(*this);
  for (const auto& b : breakdowns) {
    check_ref(b.layer, b.pos, fmt::format("breakdown '{}'", b.id));
    if (!ids.insert(b.id).second)
      throw InputError(fmt::format("{}: duplicate rule/breakdown id '{}'", b.pos.str(), b.id));
  }
}

void bind_layer(Project& project, const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw UsageError(fmt::format("--layer '{}': expected ID=PATH[:LAYER]", text));
  const std::string id = text.substr(0, eq);
  SourceRef ref = split_source_ref(text.substr(eq + 1));
  LayerSpec l;
  if (const LayerSpec* old = project.find_layer(id)) l = *old;
  l.id = id;
  l.source = ref.path;
  l.layer = ref.layer;
  l.pos = SourcePos{"--layer " + text, 0, 0};
  project.set_layer(l);
}

bool is_connection_string(const std::string& s) {
  return s.rfind("PG:", 0) == 0 || s.rfind("/vsi", 0) == 0 || s.find("://") != std::string::npos ||
         s.rfind("MSSQL:", 0) == 0 || s.rfind("OCI:", 0) == 0;
}

SourceRef split_source_ref(const std::string& text) {
  std::error_code ec;
  if (fs::exists(text, ec) || text.find(':') == std::string::npos) return {text, ""};
  auto pos = text.rfind(':');
  std::string path = text.substr(0, pos);
  std::string layer = text.substr(pos + 1);
  if (text.rfind("PG:", 0) == 0 && path == "PG") return {text, ""};
  return {path, layer};
}

namespace {

// Setbacks up to 100 km; a penalty is score per unit share of the candidate, scores are 0..1.
const Range kBufferRange{0, 100000};
const Range kPenaltyRange{0, 1};

std::string resolve_source(const std::string& source, const std::string& file) {
  if (source.empty() || is_connection_string(source)) return source;
  fs::path p(source);
  if (p.is_absolute()) return source;
  fs::path base = fs::path(file).parent_path();
  return (base / p).lexically_normal().string();
}

void parse_into(Project& proj, const std::string& text, const std::string& file, int depth);

// Project and profile files are small text files; anything else (a directory, a device such as
// /dev/zero, a FIFO, a huge file) is refused before reading.
constexpr std::uintmax_t kMaxProjectFileBytes = 16u << 20;

void parse_file_into(Project& proj, const std::string& file, int depth) {
  std::error_code ec;
  fs::file_status st = fs::status(file, ec);
  if (ec || !fs::exists(st))
    throw InputError(fmt::format("{}: cannot open the project file (no such file)", file));
  if (fs::is_directory(st))
    throw InputError(
        fmt::format("{}: is a directory, not a project file; give the .toml file inside it", file));
  if (!fs::is_regular_file(st))
    throw InputError(fmt::format(
        "{}: is not a regular file (a device, pipe or socket); give a project file (.toml)", file));
  std::uintmax_t size = fs::file_size(file, ec);
  if (ec || size > kMaxProjectFileBytes)
    throw InputError(fmt::format(
        "{}: is {} bytes, more than a project file can be (16 MiB); give the .toml file", file,
        ec ? 0 : size));
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw InputError(fmt::format("{}: cannot open the project file (permission denied)", file));
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  text.resize(static_cast<std::size_t>(in.gcount()));
  parse_into(proj, text, file, depth);
}

// [project]: name, working CRS, study area, coverage, threads.
void parse_project_table(Project& proj, const toml::node& node, const std::string& file) {
  const toml::table* t = node.as_table();
  if (!t) throw InputError(fmt::format("{}: [project] must be a table", pos_of(node, file).str()));
  check_keys(*t, {"name", "crs", "study_area", "coverage", "threads", "description"}, file,
             "[project]");
  if (auto v = get_string(*t, "name", file, false, "[project]"); !v.empty()) proj.name = v;
  if (auto v = get_string(*t, "crs", file, false, "[project]"); !v.empty()) proj.crs = v;
  if (auto v = get_string(*t, "study_area", file, false, "[project]"); !v.empty())
    proj.study_area = v;
  if (auto v = get_string(*t, "coverage", file, false, "[project]"); !v.empty()) proj.coverage = v;
  proj.threads = static_cast<int>(get_int(*t, "threads", file, proj.threads, "[project]", 0, 1024));
}

// [layers.ID], in the order they were written.
void parse_layers(Project& proj, const toml::node& section, const std::string& file) {
  const toml::table* t = section.as_table();
  if (!t)
    throw InputError(fmt::format("{}: [layers] must be a table", pos_of(section, file).str()));
  // toml++ tables iterate by key; keep the order the layers were written in.
  std::vector<std::pair<std::string, const toml::node*>> ordered;
  for (const auto& [key, node] : *t) ordered.emplace_back(std::string(key.str()), &node);
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    return a.second->source().begin.line < b.second->source().begin.line;
  });
  for (const auto& [key_text, node_ptr] : ordered) {
    const toml::node& node = *node_ptr;
    const toml::table* lt = node.as_table();
    std::string id = key_text;
    std::string where = "[layers." + id + "]";
    if (!lt)
      throw InputError(
          fmt::format("{}: {} must be a table with source = ...", pos_of(node, file).str(), where));
    check_keys(*lt, {"source", "layer", "where", "encoding", "crs", "id_field", "description"},
               file, where);
    LayerSpec spec;
    spec.id = id;
    spec.source = resolve_source(get_string(*lt, "source", file, true, where), file);
    spec.layer = get_string(*lt, "layer", file, false, where);
    spec.where = get_string(*lt, "where", file, false, where);
    spec.encoding = get_string(*lt, "encoding", file, false, where);
    spec.crs = get_string(*lt, "crs", file, false, where);
    spec.id_field = get_string(*lt, "id_field", file, false, where);
    spec.pos = pos_of(*lt, file);
    proj.set_layer(std::move(spec));
  }
}

// [[constraint]]; a later file (the project) replaces a profile's rule of the same id.
void parse_constraints(Project& proj, const toml::node& node, const std::string& file) {
  for (const toml::table* t : tables_at(node, file, "constraint")) {
    check_keys(*t,
               {"id", "name", "layer", "where", "buffer_m", "severity", "basis", "note", "penalty"},
               file, "[[constraint]]");
    RuleSpec r;
    r.pos = pos_of(*t, file);
    r.id = get_string(*t, "id", file, true, "[[constraint]]");
    std::string where = fmt::format("constraint '{}'", r.id);
    r.name = get_string(*t, "name", file, false, where);
    r.layer = get_string(*t, "layer", file, true, where);
    r.where = get_string(*t, "where", file, false, where);
    r.buffer_m = get_number(*t, "buffer_m", file, 0.0, where, kBufferRange);
    std::string sev = get_string(*t, "severity", file, false, where);
    if (!sev.empty()) {
      const toml::node* sn = t->get("severity");
      r.severity = parse_severity(sev, pos_of(*sn, file).str() + ": " + where);
    }
    r.basis = get_string(*t, "basis", file, false, where);
    r.note = get_string(*t, "note", file, false, where);
    r.penalty = get_number(*t, "penalty", file, 0.0, where, kPenaltyRange);
    // A later file (the project) replaces a profile's rule of the same id.
    bool replaced = false;
    for (auto& existing : proj.rules)
      if (existing.id == r.id && existing.pos.file != file) {
        existing = r;
        replaced = true;
      }
    if (!replaced) proj.rules.push_back(std::move(r));
  }
}

// [[breakdown]]
void parse_breakdowns(Project& proj, const toml::node& node, const std::string& file) {
  for (const toml::table* t : tables_at(node, file, "breakdown")) {
    check_keys(*t, {"id", "name", "layer", "field"}, file, "[[breakdown]]");
    BreakdownSpec b;
    b.pos = pos_of(*t, file);
    b.id = get_string(*t, "id", file, true, "[[breakdown]]");
    b.name = get_string(*t, "name", file, false, "[[breakdown]]");
    b.layer = get_string(*t, "layer", file, true, "[[breakdown]]");
    b.field = get_string(*t, "field", file, true, "[[breakdown]]");
    proj.breakdowns.push_back(std::move(b));
  }
}

void parse_into(Project& proj, const std::string& text, const std::string& file, int depth) {
  if (depth > 8) throw InputError(file + ": profiles include each other too deeply (a cycle?)");
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    const auto& s = e.source();
    throw InputError(fmt::format("{}:{}:{}: TOML syntax error: {}", file, s.begin.line,
                                 s.begin.column, e.description()));
  }
  check_keys(root,
             {"project", "layers", "constraint", "breakdown", "profile", "factor", "suitability"},
             file, "the file");

  // Profiles first, so the project's own settings override them.
  if (const toml::node* prof = root.get("profile")) {
    std::vector<std::string> paths;
    auto path_of = [&](const toml::node& n) {
      if (!n.is_string() || n.value<std::string>()->empty())
        throw InputError(fmt::format("{}: 'profile' must be a path or a list of paths, not {}",
                                     pos_of(n, file).str(), describe_node(n)));
      paths.push_back(*n.value<std::string>());
    };
    if (const auto* arr = prof->as_array())
      for (const auto& item : *arr) path_of(item);
    else
      path_of(*prof);
    for (const auto& p : paths) parse_file_into(proj, resolve_source(p, file), depth + 1);
  }

  if (const toml::node* pn = root.get("project")) parse_project_table(proj, *pn, file);
  if (const toml::node* ln = root.get("layers")) parse_layers(proj, *ln, file);
  if (const toml::node* cn = root.get("constraint")) parse_constraints(proj, *cn, file);
  if (const toml::node* fn = root.get("factor")) parse_factors(proj, *fn, file);
  if (const toml::node* sn = root.get("suitability")) parse_suitability(proj, *sn, file);

  if (const toml::node* bn = root.get("breakdown")) parse_breakdowns(proj, *bn, file);
}

}  // namespace

Project parse_project(const std::string& text, const std::string& path) {
  Project p;
  p.path = path;
  parse_into(p, text, path, 0);
  p.validate();
  return p;
}

Project load_project(const std::string& path, bool check_refs) {
  Project p;
  p.path = path;
  parse_file_into(p, path, 0);
  if (check_refs) p.validate();
  return p;
}

}  // namespace siteplan
