#pragma once
// Text helpers of the coordinate-TXT reader and writer (coord_txt.cpp, coord_txt_write.cpp):
// iconv with the offset of the first bad byte, and the small parsing steps of its lines.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace siteplan::io::txt {

struct Recoded {
  std::string text;
  std::size_t bad = std::string::npos;  // offset of the first byte that could not be converted
};
// iconv from one encoding to another; stops at the first unconvertible byte. Throws InputError
// for an encoding iconv does not know.
Recoded recode(std::string_view in, const std::string& from, const std::string& to);
std::string normalize_encoding(const std::string& e);  // upper case; "UTF8" → "UTF-8"
int line_of(std::string_view s, std::size_t offset);   // 1-based line of a byte offset
std::string_view trim(std::string_view s);             // spaces, tabs and CR
std::vector<std::string> split(std::string_view s, char sep);
std::optional<double> to_double(std::string_view s);  // the whole (trimmed) text, or nothing
std::optional<long> to_long(std::string_view s);

}  // namespace siteplan::io::txt
