// siteplan rescore DIR --weight id=w ... [--ahp-matrix FILE] [--out DIR2] — the what-if: new
// weights on a finished suitability run (its factors.tif and run.json), without recomputing any
// factor: a new map, ranking and report with the weights recorded.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include <gdal.h>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "core/threads.hpp"
#include "engine/ahp.hpp"
#include "engine/suitability.hpp"
#include "export/map_tiles.hpp"
#include "export/output_dir.hpp"
#include "export/report_common.hpp"
#include "export/suitability_outputs.hpp"
#include "export/xlsx.hpp"

namespace siteplan::cli {
namespace {
struct RescoreArgs {
  std::string dir;
  std::vector<std::string> weights;
  std::string ahp_matrix;
  std::string out;
  int threads = 0;
} g_r;

double parse_number(const std::string& text, const std::string& where) {
  std::string t = text;
  const auto slash = t.find('/');
  try {
    std::size_t used = 0;
    if (slash != std::string::npos) {
      const double a = std::stod(t.substr(0, slash), &used);
      if (used != slash) throw std::invalid_argument(t);
      const std::string rest = t.substr(slash + 1);
      const double b = std::stod(rest, &used);
      if (used != rest.size() || !(b != 0)) throw std::invalid_argument(t);
      return a / b;
    }
    const double v = std::stod(t, &used);
    if (used != t.size()) throw std::invalid_argument(t);
    return v;
  } catch (const std::exception&) {
    throw InputError(fmt::format("{}: '{}' is not a number", where, text));
  }
}

// One row per compared factor: numbers or "a/b" fractions, separated by spaces or commas;
// '#' starts a comment.
std::vector<std::vector<double>> read_matrix(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(fmt::format("{}: cannot read the AHP matrix", path));
  std::vector<std::vector<double>> m;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (auto h = line.find('#'); h != std::string::npos) line.resize(h);
    for (char& ch : line)
      if (ch == ',' || ch == ';' || ch == '\t') ch = ' ';
    std::istringstream ss(line);
    std::vector<double> row;
    std::string tok;
    while (ss >> tok) {
      const double v = parse_number(tok, fmt::format("{}:{}", path, lineno));
      if (!std::isfinite(v) || v <= 0)
        throw InputError(fmt::format("{}:{}: AHP entries must be positive numbers", path, lineno));
      row.push_back(v);
    }
    if (!row.empty()) m.push_back(std::move(row));
  }
  for (const auto& row : m)
    if (row.size() != m.size())
      throw InputError(fmt::format("{}: the AHP matrix must be square ({} rows, a row of {})", path,
                                   m.size(), row.size()));
  return m;
}

std::vector<double> new_weights(engine::SuitabilityResult& r) {
  std::vector<double> w = r.weights;
  const auto& ids = r.factor_ids;
  if (!g_r.ahp_matrix.empty()) {
    if (!g_r.weights.empty())
      throw UsageError("give either --weight or --ahp-matrix, not both (AHP derives every weight)");
    auto m = read_matrix(g_r.ahp_matrix);
    std::vector<std::string> compared = r.ahp_ids.empty() ? ids : r.ahp_ids;
    if (m.size() != compared.size())
      throw InputError(fmt::format("{}: {} rows, but the run compares {} factors ({})",
                                   g_r.ahp_matrix, m.size(), compared.size(),
                                   fmt::join(compared, ", ")));
    engine::AhpResult a = engine::ahp(m);
    if (a.cr > 0.10)
      throw InputError(fmt::format(
          "{}: the AHP matrix is inconsistent: CR = {:.3f} > 0.10; the most inconsistent pair is "
          "'{}' vs '{}' — revise that comparison",
          g_r.ahp_matrix, a.cr, compared[a.worst_i], compared[a.worst_j]));
    std::fill(w.begin(), w.end(), 0.0);
    for (std::size_t k = 0; k < compared.size(); ++k) {
      auto it = std::find(ids.begin(), ids.end(), compared[k]);
      if (it == ids.end())
        throw InputError(fmt::format("the AHP matrix compares '{}', not a factor", compared[k]));
      w[static_cast<std::size_t>(it - ids.begin())] = a.weights[k];
    }
    r.ahp = a;
    r.ahp_matrix = m;
    r.ahp_ids = compared;
    return w;
  }
  for (const auto& text : g_r.weights) {
    const auto eq = text.find('=');
    if (eq == std::string::npos)
      throw UsageError(fmt::format("--weight {}: expected FACTOR=WEIGHT, e.g. road=0.3", text));
    const std::string id = text.substr(0, eq);
    auto it = std::find(ids.begin(), ids.end(), id);
    if (it == ids.end()) {
      std::string near = text::nearest(id, ids);
      throw InputError(fmt::format("--weight {}: no factor '{}'{}; the run's factors: {}", text, id,
                                   near.empty() ? "" : " (did you mean '" + near + "'?)",
                                   fmt::join(ids, ", ")));
    }
    const double v = parse_number(text.substr(eq + 1), "--weight " + text);
    if (!std::isfinite(v) || v < 0 || v > 1000)
      throw InputError(fmt::format("--weight {}: a weight is a number from 0 to 1000", text));
    w[static_cast<std::size_t>(it - ids.begin())] = v;
  }
  if (!g_r.weights.empty()) {
    r.ahp.reset();  // direct weights now
    r.ahp_matrix.clear();
    r.ahp_ids.clear();
  }
  double sum = 0;
  for (double x : w) sum += x;
  if (!(sum > 0)) throw InputError("every factor weight is 0");
  if (std::fabs(sum - 1.0) > 1e-9) {
    std::printf("weights sum to %.6g: rescaled to sum to 1\n", sum);
    for (auto& x : w) x /= sum;
  }
  return w;
}
}  // namespace

void register_rescore(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "rescore", "what-if: re-weight a suitability run (map, ranking, report) without recomputing");
  sub->add_option("dir", g_r.dir, "output folder of `siteplan suitability`")->required();
  sub->add_option("--weight", g_r.weights, "FACTOR=WEIGHT (repeatable); the others keep theirs");
  sub->add_option("--ahp-matrix", g_r.ahp_matrix,
                  "pairwise comparison matrix (rows of numbers or a/b), the run's AHP factors in "
                  "order");
  sub->add_option("--out", g_r.out, "output folder (default: DIR itself)");
  sub->add_option("--threads", g_r.threads, "worker threads (0 = all cores)")
      ->check(CLI::Range(0, 1024));
}

int run_rescore() {
  auto t0 = std::chrono::steady_clock::now();
  if (!CPLGetConfigOption("GDAL_CACHEMAX", nullptr)) GDALSetCacheMax64(GIntBig{64} << 20);
  const std::string out_dir = g_r.out.empty() ? g_r.dir : g_r.out;
  std::vector<std::string> files;
  engine::SuitabilityResult r;
  auto lap = [t = t0](const char* what) mutable {
    auto t1 = std::chrono::steady_clock::now();
    log::debug("{} in {:.2f} s", what, std::chrono::duration<double>(t1 - t).count());
    t = t1;
  };
  with_thread_budget(g_r.threads, [&] {
    r = out::read_suitability_run(g_r.dir);
    lap("read the run");
    std::vector<double> w = new_weights(r);
    engine::reweight(r, w);
    lap("re-weighted");
    engine::weight_sensitivity(r, 20261125);
    out::OutputDir dir(out_dir);
    out::SuitabilityMeta meta;
    meta.generated_by = std::string("siteplan ") + SITEPLAN_VERSION + " rescore";
    meta.run_date = out::run_date_utc();
    out::write_text(dir.staged("ranking.csv"), out::ranking_csv(r));
    out::write_xlsx(dir.staged("ranking.xlsx"), {out::ranking_table(r)});
    out::write_text(dir.staged("report.html"), out::suitability_html(r, meta));
    bool geometries = false;
    for (const auto& c : r.candidates) geometries |= static_cast<bool>(c.geometry);
    if (geometries) out::write_candidates_gpkg(dir.staged("candidates.gpkg"), r);
    lap("wrote the ranking and report");
    out::write_suitability_tif(dir.staged("suitability.tif"), r);
    lap("wrote suitability.tif");
    out::write_text(dir.staged("suitability.qml"), out::suitability_qml());
    out::write_text(dir.staged("run.json"), out::run_json(r));
    dir.remove_on_commit("suitability.vrt");  // the map with the new weights is this one
    namespace fs = std::filesystem;
    const bool in_place = fs::weakly_canonical(out_dir) == fs::weakly_canonical(g_r.dir);
    const std::string factors = out::factors_raster(g_r.dir);
    if (factors.ends_with(".vrt")) {
      // A tiled run (--map-tiles): its factor tiles stay; its map tiles are the old weights'.
      const std::string tiles = in_place ? "" : dir.staged_dir(out::kTilesDir);
      for (const auto& e : fs::directory_iterator(g_r.dir + "/" + out::kTilesDir)) {
        const std::string file = e.path().filename().string();
        if (file.starts_with("suitability-")) {
          if (in_place) dir.remove_on_commit(std::string(out::kTilesDir) + "/" + file);
        } else if (!in_place) {
          fs::copy_file(e.path(), tiles + "/" + file, fs::copy_options::overwrite_existing);
        }
      }
      if (!in_place)
        fs::copy_file(factors, dir.staged("factors.vrt"), fs::copy_options::overwrite_existing);
    } else if (!in_place) {
      fs::copy_file(factors, dir.staged("factors.tif"), fs::copy_options::overwrite_existing);
    }
    files = dir.commit();
  });
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%s: re-weighted without recomputing factors (%.2f s)\n", r.name.c_str(), secs);
  for (std::size_t k = 0; k < r.factor_ids.size(); ++k)
    std::printf("  %-16s %.4f -> %.4f\n", r.factor_ids[k].c_str(),
                r.what_if ? r.what_if->old_weights[k] : 0.0, r.weights[k]);
  if (r.ahp) std::printf("  AHP consistency ratio %.3f\n", r.ahp->cr);
  if (r.what_if)
    for (const auto& m : r.what_if->moves) {
      if (m.old_rank == m.new_rank) continue;
      std::printf("  %s: #%d -> %s\n", m.id.c_str(), m.old_rank,
                  m.new_rank ? fmt::format("#{}", m.new_rank).c_str() : "not ranked");
    }
  for (const auto& f : files) std::printf("wrote %s\n", f.c_str());
  return 0;
}

}  // namespace siteplan::cli
