#include "export/xlsx.hpp"

#include <fmt/core.h>
#include <ogrsf_frmts.h>

#include "core/error.hpp"
#include "gis/gdal.hpp"

namespace siteplan::out {

struct XlsxWriter::Impl {
  std::string path;
  gis::GdalErrorCapture capture;
  GDALDatasetUniquePtr ds;
  OGRLayer* layer = nullptr;
  std::string sheet;
  std::size_t columns = 0;
};

XlsxWriter::XlsxWriter(const std::string& path) : impl_(std::make_unique<Impl>()) {
  gis::init_gdal();
  impl_->path = path;
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("XLSX");
  if (!drv) throw RuntimeError("GDAL has no XLSX driver");
  impl_->ds.reset(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!impl_->ds)
    throw RuntimeError(fmt::format("{}: cannot create: {}", path, impl_->capture.first_error()));
}

XlsxWriter::~XlsxWriter() = default;

void XlsxWriter::sheet(const std::string& name, const std::vector<Table::Column>& columns) {
  Impl& m = *impl_;
  m.layer = m.ds->CreateLayer(name.c_str(), nullptr, wkbNone, nullptr);
  if (!m.layer) throw RuntimeError(fmt::format("{}: cannot create sheet {}", m.path, name));
  m.sheet = name;
  m.columns = columns.size();
  for (const auto& c : columns) {
    OGRFieldDefn f(c.name.c_str(), c.type == Table::Type::Real      ? OFTReal
                                   : c.type == Table::Type::Integer ? OFTInteger64
                                                                    : OFTString);
    if (m.layer->CreateField(&f) != OGRERR_NONE)
      throw RuntimeError(fmt::format("{}: cannot create column {}.{}", m.path, name, c.name));
  }
}

void XlsxWriter::row(const std::vector<Cell>& cells) {
  Impl& m = *impl_;
  if (!m.layer) throw RuntimeError(fmt::format("{}: a row before any sheet", m.path));
  OGRFeature f(m.layer->GetLayerDefn());
  for (std::size_t i = 0; i < cells.size() && i < m.columns; ++i) {
    const int k = static_cast<int>(i);
    if (const auto* s = std::get_if<std::string>(&cells[i]))
      f.SetField(k, s->c_str());
    else if (const auto* d = std::get_if<double>(&cells[i]))
      f.SetField(k, *d);
    else if (const auto* n = std::get_if<long long>(&cells[i]))
      f.SetField(k, static_cast<GIntBig>(*n));
  }
  if (m.layer->CreateFeature(&f) != OGRERR_NONE)
    throw RuntimeError(fmt::format("{}: cannot write a row of {}", m.path, m.sheet));
}

void XlsxWriter::close() {
  Impl& m = *impl_;
  // The workbook is written when closed; its zip is deflated in parallel (GDAL's /vsizip/ writer
  // takes GDAL_NUM_THREADS), for this thread only. A fixed count, not ALL_CPUS: the bytes of the
  // file depend on it, and they must not depend on the machine (an MPI rank bound to one core
  // writes the same file as a process on two).
  const std::string before = CPLGetThreadLocalConfigOption("GDAL_NUM_THREADS", "");
  CPLSetThreadLocalConfigOption("GDAL_NUM_THREADS", "2");
  m.ds.reset();
  CPLSetThreadLocalConfigOption("GDAL_NUM_THREADS", before.empty() ? nullptr : before.c_str());
  if (m.capture.has_error())
    throw RuntimeError(fmt::format("{}: {}", m.path, m.capture.first_error()));
}

void write_xlsx(const std::string& path, const std::vector<Table>& tables) {
  XlsxWriter w(path);
  for (const auto& t : tables) {
    w.sheet(t.sheet, t.columns);
    for (const auto& r : t.rows) w.row(r);
  }
  w.close();
}

}  // namespace siteplan::out
