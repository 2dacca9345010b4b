// Shards of a clearance batch (ClearanceRequest::shard): spatial blocks of parcels, one per MPI
// rank or process, and the merge back into input order.
#include <algorithm>
#include <cstdint>

#include "engine/clearance_job.hpp"

namespace siteplan::engine {

// Parcels with an envelope in the Morton order of their centres (ties by input position), and
// the positions of those without one.
void morton_order(const std::vector<gis::Extent>& envelopes, std::vector<std::size_t>& placed,
                  std::vector<std::size_t>& unplaced) {
  gis::Extent all;
  for (const auto& e : envelopes) all.expand(e);
  // Morton code of each centre on a 65,536 × 65,536 grid over the parcels' extent.
  auto cell = [](double v, double lo, double hi) {
    const double t = hi > lo ? (v - lo) / (hi - lo) : 0.0;
    return static_cast<std::uint32_t>(std::clamp(t, 0.0, 1.0) * 65535.0);
  };
  auto interleave = [](std::uint32_t x, std::uint32_t y) {
    std::uint64_t code = 0;
    for (int b = 0; b < 16; ++b)
      code |= (static_cast<std::uint64_t>((x >> b) & 1u) << (2 * b)) |
              (static_cast<std::uint64_t>((y >> b) & 1u) << (2 * b + 1));
    return code;
  };
  std::vector<std::pair<std::uint64_t, std::size_t>> coded;
  placed.clear();
  unplaced.clear();
  for (std::size_t i = 0; i < envelopes.size(); ++i) {
    const gis::Extent& e = envelopes[i];
    if (!e.valid) {
      unplaced.push_back(i);
      continue;
    }
    coded.emplace_back(interleave(cell((e.minx + e.maxx) / 2, all.minx, all.maxx),
                                  cell((e.miny + e.maxy) / 2, all.miny, all.maxy)),
                       i);
  }
  std::sort(coded.begin(), coded.end());  // ties by input position: deterministic
  for (const auto& c : coded) placed.push_back(c.second);
}

std::vector<std::size_t> shard_parcels(const std::vector<gis::Extent>& envelopes, int count,
                                       int index) {
  std::vector<std::size_t> mine;
  if (count <= 1) {
    for (std::size_t i = 0; i < envelopes.size(); ++i) mine.push_back(i);
    return mine;
  }
  std::vector<std::size_t> placed, unplaced;
  morton_order(envelopes, placed, unplaced);
  const std::size_t n = placed.size(), k = static_cast<std::size_t>(count);
  const std::size_t at = static_cast<std::size_t>(index);
  for (std::size_t j = n * at / k; j < n * (at + 1) / k; ++j) mine.push_back(placed[j]);
  for (std::size_t u = 0; u < unplaced.size(); ++u)
    if (u % k == at) mine.push_back(unplaced[u]);
  std::sort(mine.begin(), mine.end());
  return mine;
}

std::vector<std::vector<std::size_t>> parcel_blocks(const std::vector<gis::Extent>& envelopes,
                                                    std::size_t per_block) {
  std::vector<std::size_t> placed, unplaced;
  morton_order(envelopes, placed, unplaced);
  const std::size_t n = placed.size();
  const std::size_t k = std::max<std::size_t>(
      1, (n + std::max<std::size_t>(1, per_block) - 1) / std::max<std::size_t>(1, per_block));
  std::vector<std::vector<std::size_t>> blocks(k);
  for (std::size_t b = 0; b < k; ++b)
    blocks[b].assign(placed.begin() + static_cast<std::ptrdiff_t>(n * b / k),
                     placed.begin() + static_cast<std::ptrdiff_t>(n * (b + 1) / k));
  blocks[0].insert(blocks[0].end(), unplaced.begin(), unplaced.end());  // they read no data
  return blocks;
}

ClearanceResult merge_shards(std::vector<ClearanceResult> parts) {
  ClearanceResult out;
  std::vector<std::pair<std::size_t, ParcelResult*>> all;
  for (auto& part : parts) {
    if (!out.rules) out.rules = part.rules;
    out.threads_used = std::max(out.threads_used, part.threads_used);
    for (std::size_t i = 0; i < part.parcels.size(); ++i)
      all.emplace_back(part.input_index.empty() ? i : part.input_index[i], &part.parcels[i]);
  }
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [index, p] : all) out.parcels.push_back(std::move(*p));
  return out;
}

}  // namespace siteplan::engine
