#pragma once
// A static index of axis-aligned boxes answering "does this box come near any of them?".
// Used to read only the constraint features near some parcel: a feature far from every parcel
// envelope is skipped before it is converted, validated or indexed.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "gis/crs.hpp"

namespace siteplan::gis {

class BoxIndex {
 public:
  BoxIndex() = default;
  // Boxes that are not valid are ignored. `margin` widens every box on all sides.
  explicit BoxIndex(const std::vector<Extent>& boxes, double margin = 0.0);

  bool empty() const { return boxes_.empty(); }
  std::size_t size() const { return boxes_.size(); }
  // True when `e` intersects (or touches) at least one box.
  bool intersects_any(const Extent& e) const;
  // The smallest extent holding every box.
  const Extent& bounds() const { return bounds_; }

 private:
  std::vector<Extent> boxes_;
  Extent bounds_;
  double cell_ = 1.0;
  std::int64_t nx_ = 0, ny_ = 0;
  std::vector<std::uint32_t> start_;  // CSR: boxes of cell c are ids_[start_[c] .. start_[c+1])
  std::vector<std::uint32_t> ids_;
  std::vector<std::uint32_t> large_;  // boxes over too many cells, tested one by one
};

}  // namespace siteplan::gis
