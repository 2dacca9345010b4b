#include "engine/edt.hpp"

#include <algorithm>
#include <limits>

namespace siteplan::engine {

void vertical_distances(const std::uint8_t* mask, int rows, int nx, int out0, int out1,
                        std::uint16_t* out) {
  const auto w = static_cast<std::size_t>(nx);
  // Downward sweep: rows since the last feature above (or on) the cell; then upward, the same
  // from below, keeping the smaller. Row by row, so the mask is read in memory order.
  std::vector<int> last(w, -1);
  for (int r = 0; r < out1; ++r) {
    const std::uint8_t* m = mask + static_cast<std::size_t>(r) * w;
    for (std::size_t c = 0; c < w; ++c)
      if (m[c]) last[c] = r;
    if (r < out0) continue;
    std::uint16_t* o = out + static_cast<std::size_t>(r - out0) * w;
    for (std::size_t c = 0; c < w; ++c) {
      const int d = last[c] < 0 ? kMaxVertical + 1 : r - last[c];
      o[c] = d > kMaxVertical ? kNoVertical : static_cast<std::uint16_t>(d);
    }
  }
  std::fill(last.begin(), last.end(), -1);
  for (int r = rows - 1; r >= out0; --r) {
    const std::uint8_t* m = mask + static_cast<std::size_t>(r) * w;
    for (std::size_t c = 0; c < w; ++c)
      if (m[c]) last[c] = r;
    if (r >= out1) continue;
    std::uint16_t* o = out + static_cast<std::size_t>(r - out0) * w;
    for (std::size_t c = 0; c < w; ++c) {
      if (last[c] < 0) continue;
      const int d = last[c] - r;
      if (d <= kMaxVertical && (o[c] == kNoVertical || d < o[c]))
        o[c] = static_cast<std::uint16_t>(d);
    }
  }
}

void squared_distances_row(const std::uint16_t* vertical, int nx, double* out, EdtScratch& s) {
  const auto n = static_cast<std::size_t>(nx);
  s.f.resize(n);
  s.v.resize(n);
  s.z.resize(n + 1);
  constexpr double inf = std::numeric_limits<double>::infinity();
  // Lower envelope of the parabolas (q − p)² + f(p) over the columns p that have a feature in
  // their column (f finite); all quantities are integers below 2^53, so the arithmetic is exact
  // up to the division that places the intersections, which only orders them.
  int k = -1;
  for (int q = 0; q < nx; ++q) {
    if (vertical[q] == kNoVertical) continue;
    const double fq = static_cast<double>(vertical[q]) * vertical[q];
    s.f[static_cast<std::size_t>(q)] = fq;
    if (k < 0) {
      k = 0;
      s.v[0] = q;
      s.z[0] = -inf;
      s.z[1] = inf;
      continue;
    }
    double sq = 0;
    while (true) {  // z[0] = −inf stops the walk at the first parabola
      const int p = s.v[static_cast<std::size_t>(k)];
      const double fp = s.f[static_cast<std::size_t>(p)];
      sq = ((fq + double(q) * q) - (fp + double(p) * p)) / (2.0 * (q - p));
      if (sq > s.z[static_cast<std::size_t>(k)]) break;
      --k;
    }
    ++k;
    s.v[static_cast<std::size_t>(k)] = q;
    s.z[static_cast<std::size_t>(k)] = sq;
    s.z[static_cast<std::size_t>(k) + 1] = inf;
  }
  if (k < 0) {
    std::fill(out, out + n, inf);
    return;
  }
  int j = 0;
  for (int q = 0; q < nx; ++q) {
    while (s.z[static_cast<std::size_t>(j) + 1] < q) ++j;
    const int p = s.v[static_cast<std::size_t>(j)];
    const double dq = q - p;
    out[q] = dq * dq + s.f[static_cast<std::size_t>(p)];
  }
}

std::vector<double> squared_edt(const std::vector<std::uint8_t>& mask, int rows, int nx) {
  const std::size_t n = static_cast<std::size_t>(rows) * static_cast<std::size_t>(nx);
  std::vector<std::uint16_t> vert(n);
  vertical_distances(mask.data(), rows, nx, 0, rows, vert.data());
  std::vector<double> out(n);
  EdtScratch s;
  for (int r = 0; r < rows; ++r) {
    const std::size_t at = static_cast<std::size_t>(r) * static_cast<std::size_t>(nx);
    squared_distances_row(vert.data() + at, nx, out.data() + at, s);
  }
  return out;
}

}  // namespace siteplan::engine
