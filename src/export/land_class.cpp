#include "export/land_class.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace siteplan::out {

namespace {
// GB/T 21010-2017 (表 A.1) first- and second-level classes, plus the 三调 working classes
// (表 A.2: 00 湿地, 05H1, 08H1, 08H2) and the 城镇村及工矿用地 classes (表 A.3: 201 … 205).
constexpr std::array<std::pair<std::string_view, std::string_view>, 95> kClasses{{
    {"00", "湿地"},
    {"01", "耕地"},
    {"0101", "水田"},
    {"0102", "水浇地"},
    {"0103", "旱地"},
    {"02", "种植园用地"},
    {"0201", "果园"},
    {"0202", "茶园"},
    {"0203", "橡胶园"},
    {"0204", "其他园地"},
    {"03", "林地"},
    {"0301", "乔木林地"},
    {"0302", "竹林地"},
    {"0303", "红树林地"},
    {"0304", "森林沼泽"},
    {"0305", "灌木林地"},
    {"0306", "灌丛沼泽"},
    {"0307", "其他林地"},
    {"04", "草地"},
    {"0401", "天然牧草地"},
    {"0402", "沼泽草地"},
    {"0403", "人工牧草地"},
    {"0404", "其他草地"},
    {"05", "商服用地"},
    {"0501", "零售商业用地"},
    {"0502", "批发市场用地"},
    {"0503", "餐饮用地"},
    {"0504", "旅馆用地"},
    {"0505", "商务金融用地"},
    {"0506", "娱乐用地"},
    {"0507", "其他商服用地"},
    {"05H1", "商业服务业设施用地"},
    {"06", "工矿仓储用地"},
    {"0601", "工业用地"},
    {"0602", "采矿用地"},
    {"0603", "盐田"},
    {"0604", "仓储用地"},
    {"07", "住宅用地"},
    {"0701", "城镇住宅用地"},
    {"0702", "农村宅基地"},
    {"08", "公共管理与公共服务用地"},
    {"0801", "机关团体用地"},
    {"0802", "新闻出版用地"},
    {"0803", "教育用地"},
    {"0804", "科研用地"},
    {"0805", "医疗卫生用地"},
    {"0806", "社会福利用地"},
    {"0807", "文化设施用地"},
    {"0808", "体育用地"},
    {"0809", "公用设施用地"},
    {"0810", "公园与绿地"},
    {"08H1", "机关团体新闻出版用地"},
    {"08H2", "科教文卫用地"},
    {"09", "特殊用地"},
    {"0901", "军事设施用地"},
    {"0902", "使领馆用地"},
    {"0903", "监教场所用地"},
    {"0904", "宗教用地"},
    {"0905", "殡葬用地"},
    {"0906", "风景名胜设施用地"},
    {"10", "交通运输用地"},
    {"1001", "铁路用地"},
    {"1002", "轨道交通用地"},
    {"1003", "公路用地"},
    {"1004", "城镇村道路用地"},
    {"1005", "交通服务场站用地"},
    {"1006", "农村道路"},
    {"1007", "机场用地"},
    {"1008", "港口码头用地"},
    {"1009", "管道运输用地"},
    {"11", "水域及水利设施用地"},
    {"1101", "河流水面"},
    {"1102", "湖泊水面"},
    {"1103", "水库水面"},
    {"1104", "坑塘水面"},
    {"1105", "沿海滩涂"},
    {"1106", "内陆滩涂"},
    {"1107", "沟渠"},
    {"1108", "沼泽地"},
    {"1109", "水工建筑用地"},
    {"1110", "冰川及永久积雪"},
    {"12", "其他土地"},
    {"1201", "空闲地"},
    {"1202", "设施农用地"},
    {"1203", "田坎"},
    {"1204", "盐碱地"},
    {"1205", "沙地"},
    {"1206", "裸土地"},
    {"1207", "裸岩石砾地"},
    {"20", "城镇村及工矿用地"},
    {"201", "城市"},
    {"202", "建制镇"},
    {"203", "村庄"},
    {"204", "盐田及采矿用地"},
    {"205", "特殊用地"},
}};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view lookup(std::string_view code) {
  auto it = std::find_if(kClasses.begin(), kClasses.end(),
                         [&](const auto& c) { return c.first == code; });
  return it == kClasses.end() ? std::string_view() : it->second;
}
}  // namespace

std::string land_class_name(std::string_view code) {
  code = trim(code);
  if (code.empty()) return "";
  std::string upper(code);
  for (auto& ch : upper)
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  if (auto name = lookup(upper); !name.empty()) return std::string(name);
  // 201A / 202A / 203A: the 独立工业用地 of a city, town or village.
  if (upper.size() == 4 && upper.back() == 'A')
    if (auto name = lookup(std::string_view(upper).substr(0, 3)); !name.empty())
      return std::string(name) + "独立工业用地";
  if (upper.size() > 1 && upper.back() == 'K')
    if (auto name = lookup(std::string_view(upper).substr(0, upper.size() - 1)); !name.empty())
      return std::string(name) + " (可调整)";
  return "";
}

std::string land_class_label(std::string_view code) {
  std::string name = land_class_name(code);
  std::string c(trim(code));
  return name.empty() ? c : c + " " + name;
}

}  // namespace siteplan::out
