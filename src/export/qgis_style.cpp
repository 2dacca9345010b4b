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

std::string qml_hatch_layer(const style::Rgb& c, double angle, double spacing_mm, double width_mm,
                            int pass) {
  return fmt::format(
      R"(        <layer class="LinePatternFill" enabled="1" locked="0" pass="{5}">
          <Option type="Map">
            <Option name="angle" type="QString" value="{0}"/>
            <Option name="color" type="QString" value="{1},{2},{3},255"/>
            <Option name="distance" type="QString" value="{4}"/>
            <Option name="distance_unit" type="QString" value="MM"/>
            <Option name="line_width" type="QString" value="{6}"/>
            <Option name="line_width_unit" type="QString" value="MM"/>
            <Option name="offset" type="QString" value="0"/>
            <Option name="offset_unit" type="QString" value="MM"/>
            <Option name="outline_width_unit" type="QString" value="MM"/>
          </Option>
          <symbol name="@hatch" type="line" alpha="1" clip_to_extent="1" force_rhr="0">
            <layer class="SimpleLine" enabled="1" locked="0" pass="0">
              <Option type="Map">
                <Option name="line_color" type="QString" value="{1},{2},{3},255"/>
                <Option name="line_style" type="QString" value="solid"/>
                <Option name="line_width" type="QString" value="{6}"/>
                <Option name="line_width_unit" type="QString" value="MM"/>
              </Option>
            </layer>
          </symbol>
        </layer>
)",
      angle, c.r, c.g, c.b, spacing_mm, pass, width_mm);
}

std::string qml_outline_layer(const style::Rgb& c, double width_mm, int pass) {
  return fmt::format(
      R"(        <layer class="SimpleLine" enabled="1" locked="0" pass="{}">
          <Option type="Map">
            <Option name="line_color" type="QString" value="{},{},{},255"/>
            <Option name="line_style" type="QString" value="solid"/>
            <Option name="line_width" type="QString" value="{}"/>
            <Option name="line_width_unit" type="QString" value="MM"/>
            <Option name="joinstyle" type="QString" value="miter"/>
          </Option>
        </layer>
)",
      pass, c.r, c.g, c.b, width_mm);
}

std::string qml_solid_layer(const style::Rgb& c, int alpha, int pass) {
  return fmt::format(
      R"(        <layer class="SimpleFill" enabled="1" locked="0" pass="{}">
          <Option type="Map">
            <Option name="color" type="QString" value="{},{},{},{}"/>
            <Option name="outline_style" type="QString" value="no"/>
            <Option name="style" type="QString" value="solid"/>
          </Option>
        </layer>
)",
      pass, c.r, c.g, c.b, alpha);
}

std::string qml_symbol(const std::string& name, const std::string& layers) {
  return fmt::format(
      R"(      <symbol name="{}" type="fill" alpha="1" clip_to_extent="1" force_rhr="0">
{}      </symbol>
)",
      text::html_escape(name), layers);
}

namespace {
const char* kQmlHead = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n";

std::string severity_symbol_layers(const style::OverlapStyle& o, bool cross) {
  // Hatch and outline of one severity share its level, so a higher severity's whole symbol
  // lies on top of a lower one's.
  std::string layers;
  if (o.hatch || cross)
    layers +=
        qml_hatch_layer(o.colour, o.hatch_angle, o.hatch_spacing_mm, o.hatch_width_mm, o.level);
  if (cross)
    layers += qml_hatch_layer(o.colour, o.hatch_angle + 90, o.hatch_spacing_mm, o.hatch_width_mm,
                              o.level);
  layers += qml_outline_layer(o.colour, o.outline_mm, o.level);
  return layers;
}

style::OverlapStyle overlap_style(const char* severity) {
  const auto& st = style::styles();
  auto it = st.overlap.find(severity);
  return it != st.overlap.end() ? it->second : style::OverlapStyle{};
}

std::string label_block(const std::string& field) {
  const auto& fonts = style::styles().fonts;
  return fmt::format(R"(  <labeling type="simple">
    <settings calloutType="simple">
      <text-style fieldName="{}" fontFamily="{}" fontSize="9" textColor="35,35,35,255" isExpression="0"/>
      <text-buffer bufferDraw="1" bufferSize="1" bufferColor="255,255,255,255"/>
      <placement placement="1"/>
    </settings>
  </labeling>
)",
                     text::html_escape(field),
                     text::html_escape(fonts.empty() ? "Noto Sans CJK SC" : fonts.front()));
}
}  // namespace

std::string qml_overlaps_by_severity() {
  static const std::pair<const char*, const char*> kLabels[] = {{"block", "block 禁止占用"},
                                                                {"approval", "approval 需审批"},
                                                                {"warn", "warn 提示"},
                                                                {"info", "info 信息"}};
  std::string categories, symbols;
  int i = 0;
  for (const auto& [sev, label] : kLabels) {
    categories += fmt::format(R"(      <category render="true" symbol="{}" value="{}" label="{}"/>
)",
                              i, sev, label);
    symbols += qml_symbol(std::to_string(i), severity_symbol_layers(overlap_style(sev), false));
    ++i;
  }
  return fmt::format(R"({}<qgis version="3.28.0" styleCategories="Symbology">
  <renderer-v2 type="categorizedSymbol" attr="severity" enableorderby="0" forceraster="0" symbollevels="1">
    <categories>
{}    </categories>
    <symbols>
{}    </symbols>
  </renderer-v2>
  <blendMode>0</blendMode>
  <featureBlendMode>0</featureBlendMode>
  <layerOpacity>1</layerOpacity>
</qgis>
)",
                     kQmlHead, categories, symbols);
}

std::string qml_candidates(const std::string& label_field) {
  const auto& st = style::styles();
  const auto& ramp = st.score_ramp;
  const int n = static_cast<int>(ramp.size());
  std::string rules, symbols;
  for (int i = 0; i < n; ++i) {
    const double lo = static_cast<double>(i) / n, hi = static_cast<double>(i + 1) / n;
    const bool last = i + 1 == n;
    rules += fmt::format(
        R"(      <rule key="score{}" symbol="{}" label="{:.2f} – {:.2f}" filter="&quot;score&quot; &gt;= {:.6f} AND &quot;score&quot; {} {:.6f}"/>
)",
        i, i, lo, hi, lo, last ? "&lt;=" : "&lt;", hi);
    symbols +=
        qml_symbol(std::to_string(i), qml_solid_layer(ramp[static_cast<std::size_t>(i)], 220, 0) +
                                          qml_outline_layer(st.outline, st.outline_width_mm, 0));
  }
  rules += fmt::format(
      R"(      <rule key="unscored" symbol="{}" label="not scored 未评分" filter="&quot;score&quot; IS NULL"/>
)",
      n);
  symbols +=
      qml_symbol(std::to_string(n), qml_solid_layer({200, 200, 200}, 200, 0) +
                                        qml_outline_layer(st.outline, st.outline_width_mm, 0));
  rules += fmt::format(
      R"(      <rule key="blocked" symbol="{}" label="touches blocked land 压占禁止区" filter="&quot;blocked&quot; = 'yes'"/>
)",
      n + 1);
  style::OverlapStyle b = overlap_style("block");
  b.level = 1;
  symbols += qml_symbol(std::to_string(n + 1), severity_symbol_layers(b, true));
  return fmt::format(R"({}<qgis version="3.28.0" styleCategories="Symbology|Labeling">
  <renderer-v2 type="RuleRenderer" enableorderby="0" forceraster="0" symbollevels="1">
    <rules key="root">
{}    </rules>
    <symbols>
{}    </symbols>
  </renderer-v2>
{}  <blendMode>0</blendMode>
  <featureBlendMode>0</featureBlendMode>
  <layerOpacity>1</layerOpacity>
</qgis>
)",
                     kQmlHead, rules, symbols, label_block(label_field));
}

std::string qml_score_raster() {
  const auto& st = style::styles();
  const auto& ramp = st.score_ramp;
  const int n = static_cast<int>(ramp.size());
  // DISCRETE: each item colours the values up to its own value; −1 (blocked) is a class of its
  // own, below every score. -9999 is the band's nodata and stays transparent.
  std::string items = fmt::format(
      R"q(          <item alpha="255" value="-0.5" label="blocked land 禁止建设 (−1)" color="{}"/>
)q",
      st.raster_blocked.hex());
  for (int i = 0; i < n; ++i) {
    const double lo = static_cast<double>(i) / n, hi = static_cast<double>(i + 1) / n;
    items += fmt::format(
        R"(          <item alpha="255" value="{:.6f}" label="{:.2f} – {:.2f}" color="{}"/>
)",
        i + 1 == n ? 1.0 : hi, lo, hi, ramp[static_cast<std::size_t>(i)].hex());
  }
  return fmt::format(R"({}<qgis version="3.28.0" styleCategories="Symbology">
  <pipe>
    <provider>
      <resampling enabled="false" zoomedInResamplingMethod="nearestNeighbour" zoomedOutResamplingMethod="nearestNeighbour" maxOversampling="2"/>
    </provider>
    <rasterrenderer type="singlebandpseudocolor" band="1" opacity="1" alphaBand="-1" classificationMin="-1" classificationMax="1" nodataColor="">
      <rasterTransparency/>
      <minMaxOrigin>
        <limits>None</limits>
        <extent>WholeRaster</extent>
        <statAccuracy>Estimated</statAccuracy>
        <cumulativeCutLower>0.02</cumulativeCutLower>
        <cumulativeCutUpper>0.98</cumulativeCutUpper>
        <stdDevFactor>2</stdDevFactor>
      </minMaxOrigin>
      <rastershader>
        <colorrampshader colorRampType="DISCRETE" classificationMode="1" clip="1" minimumValue="-1" maximumValue="1" labelPrecision="2">
{}        </colorrampshader>
      </rastershader>
    </rasterrenderer>
    <brightnesscontrast brightness="0" contrast="0" gamma="1"/>
    <huesaturation saturation="0" grayscaleMode="0" colorizeOn="0" invertColors="0"/>
    <rasterresampler maxOversampling="2"/>
    <resamplingStage>resamplingFilter</resamplingStage>
  </pipe>
  <blendMode>0</blendMode>
</qgis>
)",
                     kQmlHead, items);
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
