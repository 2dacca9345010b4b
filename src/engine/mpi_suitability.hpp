#pragma once
// Suitability over MPI ranks (docs/mpi.md): the layer between a row-range computation of the map
// and the outputs of one process. Each rank computes a band of rows (with whatever halo its
// factors need, which is the row computation's business); this file cuts the grid into bands,
// gathers the bands' map and cell states, labels open land per band and joins the labels across
// the seams with a union-find so that every derived region has the same cells and id as in one
// process, and ranks the candidates of every rank in one global order.
//
// The row computation itself (the suitability engine's strips: rows [r0, r1) of every factor and
// of the weighted map) is passed in as a function to run_map_bands, so that layer does not
// depend on how strips are computed; banded_map_rows is the suitability job's map over the ranks
// (SuitabilityJob::set_map_rows), built on compute_rows.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/grid.hpp"
#include "engine/mpi_hashes.hpp"
#include "engine/mpi_world.hpp"
#include "engine/strips.hpp"

namespace siteplan::engine {

// Band boundaries for `parts` ranks: rank k computes rows [b[k], b[k+1]), b[0] = 0,
// b[parts] = ny. With row_cost (one value ≥ 0 per row, e.g. the study-area cells of the row) the
// bands carry equal cost; without, equal rows. Every band has at least one row when ny ≥ parts.
std::vector<int> split_rows(int ny, int parts, const std::vector<double>& row_cost = {});

// One band of the map: the weighted map (NaN outside, −1 blocked) and the cell states.
struct MapBand {
  int r0 = 0, r1 = 0, nx = 0;
  std::vector<float> map;           // (r1 − r0) × nx
  std::vector<std::uint8_t> state;  // CellState per cell
};
std::string encode_map_rows(const MapBand& rows);
MapBand decode_map_rows(std::string_view bytes);

// The whole map on rank 0 from every rank's band (bands in rank order, contiguous, covering the
// grid); an empty MapBand elsewhere. Values arrive bit for bit.
MapBand gather_map_rows(const MpiWorld& world, const MapBand& mine, int ny);

// Open land of a band, in components 4-connected like GDALPolygonize's default: cells sharing an
// edge belong together, cells touching at a corner do not.
struct BandComponents {
  int r0 = 0, r1 = 0, nx = 0;
  std::vector<std::int32_t> label;   // per cell of the band: component, or −1 (not open)
  std::vector<std::uint64_t> first;  // per component: its first cell in reading order (grid index)
  std::vector<std::uint64_t> cells;  // per component: its number of cells
};
BandComponents label_band(const std::vector<std::uint8_t>& open, int nx, int r0, int r1);

// What a band tells its neighbours: the labels of its top and bottom rows and its components.
struct BandSeam {
  int r0 = 0, r1 = 0, nx = 0;
  std::vector<std::int32_t> top, bottom;
  std::vector<std::uint64_t> first, cells;
};
BandSeam seam_of(const BandComponents& band);
std::string encode_seam(const BandSeam& seam);
BandSeam decode_seam(std::string_view bytes);

// Regions across bands (given in row order, contiguous): the components of neighbouring bands
// that meet across a seam are joined (union-find). region[b][k] is the region of component k of
// band b, named by its first cell in reading order over the whole grid — the cell a one-process
// run names a derived region after (D-r<row>c<col>); cells[b][k] the region's cell count.
struct Regions {
  std::vector<std::vector<std::uint64_t>> region;
  std::vector<std::vector<std::uint64_t>> cells;
};
Regions join_seams(const std::vector<BandSeam>& bands);
// The same over MPI: every rank's seam to every rank, joined on each; returns this rank's row of
// region / cells (one entry per component of `mine`); `every`: every band's rows (each rank
// knows every region and its size).
Regions join_seams(const MpiWorld& world, const BandComponents& mine, Regions* every = nullptr);

// Per cell of a band: the region (grid index of its first cell) or −1 — what a band polygonizes
// so that pieces of one region on both sides of a seam carry the same value.
std::vector<std::int64_t> region_cells(const BandComponents& band, const Regions& regions,
                                       std::size_t band_index);

// The open land a one-process run derives regions from: open cells with a score ≥ min_score.
std::vector<std::uint8_t> open_land(const MapBand& rows, double min_score);

// The banded map of a run: this rank's band computed by `rows` — the engine's row-range
// computation (rows [r0, r1) with the halo its factors need) — the whole map on rank 0, and the
// open land of the band in regions joined across every band. Collective.
struct BandedMap {
  std::vector<int> bands;  // row boundaries: rank k has rows [bands[k], bands[k + 1])
  MapBand mine;            // this rank's band
  MapBand whole;           // rank 0: the whole map; empty elsewhere
  BandComponents components;
  Regions regions;  // one row: this band's components' regions
};
BandedMap run_map_bands(const MpiWorld& world, int ny, const std::vector<double>& row_cost,
                        const std::function<MapBand(int r0, int r1)>& rows, double min_score);

// The suitability job's map over the ranks (SuitabilityJob::set_map_rows): the grid's rows cut
// into one band per rank (split_rows, equal rows: compute_rows computes every cell of a row),
// each band computed with compute_rows(plan, r0, r1) — its factors' halos included — and sent to
// rank 0: factor scores, cell states, map, the factors' "has a value" and DEM cells, and (when
// plan.keep_grids) the raw and score rows of the factors whose grids the candidates read. Rank 0
// returns what compute_rows(plan, 0, ny) returns, bit for bit, with those factors' full grids
// filled (store_rows); another rank returns its band (its grids hold its band only).
// Collective. `times` (rank 0): every rank's seconds for its band, in rank order, the seconds
// from its own band's start until every band was in, the bytes received and the bands' rows.
struct MapBandTimes {
  std::chrono::steady_clock::time_point start;  // when this rank began its band
  std::vector<double> band_seconds;
  std::vector<double> band_cpu;  // the CPU seconds every rank's process had used at its band's end
  // When the last band was done (ranks on one machine share the monotonic clock; otherwise when
  // the last band was in).
  std::chrono::steady_clock::time_point last_band_end;
  // Per rank, when its band was done (ranks on one machine; empty otherwise).
  std::vector<std::chrono::steady_clock::time_point> band_end;
  double gathered = 0;
  std::size_t bytes = 0;
  std::vector<int> bands;
  std::vector<double> tile_seconds;  // per rank: writing its tiles (--map-tiles), rows received
  bool tiled_only = false;           // the map stayed on the ranks (tiles, no candidates' grids)
};
// The map's tiles written by the ranks (`--map-tiles`): the grid's rows in tiles of `rows` rows
// (the last one shorter); each tile is written by the rank whose band holds its first row, which
// receives the tile's other rows from the ranks that computed them (a tile's rows never come from
// a lower rank: point-to-point messages down the ranks, no cycle). `write` gets the tile's rows
// (a view into the band, or a tile assembled where it straddles bands). Then, when the candidates
// need no grids (plan.keep_grids false), nothing else goes to rank 0: the ranks exchange only their
// "has a value" flags and DEM cells, and every rank returns them with an empty map and stack.
struct BandTiles {
  int rows = 0;
  std::function<void(const MapRowsView& tile)> write;
  // The candidates are distributed too (mpi_candidates.hpp): every rank, rank 0 included,
  // keeps its band and its factors' band grids and gets them back (with the whole map's checks)
  // instead of rank 0 gathering the map.
  bool keep_bands = false;
};
// Writes this rank's tiles (collective); returns the seconds spent.
double write_band_tiles(const MpiWorld& world, const std::vector<int>& bands, const MapRows& mine,
                        const BandTiles& tiles, int ny);
// The tiles of `ny` rows every `rows` rows: the first row of each.
std::vector<int> tile_starts(int ny, int rows);

// `hashes`: the inputs' checksums shared out over the ranks; each rank's go to rank 0 with its
// band (or its checks), rank 0 takes them all.
MapRows banded_map_rows(const MpiWorld& world, MapPlan& plan, int ny, MapBandTimes* times = nullptr,
                        const BandTiles* tiles = nullptr, SharedInputHashes* hashes = nullptr);

// The ranking order of suitability (usable and not blocked first, then score, area, id).
struct RankKey {
  int cls = 0;  // 0 usable, 1 blocked given parcel, 2 not usable (not ranked)
  double score = 0, area_m2 = 0;
  std::string id;
};
bool rank_key_less(const RankKey& a, const RankKey& b);
// Global ranks (1 = best, 0 = not ranked) of every part's candidates, ranked together.
std::vector<std::vector<int>> global_ranks(const std::vector<std::vector<RankKey>>& parts);
// Over MPI: this rank's candidates' global ranks.
std::vector<int> global_ranks(const MpiWorld& world, const std::vector<RankKey>& mine);

}  // namespace siteplan::engine
