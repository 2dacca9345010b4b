#pragma once
// QGIS layer styles (QML) and the GeoPackage `layer_styles` table QGIS reads them from, so a
// GeoPackage written by SitePlan opens already coloured.
#include <gdal_priv.h>

#include <string>
#include <utility>
#include <vector>

#include "export/style.hpp"

namespace siteplan::out {

struct Category {
  std::string value;
  std::string label;
  style::Rgb colour;
};

// One solid fill symbol (outline from styles/siteplan.toml), numbered `index` in a renderer.
std::string qml_fill_symbol(int index, const style::Rgb& colour, int alpha);

// A categorized fill renderer on `field`, with optional labels from `label_field`.
std::string qml_categorized(const std::string& field, const std::vector<Category>& categories,
                            int alpha, const std::string& label_field = "");

// Creates (if needed) the layer_styles table and stores `qml` as the default style of `table`.
void store_qgis_style(GDALDataset& ds, const std::string& table, const std::string& geometry_column,
                      const std::string& style_name, const std::string& qml);

}  // namespace siteplan::out
