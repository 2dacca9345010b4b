#pragma once
// The small real test files: tests/data (SITEPLAN_TEST_DATA is set by tests/CMakeLists.txt).
#include <string>

namespace siteplan::test {

inline const std::string kData = SITEPLAN_TEST_DATA;

}  // namespace siteplan::test
