#include "engine/mpi_candidates.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "core/error.hpp"
#include "engine/mpi_wire.hpp"
#include "engine/mpi_wire_geo.hpp"

namespace siteplan::engine {

namespace {
constexpr std::uint32_t kMagicItems = 0x53504931;  // "SPI1"
constexpr std::uint32_t kMagicParts = 0x53504B31;  // "SPK1"
constexpr int kTagItems = 301;
constexpr int kTagParts = 302;

std::string encode_items(const std::vector<CellItem>& items) {
  wire::Writer w;
  w.put(kMagicItems);
  w.put<std::uint64_t>(items.size());
  for (const auto& it : items) {
    w.put(it.kind);
    w.put(it.key);
    w.vec(it.cells);
    w.put<std::uint64_t>(it.raw.size());
    for (std::size_t k = 0; k < it.raw.size(); ++k) {
      w.vec(it.raw[k]);
      w.vec(it.score[k]);
    }
  }
  return std::move(w.bytes());
}

void decode_items(std::string_view bytes, int from, std::vector<CellItem>& out) {
  wire::Reader r(bytes);
  if (r.get<std::uint32_t>() != kMagicItems)
    throw RuntimeError(
        fmt::format("MPI: rank {} sent something that is not candidate cells", from));
  const std::size_t n = r.count(13);
  for (std::size_t i = 0; i < n; ++i) {
    CellItem it;
    it.kind = r.get<char>();
    it.key = r.get<std::uint64_t>();
    it.cells = r.vec<std::uint64_t>();
    const std::size_t nf = r.count(16);
    for (std::size_t k = 0; k < nf; ++k) {
      it.raw.push_back(r.vec<float>());
      it.score.push_back(r.vec<float>());
      if (it.raw.back().size() != it.cells.size() || it.score.back().size() != it.cells.size())
        throw RuntimeError(fmt::format("MPI: rank {}'s candidate cells are inconsistent", from));
    }
    out.push_back(std::move(it));
  }
  if (!r.done())
    throw RuntimeError(fmt::format("MPI: rank {}'s candidate cells are too long", from));
}
}  // namespace

std::vector<CellItem> exchange_cell_items(const MpiWorld& world,
                                          const std::vector<std::vector<CellItem>>& outgoing) {
  std::vector<std::string> out;
  for (int k = 0; k < world.size(); ++k)
    out.push_back(encode_items(static_cast<std::size_t>(k) < outgoing.size()
                                   ? outgoing[static_cast<std::size_t>(k)]
                                   : std::vector<CellItem>{}));
  std::vector<CellItem> in;
  int from = 0;
  for (const auto& bytes : world.all_to_all(out, kTagItems)) decode_items(bytes, from++, in);
  return in;
}

std::vector<int> share_out(const std::vector<std::uint64_t>& costs, int ranks) {
  std::vector<std::size_t> order(costs.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&costs](std::size_t a, std::size_t b) { return costs[a] > costs[b]; });
  std::vector<std::uint64_t> load(static_cast<std::size_t>(std::max(1, ranks)), 0);
  std::vector<int> owner(costs.size(), 0);
  for (std::size_t i : order) {
    const auto k =
        static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    owner[i] = static_cast<int>(k);
    load[k] += costs[i];
  }
  return owner;
}

std::string encode_candidate_parts(const std::vector<CandidatePart>& parts) {
  wire::Writer w;
  w.put(kMagicParts);
  w.put<std::uint64_t>(parts.size());
  for (const auto& p : parts) {
    const Candidate& c = p.candidate;
    w.put(p.kind);
    w.put(p.given_index);
    w.put(p.x);
    w.put(p.y);
    w.str(c.id);
    w.str(c.name);
    w.str(c.origin);
    w.put<std::int32_t>(static_cast<std::int32_t>(c.status));
    w.str(c.problem);
    wire::put_geometry(w, c.geometry);
    w.put(c.area_m2);
    w.put(c.compactness);
    w.put<std::uint64_t>(c.values.size());
    for (const auto& v : c.values) {
      w.put(v.raw);
      w.str(v.raw_text);
      w.put(v.score);
    }
    w.put<std::uint8_t>(c.blocked ? 1 : 0);
    w.put<std::uint64_t>(c.overlaps.size());
    for (const auto& o : c.overlaps) wire::put_overlap(w, o);
    w.strings(c.attributes);
  }
  return std::move(w.bytes());
}

std::vector<CandidatePart> decode_candidate_parts(std::string_view bytes) {
  wire::Reader r(bytes);
  if (r.get<std::uint32_t>() != kMagicParts)
    throw RuntimeError("MPI: a rank sent something that is not scored candidates");
  std::vector<CandidatePart> out(r.count(40));
  for (auto& p : out) {
    Candidate& c = p.candidate;
    p.kind = r.get<char>();
    p.given_index = r.get<std::uint64_t>();
    p.x = r.get<double>();
    p.y = r.get<double>();
    c.id = r.str();
    c.name = r.str();
    c.origin = r.str();
    c.status = static_cast<io::GeomStatus>(r.get<std::int32_t>());
    c.problem = r.str();
    c.geometry = wire::get_geometry(r);
    c.area_m2 = r.get<double>();
    c.compactness = r.get<double>();
    c.values.resize(r.count(24));
    for (auto& v : c.values) {
      v.raw = r.get<double>();
      v.raw_text = r.str();
      v.score = r.get<double>();
    }
    c.blocked = r.get<std::uint8_t>() != 0;
    c.overlaps.resize(r.count(40));
    for (auto& o : c.overlaps) wire::get_overlap(r, o);
    c.attributes = r.strings();
  }
  if (!r.done()) throw RuntimeError("MPI: a rank's scored candidates are too long");
  return out;
}

std::vector<CandidatePart> gather_candidate_parts(const MpiWorld& world,
                                                  std::vector<CandidatePart> mine) {
  if (!world.root()) {
    world.send(0, kTagParts, encode_candidate_parts(mine));
    return {};
  }
  std::vector<CandidatePart> all = std::move(mine);
  for (int k = 1; k < world.size(); ++k) {
    auto parts = decode_candidate_parts(world.recv(k, kTagParts));
    for (auto& p : parts) all.push_back(std::move(p));
  }
  return all;
}

}  // namespace siteplan::engine
