#include "io/coord_txt_text.hpp"

#include <fmt/core.h>
#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <memory>

#include "core/error.hpp"

namespace siteplan::io::txt {

// iconv from one encoding to another; stops at the first unconvertible byte.
Recoded recode(std::string_view in, const std::string& from, const std::string& to) {
  iconv_t cd = iconv_open(to.c_str(), from.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1))
    throw InputError(
        fmt::format("cannot convert from {} to {} (unknown encoding); use UTF-8, "
                    "GBK or GB18030",
                    from, to));
  std::unique_ptr<void, int (*)(iconv_t)> guard(cd, iconv_close);
  Recoded r;
  r.text.resize(in.size() * 2 + 16);
  char* inp = const_cast<char*>(in.data());
  std::size_t inleft = in.size();
  char* outp = r.text.data();
  std::size_t outleft = r.text.size();
  while (inleft > 0) {
    if (iconv(cd, &inp, &inleft, &outp, &outleft) != static_cast<std::size_t>(-1)) continue;
    if (errno == E2BIG) {
      const std::size_t used = static_cast<std::size_t>(outp - r.text.data());
      r.text.resize(r.text.size() * 2);
      outp = r.text.data() + used;
      outleft = r.text.size() - used;
      continue;
    }
    r.bad = static_cast<std::size_t>(inp - in.data());
    break;
  }
  r.text.resize(static_cast<std::size_t>(outp - r.text.data()));
  return r;
}

std::string normalize_encoding(const std::string& e) {
  std::string u;
  for (char c : e) u += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (u == "UTF8" || u == "UTF-8") return "UTF-8";
  return u;
}

int line_of(std::string_view s, std::size_t offset) {
  return 1 + static_cast<int>(std::count(s.begin(), s.begin() + std::min(offset, s.size()), '\n'));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t p = s.find(sep, start);
    out.emplace_back(trim(s.substr(start, p == std::string_view::npos ? p : p - start)));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}

std::optional<double> to_double(std::string_view s) {
  s = trim(s);
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<long> to_long(std::string_view s) {
  s = trim(s);
  long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace siteplan::io::txt
