#pragma once
// Small text helpers: edit distance for "did you mean" suggestions, locale-independent
// number formatting, CSV quoting.
#include <string>
#include <string_view>
#include <vector>

namespace siteplan::text {

std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `word`, or "" when none is reasonably close.
std::string nearest(std::string_view word, const std::vector<std::string>& candidates);
// CSV field per RFC 4180: quoted when it holds a comma, quote, CR or LF.
std::string csv_field(std::string_view s);
// HTML-escape & < > " '.
std::string html_escape(std::string_view s);
std::string to_lower(std::string_view s);

// Whether iconv (which GDAL's CPLRecode uses) knows the encoding name, e.g. "GBK", "GB18030".
bool encoding_known(const std::string& name);
// Whether the bytes are valid UTF-8.
bool valid_utf8(std::string_view s);
// `s` decoded from `encoding` to UTF-8; throws std::runtime_error when it is not valid there.
std::string to_utf8(std::string_view s, const std::string& encoding);

}  // namespace siteplan::text
