#include "gis/box_index.hpp"

#include <algorithm>
#include <cmath>

namespace siteplan::gis {

BoxIndex::BoxIndex(const std::vector<Extent>& boxes, double margin) {
  for (const auto& b : boxes) {
    if (!b.valid) continue;
    Extent e = b;
    e.minx -= margin;
    e.miny -= margin;
    e.maxx += margin;
    e.maxy += margin;
    boxes_.push_back(e);
    bounds_.expand(e);
  }
  if (boxes_.empty()) return;
  // Cells about twice the median box size: a box spans few cells and a cell holds few boxes.
  std::vector<double> sizes;
  sizes.reserve(boxes_.size());
  for (const auto& e : boxes_) sizes.push_back(std::max(e.maxx - e.minx, e.maxy - e.miny));
  std::nth_element(sizes.begin(), sizes.begin() + static_cast<std::ptrdiff_t>(sizes.size() / 2),
                   sizes.end());
  const double w = bounds_.maxx - bounds_.minx, h = bounds_.maxy - bounds_.miny;
  cell_ = std::max({2.0 * sizes[sizes.size() / 2], 1e-9, std::max(w, h) / 1024.0});
  nx_ = static_cast<std::int64_t>(std::floor(w / cell_)) + 1;
  ny_ = static_cast<std::int64_t>(std::floor(h / cell_)) + 1;
  auto cell_range = [&](const Extent& e, std::int64_t& x0, std::int64_t& y0, std::int64_t& x1,
                        std::int64_t& y1) {
    x0 = std::clamp<std::int64_t>(static_cast<std::int64_t>((e.minx - bounds_.minx) / cell_), 0,
                                  nx_ - 1);
    x1 = std::clamp<std::int64_t>(static_cast<std::int64_t>((e.maxx - bounds_.minx) / cell_), 0,
                                  nx_ - 1);
    y0 = std::clamp<std::int64_t>(static_cast<std::int64_t>((e.miny - bounds_.miny) / cell_), 0,
                                  ny_ - 1);
    y1 = std::clamp<std::int64_t>(static_cast<std::int64_t>((e.maxy - bounds_.miny) / cell_), 0,
                                  ny_ - 1);
  };
  // Boxes spanning very many cells (a county-wide parcel among field-sized ones) are kept apart
  // and tested one by one, so the cell lists stay small whatever the mix of sizes.
  constexpr std::int64_t kMaxCells = 4096;
  std::vector<char> in_grid(boxes_.size(), 1);
  for (std::size_t i = 0; i < boxes_.size(); ++i) {
    std::int64_t x0, y0, x1, y1;
    cell_range(boxes_[i], x0, y0, x1, y1);
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > kMaxCells) {
      in_grid[i] = 0;
      large_.push_back(static_cast<std::uint32_t>(i));
    }
  }
  std::vector<std::uint32_t> count(static_cast<std::size_t>(nx_ * ny_) + 1, 0);
  for (std::size_t i = 0; i < boxes_.size(); ++i) {
    if (!in_grid[i]) continue;
    const auto& e = boxes_[i];
    std::int64_t x0, y0, x1, y1;
    cell_range(e, x0, y0, x1, y1);
    for (std::int64_t y = y0; y <= y1; ++y)
      for (std::int64_t x = x0; x <= x1; ++x) ++count[static_cast<std::size_t>(y * nx_ + x)];
  }
  start_.assign(count.size(), 0);
  for (std::size_t c = 1; c < count.size(); ++c) start_[c] = start_[c - 1] + count[c - 1];
  ids_.resize(start_.back());
  std::vector<std::uint32_t> fill(start_.begin(), start_.end() - 1);
  for (std::size_t i = 0; i < boxes_.size(); ++i) {
    if (!in_grid[i]) continue;
    std::int64_t x0, y0, x1, y1;
    cell_range(boxes_[i], x0, y0, x1, y1);
    for (std::int64_t y = y0; y <= y1; ++y)
      for (std::int64_t x = x0; x <= x1; ++x)
        ids_[fill[static_cast<std::size_t>(y * nx_ + x)]++] = static_cast<std::uint32_t>(i);
  }
}

bool BoxIndex::intersects_any(const Extent& e) const {
  if (boxes_.empty() || !e.valid || !e.intersects(bounds_)) return false;
  for (std::uint32_t i : large_)
    if (e.intersects(boxes_[i])) return true;
  auto clampx = [&](double v) {
    return std::clamp<std::int64_t>(static_cast<std::int64_t>((v - bounds_.minx) / cell_), 0,
                                    nx_ - 1);
  };
  auto clampy = [&](double v) {
    return std::clamp<std::int64_t>(static_cast<std::int64_t>((v - bounds_.miny) / cell_), 0,
                                    ny_ - 1);
  };
  const std::int64_t x0 = clampx(e.minx), x1 = clampx(e.maxx);
  const std::int64_t y0 = clampy(e.miny), y1 = clampy(e.maxy);
  if ((x1 - x0 + 1) * (y1 - y0 + 1) > static_cast<std::int64_t>(boxes_.size())) {
    // A query wider than the boxes are many: a plain scan is cheaper than the cells.
    for (const auto& b : boxes_)
      if (e.intersects(b)) return true;
    return false;
  }
  for (std::int64_t y = y0; y <= y1; ++y)
    for (std::int64_t x = x0; x <= x1; ++x) {
      const auto c = static_cast<std::size_t>(y * nx_ + x);
      for (std::uint32_t k = start_[c]; k < start_[c + 1]; ++k)
        if (e.intersects(boxes_[ids_[k]])) return true;
    }
  return false;
}

}  // namespace siteplan::gis
