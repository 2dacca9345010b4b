#pragma once
// Opening vector sources: a GDAL data set (file or connection string), one of its layers, and an
// attribute filter checked against the layer's fields before anything is read. Every failure is
// an InputError naming the source, the layer or the field, with the nearest name suggested.
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <string>
#include <vector>

namespace siteplan::io {

// `what` names the layer in "no such file" messages. `encoding` is passed as the ENCODING open
// option (honoured by the shapefile driver). A Ministry coordinate TXT and a vertex table (CSV,
// XLSX, ODS of boundary points; io/vertex_table.hpp, whose parcels are grouped by `id_field`)
// come back as in-memory data sets of parcels.
GDALDatasetUniquePtr open_source(const std::string& source, const std::string& encoding,
                                 const std::string& what, const std::string& id_field = "");
// The named layer, or the only one when `name` is empty.
OGRLayer* pick_layer(GDALDataset& ds, const std::string& source, const std::string& name);
// Identifiers in an OGR SQL filter that are neither fields nor SQL words.
std::vector<std::string> unknown_identifiers(const std::string& filter,
                                             const std::vector<std::string>& fields);
// Sets the filter, reading one feature so drivers that parse late (GPKG, PostgreSQL) fail here.
void apply_filter(OGRLayer& layer, const std::string& source, const std::string& filter);
// The attribute encoding of a layer that does not declare one: a shapefile without .cpg whose
// .dbf has no code page (or only the ANSI/Latin-1 one), or a CSV. Its string values and field
// names are read raw: all valid UTF-8 → "UTF-8", otherwise "GB18030" (which decodes GBK and
// GB2312). "" when the source declares its encoding or the format is always UTF-8.
std::string undeclared_encoding(GDALDataset& ds, OGRLayer& layer, const std::string& source,
                                const std::string& driver);
// Names of the layers of a data source.
std::vector<std::string> list_layers(const std::string& source);

}  // namespace siteplan::io
