// The distributed candidate phase of a suitability run (mpi_candidates.hpp, docs/mpi.md): every
// rank holds its band of the map and of the factors' grids; a candidate — a derived region or a
// given parcel — belongs to the rank holding its first cell, which gets the candidate's other
// cells and their values from the later ranks, then derives, scores and checks it as one process
// does (the same functions on the same cells in the same order: the same numbers); rank 0 puts
// every rank's candidates in the one-process order and ranks them.
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "core/error.hpp"
#include "core/log.hpp"
#include "engine/derive.hpp"
#include "engine/mpi_candidates.hpp"
#include "engine/mpi_suitability.hpp"
#include "engine/suitability_state.hpp"

namespace siteplan::engine {

namespace {
// Appends `more` (cells of later bands, so all beyond `into`'s) to `into`.
void append(CellItem& into, CellItem&& more) {
  into.cells.insert(into.cells.end(), more.cells.begin(), more.cells.end());
  for (std::size_t k = 0; k < into.raw.size() && k < more.raw.size(); ++k) {
    into.raw[k].insert(into.raw[k].end(), more.raw[k].begin(), more.raw[k].end());
    into.score[k].insert(into.score[k].end(), more.score[k].begin(), more.score[k].end());
  }
}
}  // namespace

void SuitabilityJob::State::distributed_candidates() {
  const MpiWorld& w = *world;
  const auto& ss = req.project.suitability;
  const gis::GeosContext& c = *ctx;
  const Grid& grid = r.grid;
  const auto nx = static_cast<std::size_t>(grid.nx);
  const std::vector<int> bands = split_rows(grid.ny, w.size());  // as banded_map_rows
  const int me = w.rank();
  const auto b0 = static_cast<std::size_t>(bands[static_cast<std::size_t>(me)]);
  const auto b1 = static_cast<std::size_t>(bands[static_cast<std::size_t>(me) + 1]);
  const std::size_t first = b0 * nx, end = b1 * nx;
  if (r.factors.r0 != static_cast<int>(b0) || r.factors.r1 != static_cast<int>(b1) ||
      r.score_map.size() != end - first)
    throw RuntimeError("distributed candidates: this rank does not hold its band of the map");
  std::vector<std::size_t> zonal;  // factors whose values are the grid's (zonal means)
  for (std::size_t k = 0; k < factors.size(); ++k)
    if (factors[k]->evaluates_on_grid()) zonal.push_back(k);
  // This band's values of some of its cells (ascending).
  auto item_of = [&](char kind, std::uint64_t key, std::vector<std::uint64_t> cells) {
    CellItem it{kind, key, std::move(cells), {}, {}};
    for (std::size_t k : zonal) {
      const Raster &raw = factors[k]->raw_grid(), &score = factors[k]->score_grid();
      const std::size_t at = factors[k]->grid_first();
      std::vector<float> rv, sv;
      rv.reserve(it.cells.size());
      sv.reserve(it.cells.size());
      for (std::uint64_t cell : it.cells) {
        if (cell < at || cell - at >= raw.size())
          throw RuntimeError("distributed candidates: a cell outside this rank's grids");
        rv.push_back(raw[cell - at]);
        sv.push_back(score[cell - at]);
      }
      it.raw.push_back(std::move(rv));
      it.score.push_back(std::move(sv));
    }
    return it;
  };
  std::vector<std::vector<CellItem>> outgoing(static_cast<std::size_t>(w.size()));

  // Derived regions: open land labelled in the band and joined across the seams; every rank
  // learns every region and its size. Given parcels: every rank loaded them and finds their
  // cells. Each candidate then goes to a rank by its size (share_out: the same plan everywhere).
  std::vector<std::vector<std::uint64_t>> region_pieces;  // this band's cells, per component
  std::vector<std::uint64_t> piece_region;                // the region of each component
  std::map<std::uint64_t, std::uint64_t> region_size;     // every region big enough
  if (ss.derive) {
    std::vector<std::uint8_t> open(end - first);
    for (std::size_t i = 0; i < open.size(); ++i)
      open[i] = r.factors.state[i] == kOpen && !std::isnan(r.score_map[i]) &&
                r.score_map[i] >= ss.min_score;
    const BandComponents comps =
        label_band(open, grid.nx, static_cast<int>(b0), static_cast<int>(b1));
    Regions every;
    const Regions joined = join_seams(w, comps, &every);
    const std::size_t min_cells = min_region_cells(ss.min_area_ha * 10000.0, grid.cell);
    for (std::size_t b = 0; b < every.region.size(); ++b)
      for (std::size_t k = 0; k < every.region[b].size(); ++k)
        if (every.cells[b][k] >= min_cells) region_size[every.region[b][k]] = every.cells[b][k];
    region_pieces.resize(comps.first.size());
    piece_region = joined.region[0];
    for (std::size_t i = 0; i < comps.label.size(); ++i)
      if (const std::int32_t l = comps.label[i]; l >= 0 && joined.cells[0][l] >= min_cells)
        region_pieces[static_cast<std::size_t>(l)].push_back(first + i);
  }
  const std::size_t given = cand_layer.features.size();
  std::vector<CellSet> given_cells(given);
  for (std::size_t i = 0; i < given; ++i)
    if (const GEOSGeometry* g = cand_layer.features[i].geom.get())
      given_cells[i] = cells_of(grid, c, g);
  std::vector<std::uint64_t> costs;  // regions by first cell, then the given parcels
  for (const auto& [id, size] : region_size) costs.push_back(size);
  for (const auto& cs : given_cells) costs.push_back(cs.cells.size());
  const std::vector<int> owner = share_out(costs, w.size());
  std::map<std::uint64_t, int> region_owner;
  {
    std::size_t k = 0;
    for (const auto& [id, size] : region_size) region_owner[id] = owner[k++];
  }
  auto given_owner = [&](std::size_t i) { return owner[region_size.size() + i]; };
  std::map<std::uint64_t, CellItem> regions;  // this rank's, by first cell
  std::map<std::size_t, CellItem> parcels;    // this rank's, by index
  for (const auto& [id, o] : region_owner)
    if (o == me) regions.emplace(id, item_of('D', id, {}));
  for (std::size_t i = 0; i < given; ++i)
    if (given_owner(i) == me) parcels.emplace(i, item_of('G', i, {}));
  for (std::size_t k = 0; k < region_pieces.size(); ++k)
    if (!region_pieces[k].empty())
      outgoing[static_cast<std::size_t>(region_owner.at(piece_region[k]))].push_back(
          item_of('D', piece_region[k], std::move(region_pieces[k])));
  for (std::size_t i = 0; i < given; ++i) {
    std::vector<std::uint64_t> here;
    for (std::size_t cell : given_cells[i].cells)
      if (cell >= first && cell < end) here.push_back(cell);
    if (!here.empty())
      outgoing[static_cast<std::size_t>(given_owner(i))].push_back(
          item_of('G', i, std::move(here)));
  }
  // Every piece from every rank (this one's too), in rank order: a candidate's cells in order.
  for (CellItem& it : exchange_cell_items(w, outgoing)) {
    if (it.kind == 'D') {
      auto at = regions.find(it.key);
      if (at == regions.end())
        throw RuntimeError(
            fmt::format("MPI: cells of region {} arrived at a rank without it", it.key));
      append(at->second, std::move(it));
    } else {
      auto at = parcels.find(static_cast<std::size_t>(it.key));
      if (at == parcels.end())
        throw RuntimeError(
            fmt::format("MPI: cells of parcel {} arrived at a rank without it", it.key));
      append(at->second, std::move(it));
    }
  }

  // A region met by a band in several pieces (joined elsewhere) arrives in pieces: cells in order.
  for (auto& [id, it] : regions) {
    if (std::is_sorted(it.cells.begin(), it.cells.end())) continue;
    std::vector<std::size_t> order(it.cells.size());
    for (std::size_t j = 0; j < order.size(); ++j) order[j] = j;
    std::sort(order.begin(), order.end(),
              [&it](std::size_t a, std::size_t b) { return it.cells[a] < it.cells[b]; });
    CellItem sorted{it.kind, it.key, {}, {}, {}};
    for (std::size_t j : order) sorted.cells.push_back(it.cells[j]);
    for (std::size_t k = 0; k < it.raw.size(); ++k) {
      sorted.raw.emplace_back();
      sorted.score.emplace_back();
      for (std::size_t j : order) {
        sorted.raw.back().push_back(it.raw[k][j]);
        sorted.score.back().push_back(it.score[k][j]);
      }
    }
    it = std::move(sorted);
  }

  std::size_t crossing = 0;  // this rank's regions lying in more than one band
  auto band_of = [&](std::uint64_t cell) {
    return std::upper_bound(bands.begin(), bands.end(), static_cast<int>(cell / nx)) -
           bands.begin();
  };
  for (const auto& [id, it] : regions)
    crossing += !it.cells.empty() && band_of(it.cells.front()) != band_of(it.cells.back());

  // This rank's candidates, as one process makes them.
  std::vector<CandidatePart> parts;
  io::LoadedLayer checked;  // their features, for the rules' overlaps
  auto score = [&](Candidate& cand, const GEOSGeometry* g, const CellSet& cells,
                   const CellItem& values, const std::vector<std::size_t>& at) {
    std::size_t z = 0;
    for (std::size_t k = 0; k < factors.size(); ++k) {
      if (z < zonal.size() && zonal[z] == k) {
        Raster raw(at.size()), sc(at.size());
        for (std::size_t j = 0; j < at.size(); ++j) {
          raw[j] = values.raw[z][at[j]];
          sc[j] = values.score[z][at[j]];
        }
        cand.values.push_back(factors[k]->evaluate_values(g, raw, sc, c));
        ++z;
      } else {
        cand.values.push_back(factors[k]->evaluate(g, cells, c));
      }
    }
  };
  for (auto& [i, values] : parcels) {
    Candidate cand = candidate_of(i);
    const auto& f = cand_layer.features[i];
    if (f.geom) {
      if (values.cells !=
          std::vector<std::uint64_t>(given_cells[i].cells.begin(), given_cells[i].cells.end()))
        throw RuntimeError(fmt::format("MPI: the cells of parcel {} did not all arrive", f.key));
      std::vector<std::size_t> at(values.cells.size());
      for (std::size_t j = 0; j < at.size(); ++j) at[j] = j;
      score(cand, f.geom.get(), given_cells[i], values, at);
    }
    io::Feature copy;
    copy.key = f.key;
    copy.status = f.status;
    copy.problem = f.problem;
    if (f.geom) copy.geom = gis::clone(c, f.geom.get());
    checked.features.push_back(std::move(copy));
    parts.push_back({'G', i, 0, 0, std::move(cand)});
  }
  if (ss.derive) {
    const DeriveLand land(grid, c, area.get(), blocked_union.get(), ss.min_area_ha * 10000.0);
    for (auto& [id, values] : regions) {
      std::vector<std::size_t> cells(values.cells.begin(), values.cells.end());
      std::vector<DerivedPart> derived;
      region_parts(land.inputs(), cells, derived);
      for (auto& d : derived) {
        // The part's cells among the region's (a part lies in its region).
        std::vector<std::size_t> at;
        for (std::size_t cell : d.cells.cells) {
          auto it = std::lower_bound(cells.begin(), cells.end(), cell);
          if (it == cells.end() || *it != cell)
            throw RuntimeError(fmt::format("region {}: a part's cell outside the region", d.id));
          at.push_back(static_cast<std::size_t>(it - cells.begin()));
        }
        io::Feature f;
        f.key = d.id;
        f.geom = std::move(d.geom);
        cand_layer.features.push_back(std::move(f));
        names.push_back("");
        origins.push_back("derived");
        cell_cache.emplace_back();
        const std::size_t i = cand_layer.features.size() - 1;
        Candidate cand = candidate_of(i);
        score(cand, cand_layer.features[i].geom.get(), d.cells, values, at);
        io::Feature copy;
        copy.key = d.id;
        copy.geom = gis::clone(c, cand_layer.features[i].geom.get());
        checked.features.push_back(std::move(copy));
        parts.push_back({'D', 0, d.x, d.y, std::move(cand)});
      }
      CellItem().cells.swap(values.cells);
    }
  }
  {
    std::vector<Candidate*> cands;
    for (auto& p : parts) cands.push_back(&p.candidate);
    check_rules(checked, cands);
  }
  log::debug(
      "rank {}: {} candidates of its own ({} given parcels, {} regions, {} of them across a "
      "seam)",
      me, parts.size(), parcels.size(), regions.size(), crossing);

  // Rank 0: the one-process order — the given parcels in input order, then the derived parts by
  // id, size, north, west, with the suffixes of shared ids — and the ranking.
  const auto t_gather = std::chrono::steady_clock::now();
  std::vector<CandidatePart> all = gather_candidate_parts(w, std::move(parts));
  if (!w.root()) return;
  log::debug("every rank's candidates in ({} in all) {:.2f} s after rank 0's own were done",
             all.size(),
             std::chrono::duration<double>(std::chrono::steady_clock::now() - t_gather).count());
  std::vector<std::optional<Candidate>> given_done(given);
  std::vector<CandidatePart> derived;
  for (auto& p : all) {
    if (p.kind == 'G') {
      if (p.given_index >= given || given_done[p.given_index])
        throw RuntimeError("MPI: a given parcel was scored twice or is unknown");
      given_done[p.given_index] = std::move(p.candidate);
    } else {
      derived.push_back(std::move(p));
    }
  }
  r.candidates.clear();
  for (std::size_t i = 0; i < given; ++i) {
    if (!given_done[i])
      throw RuntimeError(fmt::format("MPI: given parcel {} was not scored by any rank", i + 1));
    r.candidates.push_back(std::move(*given_done[i]));
  }
  std::stable_sort(derived.begin(), derived.end(),
                   [](const CandidatePart& a, const CandidatePart& b) {
                     const Candidate &ca = a.candidate, &cb = b.candidate;
                     if (ca.id != cb.id) return ca.id < cb.id;
                     if (ca.area_m2 != cb.area_m2) return ca.area_m2 > cb.area_m2;
                     if (a.y != b.y) return a.y > b.y;
                     return a.x < b.x;
                   });
  std::string base;
  for (std::size_t i = 0, dup = 0; i < derived.size(); ++i) {
    Candidate& cand = derived[i].candidate;
    dup = i > 0 && cand.id == base ? dup + 1 : 0;
    base = cand.id;
    if (dup) cand.id = fmt::format("{}-{}", base, dup + 1);
    r.candidates.push_back(std::move(cand));
  }
  rescore_candidates(r, r.weights);
}

}  // namespace siteplan::engine
