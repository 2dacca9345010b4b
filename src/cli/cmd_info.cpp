// siteplan info PROJECT.toml | DATASET — layers, CRSs, extents, fields, geometry health.
#include <cstdio>
#include <filesystem>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "gis/geos.hpp"
#include "io/info.hpp"
#include "project/project.hpp"

namespace siteplan::cli {
namespace {
struct InfoArgs {
  std::string target;
  std::string crs;
  std::string encoding;
  std::string format = "text";
} g_info;
}  // namespace

void register_info(CLI::App& app) {
  auto* sub = app.add_subcommand("info", "describe a project's layers or any GDAL data set");
  sub->add_option("target", g_info.target, "a project file (.toml) or a data set (PATH[:LAYER])")
      ->required();
  sub->add_option("--crs", g_info.crs,
                  "working CRS for a data set (default: its own, or the "
                  "CGCS2000 3-degree GK zone of its centre)");
  sub->add_option("--encoding", g_info.encoding,
                  "attribute encoding of a legacy data set, e.g. GBK");
  sub->add_option("--format", g_info.format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
}

int run_info() {
  gis::GeosContext ctx;
  io::InfoReport report;
  const auto& t = g_info.target;
  if (std::filesystem::path(t).extension() == ".toml") {
    Project p = load_project(t);
    report = io::info_for_project(p, ctx);
  } else {
    SourceRef ref = split_source_ref(t);
    report = io::info_for_dataset(ref.path, ref.layer, g_info.crs, g_info.encoding, ctx);
  }
  std::string text =
      g_info.format == "json" ? io::format_info_json(report) : io::format_info_text(report);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace siteplan::cli
