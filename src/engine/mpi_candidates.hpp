#pragma once
// The candidates of a distributed suitability run (docs/mpi.md), shared out over the ranks
// instead of gathered with the map at rank 0. Regions are labelled per band and joined across
// the seams by the union-find of mpi_suitability.hpp, so every rank knows every region and its
// size, and every given parcel's cells; each candidate goes to a rank by its size (the largest
// first, each to the rank with the fewest cells so far — the same plan on every rank). The owner
// gets every cell of its candidates from the ranks that computed them — the cells, and the
// factors' raw value and score there — derives, scores and checks them, and sends rank 0 the
// results, which rank 0 puts in the one-process order.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/mpi_world.hpp"
#include "engine/suitability.hpp"

namespace siteplan::engine {

// The cells of one candidate that one rank holds, with their values (per factor evaluated on
// the grid: raw and score, in the cells' order).
struct CellItem {
  char kind = 'D';        // 'D' a derived region (key: its first cell), 'G' a given parcel
  std::uint64_t key = 0;  // (key: its index among the given parcels)
  std::vector<std::uint64_t> cells;  // ascending grid indices
  std::vector<std::vector<float>> raw, score;
};

// Sends every rank its items (`outgoing[k]` to rank k, this rank's own included) and returns
// what every rank sent this one, in rank order (so a candidate's cells arrive in grid order).
// Collective.
std::vector<CellItem> exchange_cell_items(const MpiWorld& world,
                                          const std::vector<std::vector<CellItem>>& outgoing);

// Which rank takes each of `costs` (one per candidate, in a fixed order): the largest first, each
// to the rank with the least cost so far (ties: the lower rank). The same on every rank.
std::vector<int> share_out(const std::vector<std::uint64_t>& costs, int ranks);

// A scored candidate on its way to rank 0, with where it goes in the one-process order.
struct CandidatePart {
  char kind = 'D';
  std::uint64_t given_index = 0;  // 'G'
  double x = 0, y = 0;            // 'D': the order of derived parts (with id and area)
  Candidate candidate;
};
std::string encode_candidate_parts(const std::vector<CandidatePart>& parts);
std::vector<CandidatePart> decode_candidate_parts(std::string_view bytes);
// Every rank's parts at rank 0 (rank order; rank 0's own first); elsewhere empty. Collective.
std::vector<CandidatePart> gather_candidate_parts(const MpiWorld& world,
                                                  std::vector<CandidatePart> mine);

}  // namespace siteplan::engine
