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

// Symbol layers for hand-made symbols: a hatch (LinePatternFill), an outline (SimpleLine) and a
// solid fill; `pass` is the symbol level (drawn in increasing order when symbol levels are on).
std::string qml_hatch_layer(const style::Rgb& c, double angle, double spacing_mm, double width_mm,
                            int pass);
std::string qml_outline_layer(const style::Rgb& c, double width_mm, int pass);
std::string qml_solid_layer(const style::Rgb& c, int alpha, int pass);
std::string qml_symbol(const std::string& name, const std::string& layers);

// The clearance overlap pieces, categorized by severity with the hatches and outlines of
// [overlap_style] and symbol levels (block on top).
std::string qml_overlaps_by_severity();

// Candidates: filled by score with the score ramp, given parcels touching blocked land marked
// with a red cross-hatch and outline on top (rule-based, symbol levels), labelled.
std::string qml_candidates(const std::string& label_field);

// The suitability raster: singleband pseudocolor, classes of the score ramp, blocked land (−1)
// its own class, nodata (outside the study area) transparent. Written as a .qml sidecar.
std::string qml_score_raster();

// Creates (if needed) the layer_styles table and stores `qml` as the default style of `table`.
void store_qgis_style(GDALDataset& ds, const std::string& table, const std::string& geometry_column,
                      const std::string& style_name, const std::string& qml);

}  // namespace siteplan::out
