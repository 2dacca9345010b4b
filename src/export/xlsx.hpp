#pragma once
// Excel workbooks through GDAL's XLSX driver: one sheet per table, a header row, numbers as
// numbers (so a planner can sum them) and text as text.
#include <memory>
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

// The same, a row at a time (rows may come while they are being computed); the workbook is
// written by close(). Throws RuntimeError.
class XlsxWriter {
 public:
  explicit XlsxWriter(const std::string& path);
  ~XlsxWriter();
  XlsxWriter(const XlsxWriter&) = delete;
  XlsxWriter& operator=(const XlsxWriter&) = delete;
  void sheet(const std::string& name, const std::vector<Table::Column>& columns);
  void row(const std::vector<Cell>& cells);
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace siteplan::out
