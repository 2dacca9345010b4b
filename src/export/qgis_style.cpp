#include "export/qgis_style.hpp"

#include <fmt/core.h>
#include <ogrsf_frmts.h>

#include "core/error.hpp"
#include "core/text.hpp"

namespace siteplan::out {

std::string qml_fill_symbol(int index, const style::Rgb& c, int alpha) {
  const auto& s = style::styles();
  return fmt::format(
      R"(      <symbol name="{}" type="fill" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option name="color" type="QString" value="{},{},{},{}"/>
            <Option name="outline_color" type="QString" value="{},{},{},255"/>
            <Option name="outline_style" type="QString" value="solid"/>
            <Option name="outline_width" type="QString" value="{}"/>
            <Option name="outline_width_unit" type="QString" value="MM"/>
            <Option name="style" type="QString" value="solid"/>
          </Option>
        </layer>
      </symbol>
)",
      index, c.r, c.g, c.b, alpha, s.outline.r, s.outline.g, s.outline.b, s.outline_width_mm);
}

std::string qml_categorized(const std::string& field, const std::vector<Category>& cats, int alpha,
                            const std::string& label_field) {
  std::string categories, symbols;
  for (std::size_t i = 0; i < cats.size(); ++i) {
    categories +=
        fmt::format(R"(      <category render="true" symbol="{}" value="{}" label="{}"/>
)",
                    i, text::html_escape(cats[i].value), text::html_escape(cats[i].label));
    symbols += qml_fill_symbol(static_cast<int>(i), cats[i].colour, alpha);
  }
  std::string labeling;
  if (!label_field.empty()) {
    const auto& fonts = style::styles().fonts;
    labeling = fmt::format(R"(  <labeling type="simple">
    <settings calloutType="simple">
      <text-style fieldName="{}" fontFamily="{}" fontSize="9" textColor="35,35,35,255" isExpression="0"/>
      <text-buffer bufferDraw="1" bufferSize="1" bufferColor="255,255,255,255"/>
      <placement placement="1"/>
    </settings>
  </labeling>
)",
                           text::html_escape(label_field),
                           text::html_escape(fonts.empty() ? "Noto Sans CJK SC" : fonts.front()));
  }
  return fmt::format(R"(<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.28.0" styleCategories="Symbology|Labeling">
  <renderer-v2 type="categorizedSymbol" attr="{}" enableorderby="0" forceraster="0" symbollevels="0">
    <categories>
{}    </categories>
    <symbols>
{}    </symbols>
  </renderer-v2>
{}  <blendMode>0</blendMode>
  <featureBlendMode>0</featureBlendMode>
  <layerOpacity>1</layerOpacity>
</qgis>
)",
                     text::html_escape(field), categories, symbols, labeling);
}

void store_qgis_style(GDALDataset& ds, const std::string& table, const std::string& geometry_column,
                      const std::string& style_name, const std::string& qml) {
  OGRLayer* styles = ds.GetLayerByName("layer_styles");
  if (!styles) {
    styles = ds.CreateLayer("layer_styles", nullptr, wkbNone, nullptr);
    if (!styles) throw RuntimeError("cannot create the layer_styles table");
    auto add = [&](const char* name, OGRFieldType type, int width = 0) {
      OGRFieldDefn f(name, type);
      if (width) f.SetWidth(width);
      styles->CreateField(&f);
    };
    add("f_table_catalog", OFTString, 256);
    add("f_table_schema", OFTString, 256);
    add("f_table_name", OFTString, 256);
    add("f_geometry_column", OFTString, 256);
    add("styleName", OFTString, 30);
    add("styleQML", OFTString);
    add("styleSLD", OFTString);
    OGRFieldDefn def("useAsDefault", OFTInteger);
    def.SetSubType(OFSTBoolean);
    styles->CreateField(&def);
    add("description", OFTString);
    add("owner", OFTString, 30);
    add("ui", OFTString, 30);
    add("update_time", OFTDateTime);
  }
  OGRFeature feature(styles->GetLayerDefn());
  feature.SetField("f_table_catalog", "");
  feature.SetField("f_table_schema", "");
  feature.SetField("f_table_name", table.c_str());
  feature.SetField("f_geometry_column", geometry_column.c_str());
  feature.SetField("styleName", style_name.c_str());
  feature.SetField("styleQML", qml.c_str());
  feature.SetField("styleSLD", "");
  feature.SetField("useAsDefault", 1);
  feature.SetField("description", "SitePlan");
  feature.SetField("owner", "");
  feature.SetField("ui", "");
  feature.SetField("update_time", 2026, 1, 1, 0, 0, 0.0f, 100);
  if (styles->CreateFeature(&feature) != OGRERR_NONE)
    throw RuntimeError("cannot store the QGIS style of " + table);
}

}  // namespace siteplan::out
