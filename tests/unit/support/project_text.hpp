#pragma once
// Parsing project text in memory: the outcome (accepted, or the error's kind and message) and the
// line of a needle, to check that a refusal names file:line:col.
#include <algorithm>
#include <string>

#include "core/error.hpp"
#include "project/project.hpp"

namespace siteplan::test {

inline const std::string kFile = "/tmp/p/project.toml";

struct Outcome {
  bool threw = false;
  ErrorKind kind = ErrorKind::Runtime;
  std::string message;
};

inline Outcome parse(const std::string& text) {
  Outcome o;
  try {
    parse_project(text, kFile);
  } catch (const Error& e) {
    o.threw = true;
    o.kind = e.kind();
    o.message = e.what();
  }
  return o;
}

// The 1-based line of the first occurrence of `needle` in `text`.
inline long line_of(const std::string& text, const std::string& needle) {
  auto at = text.find(needle);
  return 1 + static_cast<long>(std::count(text.begin(), text.begin() + at, '\n'));
}

}  // namespace siteplan::test
