#pragma once
// Names of the land-use classes (地类) of GB/T 21010-2017 and of the third national land survey's
// working classification (三调工作分类, TD/T 1055-2019 附录 A), so a breakdown row reads
// "0103 旱地" instead of a bare code.
#include <string>
#include <string_view>

namespace siteplan::out {

// The name of a 地类 code ("0103" → "旱地"), "" when the code is not in the table. Surrounding
// blanks are ignored; a trailing K (可调整地类, e.g. "0104K" in older surveys) is looked up
// without it and named "… (可调整)".
std::string land_class_name(std::string_view code);

// "0103 旱地" for a known code, the code itself otherwise.
std::string land_class_label(std::string_view code);

}  // namespace siteplan::out
