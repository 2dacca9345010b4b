#include "export/xlsx.hpp"

#include <fmt/core.h>
#include <ogrsf_frmts.h>

#include "core/error.hpp"
#include "gis/gdal.hpp"

namespace siteplan::out {

void write_xlsx(const std::string& path, const std::vector<Table>& tables) {
  gis::init_gdal();
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("XLSX");
  if (!drv) throw RuntimeError("GDAL has no XLSX driver");
  gis::GdalErrorCapture capture;
  GDALDatasetUniquePtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) throw RuntimeError(fmt::format("{}: cannot create: {}", path, capture.first_error()));
  for (const auto& t : tables) {
    OGRLayer* l = ds->CreateLayer(t.sheet.c_str(), nullptr, wkbNone, nullptr);
    if (!l) throw RuntimeError(fmt::format("{}: cannot create sheet {}", path, t.sheet));
    for (const auto& c : t.columns) {
      OGRFieldDefn f(c.name.c_str(), c.type == Table::Type::Real      ? OFTReal
                                     : c.type == Table::Type::Integer ? OFTInteger64
                                                                      : OFTString);
      if (l->CreateField(&f) != OGRERR_NONE)
        throw RuntimeError(fmt::format("{}: cannot create column {}.{}", path, t.sheet, c.name));
    }
    for (const auto& row : t.rows) {
      OGRFeature f(l->GetLayerDefn());
      for (std::size_t i = 0; i < row.size() && i < t.columns.size(); ++i) {
        const int k = static_cast<int>(i);
        if (const auto* s = std::get_if<std::string>(&row[i]))
          f.SetField(k, s->c_str());
        else if (const auto* d = std::get_if<double>(&row[i]))
          f.SetField(k, *d);
        else if (const auto* n = std::get_if<long long>(&row[i]))
          f.SetField(k, static_cast<GIntBig>(*n));
      }
      if (l->CreateFeature(&f) != OGRERR_NONE)
        throw RuntimeError(fmt::format("{}: cannot write a row of {}", path, t.sheet));
    }
  }
  ds.reset();  // the workbook is written when closed
  if (capture.has_error()) throw RuntimeError(fmt::format("{}: {}", path, capture.first_error()));
}

}  // namespace siteplan::out
