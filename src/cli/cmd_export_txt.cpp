// siteplan export-txt SRC[:LAYER] --out FILE.txt — any polygon layer as a Ministry coordinate
// TXT (建设用地报批 / 勘测定界 坐标文件), GBK by default.
#include <fmt/core.h>

#include <cstdio>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "io/coord_txt.hpp"
#include "io/source.hpp"
#include "project/project.hpp"

namespace siteplan::cli {
namespace {
struct ExportTxtArgs {
  std::string source;
  std::string out;
  std::string where;
  io::CoordTxtWriteOptions options;
} g_export;
}  // namespace

void register_export_txt(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "export-txt",
      "write a polygon layer as a coordinate file (建设用地报批 / 勘测定界 坐标文件)");
  sub->add_option("source", g_export.source, "polygon layer, PATH[:LAYER]")->required();
  sub->add_option("--out", g_export.out, "the .txt file to write")->required();
  sub->add_option("--where", g_export.where,
                  "OGR SQL filter choosing the parcels, e.g. \"verdict = 'clear'\" on "
                  "clearance.gpkg:parcels or \"rank <= 3\" on candidates.gpkg:candidates");
  sub->add_option("--id-field", g_export.options.id_field,
                  "field for 地块编号 (default: a field named 地块编号, else 1, 2, ...)");
  sub->add_option("--name-field", g_export.options.name_field,
                  "field for 地块名称 (default: a field named 地块名称)");
  sub->add_option("--use-field", g_export.options.use_field,
                  "field for 地块用途 (default: a field named 地块用途)");
  sub->add_option("--class-field", g_export.options.class_field,
                  "field for 地类编码 (default: a field named 地类编码)");
  sub->add_option("--crs", g_export.options.crs,
                  "Gauss-Krüger CRS to write in, e.g. EPSG:4542 (default: the layer's)");
  sub->add_flag("--prefixed", g_export.options.prefixed,
                "write eastings with the zone prefix (always so for EPSG:4513-style CRSs)");
  sub->add_option("--encoding", g_export.options.encoding, "GBK (default) or UTF-8");
  sub->add_option("--producer", g_export.options.producer, "数据产生单位");
  sub->add_option("--date", g_export.options.date, "数据产生日期 (default: today, as 2024-5-1)");
}

int run_export_txt() {
  SourceRef ref = split_source_ref(g_export.source);
  auto ds = io::open_source(ref.path, "", ref.layer, g_export.options.id_field);
  OGRLayer* layer = io::pick_layer(*ds, ref.path, ref.layer);
  io::apply_filter(*layer, ref.path, g_export.where);
  const std::size_t n =
      io::write_coord_txt(*layer, g_export.source, g_export.out, g_export.options);
  std::printf("%zu parcels\nwrote %s\n", n, g_export.out.c_str());
  return 0;
}

}  // namespace siteplan::cli
