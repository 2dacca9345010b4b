#pragma once
// Exact Euclidean distance transform on a grid (Felzenszwalb & Huttenlocher 2012, "Distance
// Transforms of Sampled Functions"): squared distances between cell centres, separable — a
// vertical pass per column, then the lower envelope of parabolas along each row. Exact in
// integers (no chamfer or propagation approximation, unlike gdal_proximity).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace siteplan::engine {

// "No feature within the window" in a vertical distance.
constexpr std::uint16_t kNoVertical = 0xFFFF;
// The largest vertical distance (cells) stored; farther features count as none.
constexpr int kMaxVertical = 0xFFFE;

// Vertical pass: for rows [out0, out1) of a window of `rows` × nx cells (row-major mask,
// non-zero = feature), the distance in cells to the nearest feature cell in the same column
// anywhere in the window; kNoVertical when there is none (or it is beyond kMaxVertical).
// out has (out1 − out0) × nx entries.
void vertical_distances(const std::uint8_t* mask, int rows, int nx, int out0, int out1,
                        std::uint16_t* out);

// Horizontal pass of one row: squared distance (cells²) to the nearest feature cell, given the
// row's vertical distances; +inf where the window has no feature at all. `work` is scratch
// space the caller keeps between rows.
struct EdtScratch {
  std::vector<double> f, z;
  std::vector<int> v;
};
void squared_distances_row(const std::uint16_t* vertical, int nx, double* out, EdtScratch& work);

// Both passes on a whole mask (rows × nx): squared distances in cells². For tests and small
// grids.
std::vector<double> squared_edt(const std::vector<std::uint8_t>& mask, int rows, int nx);

}  // namespace siteplan::engine
