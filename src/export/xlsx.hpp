#pragma once
// Excel workbooks through GDAL's XLSX driver: one sheet per table, a header row, numbers as
// numbers (so a planner can sum them) and text as text.
#include <string>
#include <variant>
#include <vector>

namespace siteplan::out {

using Cell = std::variant<std::monostate, std::string, double, long long>;

struct Table {
  enum class Type { Text, Real, Integer };
  struct Column {
    std::string name;
    Type type = Type::Text;
  };
  std::string sheet;  // ≤ 31 characters, no []:*?/\ (Excel's rules)
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;  // one Cell per column
};

// Writes `tables` as the sheets of a new workbook at `path`. Throws RuntimeError.
void write_xlsx(const std::string& path, const std::vector<Table>& tables);

}  // namespace siteplan::out
