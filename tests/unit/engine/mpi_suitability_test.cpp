// The suitability layer of MPI runs: bands of rows, their map gathered bit for bit, open land
// labelled per band and joined across seams so that regions are the ones of one process (and of
// GDALPolygonize, which the one-process run uses), and one global ranking. MpiSuitability.
// BandsAcrossRanks runs under `mpirun -n 3` too (ctest mpi.suitability): a distance that reaches
// across seams and regions that cross them.
#include <fmt/core.h>
#include <gdal_alg.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <random>

#include "engine/mpi_candidates.hpp"
#include "engine/mpi_suitability.hpp"
#include "engine/suitability.hpp"
#include "gis/gdal.hpp"
#include "support/test_data.hpp"

using namespace siteplan;
using engine::BandComponents;
using engine::BandSeam;

namespace {
// Region of every cell of a whole grid (first cell of its component), −1 where not open.
std::vector<std::int64_t> whole_regions(const std::vector<std::uint8_t>& open, int nx, int ny) {
  auto band = engine::label_band(open, nx, 0, ny);
  auto regions = engine::join_seams({engine::seam_of(band)});
  return engine::region_cells(band, regions, 0);
}

// The same through bands cut at `cuts` (row boundaries, first 0, last ny).
std::vector<std::int64_t> banded_regions(const std::vector<std::uint8_t>& open, int nx,
                                         const std::vector<int>& cuts,
                                         std::vector<std::uint64_t>* sizes = nullptr) {
  std::vector<BandComponents> bands;
  std::vector<BandSeam> seams;
  const std::size_t w = static_cast<std::size_t>(nx);
  for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
    std::vector<std::uint8_t> part(open.begin() + static_cast<std::ptrdiff_t>(cuts[k] * w),
                                   open.begin() + static_cast<std::ptrdiff_t>(cuts[k + 1] * w));
    bands.push_back(engine::label_band(part, nx, cuts[k], cuts[k + 1]));
    seams.push_back(engine::seam_of(bands.back()));
  }
  auto regions = engine::join_seams(seams);
  std::vector<std::int64_t> out;
  for (std::size_t k = 0; k < bands.size(); ++k) {
    auto cells = engine::region_cells(bands[k], regions, k);
    out.insert(out.end(), cells.begin(), cells.end());
    if (sizes)
      for (std::size_t c = 0; c < bands[k].label.size(); ++c)
        if (bands[k].label[c] >= 0)
          sizes->push_back(regions.cells[k][static_cast<std::size_t>(bands[k].label[c])]);
  }
  return out;
}

std::vector<std::uint8_t> random_mask(int nx, int ny, double p, unsigned seed) {
  std::mt19937 rng(seed);
  std::bernoulli_distribution open(p);
  std::vector<std::uint8_t> m(static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny));
  for (auto& v : m) v = open(rng) ? 1 : 0;
  return m;
}

// Components GDALPolygonize finds in a mask, as the one-process run calls it (its default:
// 4-connected; the band as its own mask, so closed land makes no polygon).
int gdal_regions(const std::vector<std::uint8_t>& mask, int nx, int ny) {
  gis::init_gdal();
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  GDALDatasetUniquePtr ds(mem->Create("", nx, ny, 1, GDT_Byte, nullptr));
  auto* band = ds->GetRasterBand(1);
  EXPECT_EQ(band->RasterIO(GF_Write, 0, 0, nx, ny, const_cast<std::uint8_t*>(mask.data()), nx, ny,
                           GDT_Byte, 0, 0),
            CE_None);
  GDALDatasetUniquePtr vds(
      GetGDALDriverManager()->GetDriverByName("Memory")->Create("", 0, 0, 0, GDT_Unknown, nullptr));
  OGRLayer* layer = vds->CreateLayer("r", nullptr, wkbPolygon, nullptr);
  OGRFieldDefn fd("v", OFTInteger);
  layer->CreateField(&fd);
  EXPECT_EQ(GDALPolygonize(band, band, layer, 0, nullptr, nullptr, nullptr), CE_None);
  return static_cast<int>(layer->GetFeatureCount());
}

// A synthetic map computed band by band, as ranks compute the real one: the score falls off with
// the distance to a road (a segment crossing the middle rows, so its influence reaches across
// seams), a blocked stripe runs down column 17, outside is the corner beyond a diagonal.
// Cells read the road whatever band they are in — the band needs no data of its neighbours.
engine::MapBand synthetic_rows(int nx, int r0, int r1) {
  engine::MapBand m;
  m.r0 = r0;
  m.r1 = r1;
  m.nx = nx;
  for (int r = r0; r < r1; ++r)
    for (int c = 0; c < nx; ++c) {
      std::uint8_t state = engine::kOpen;
      float v = 0;
      if (r + c > nx + 40) {
        state = engine::kOutside;
        v = engine::kNoData;
      } else if (c == 17 && r % 9 != 4) {
        state = engine::kBlocked;
        v = -1.0f;
      } else {
        const double d = std::hypot(c - 0.4 * r - 5.0, 0.7 * (r - 23.5));
        v = static_cast<float>(std::max(0.0, 1.0 - d / 14.0) * 0.8 +
                               0.1 * ((r * 7 + c * 3) % 5) / 4.0);
      }
      m.state.push_back(state);
      m.map.push_back(v);
    }
  return m;
}

std::vector<std::uint8_t> open_of(const engine::MapBand& m, float min_score) {
  std::vector<std::uint8_t> open(m.map.size());
  for (std::size_t i = 0; i < m.map.size(); ++i)
    open[i] = m.state[i] == engine::kOpen && !std::isnan(m.map[i]) && m.map[i] >= min_score;
  return open;
}
}  // namespace

TEST(MpiSuitability, SplitRowsCoversTheGridInBands) {
  for (int parts : {1, 2, 3, 7}) {
    auto b = engine::split_rows(100, parts);
    ASSERT_EQ(b.size(), static_cast<std::size_t>(parts) + 1);
    EXPECT_EQ(b.front(), 0);
    EXPECT_EQ(b.back(), 100);
    for (int k = 0; k < parts; ++k) EXPECT_LT(b[k], b[k + 1]);
  }
  // Weighted: all the study area in the last 20 rows → the bands crowd there.
  std::vector<double> cost(100, 0.0);
  for (int r = 80; r < 100; ++r) cost[r] = 10;
  auto b = engine::split_rows(100, 4, cost);
  EXPECT_EQ(b, (std::vector<int>{0, 85, 90, 95, 100}));
  auto few = engine::split_rows(2, 3);  // more ranks than rows: some bands are empty
  EXPECT_EQ(few.front(), 0);
  EXPECT_EQ(few.back(), 2);
}

TEST(MpiSuitability, BandsJoinIntoTheRegionsOfOneGrid) {
  const int nx = 41, ny = 37;
  for (unsigned seed = 1; seed <= 30; ++seed) {
    const auto mask = random_mask(nx, ny, 0.45 + 0.01 * (seed % 10), seed);
    const auto whole = whole_regions(mask, nx, ny);
    std::map<std::int64_t, int> names;
    for (auto v : whole)
      if (v >= 0) names[v]++;
    if (seed <= 5) {
      EXPECT_EQ(static_cast<int>(names.size()), gdal_regions(mask, nx, ny)) << seed;
    }
    for (const auto& cuts : std::vector<std::vector<int>>{
             {0, 18, 37},
             {0, 1, 2, 20, 36, 37},
             {0, 5, 10, 15, 20, 25, 30, 37},
             {0, 0, 37, 37},
             // empty bands between bands with rows (more ranks than rows: 20 ranks on 18)
             {0, 9, 9, 37},
             {0, 0, 4, 9, 9, 9, 20, 37, 37}}) {
      std::vector<std::uint64_t> sizes;
      EXPECT_EQ(banded_regions(mask, nx, cuts, &sizes), whole) << "seed " << seed;
      // Each open cell knows its whole region's size.
      std::size_t i = 0;
      for (auto v : whole)
        if (v >= 0) {
          EXPECT_EQ(sizes[i++], static_cast<std::uint64_t>(names[v]));
        }
    }
  }
}

TEST(MpiSuitability, AUJoinedTwoBandsAwayIsOneRegion) {
  // Two arms in band 0 meet only in band 2: one region, named after the left arm's top cell.
  const int nx = 9, ny = 9;
  std::vector<std::uint8_t> m(81, 0);
  for (int r = 0; r < 8; ++r) m[r * nx + 1] = m[r * nx + 6] = 1;
  for (int c = 1; c <= 6; ++c) m[7 * nx + c] = 1;
  m[0 * nx + 3] = 1;  // a lone cell
  m[8 * nx + 0] = 1;  // touches the U only at a corner: its own region (4-connected)
  auto r = banded_regions(m, nx, {0, 3, 6, 9});
  EXPECT_EQ(r, whole_regions(m, nx, ny));
  EXPECT_EQ(r[0 * nx + 6], 1);  // the right arm's region is the left arm's (first cell 1)
  EXPECT_EQ(r[7 * nx + 4], 1);
  EXPECT_EQ(r[0 * nx + 3], 3);
  EXPECT_EQ(r[8 * nx + 0], 72);
  EXPECT_EQ(gdal_regions(m, nx, ny), 3);  // GDAL (the mask band leaves closed land out) agrees
}

TEST(MpiSuitability, MapRowsTravelBitForBit) {
  auto m = synthetic_rows(23, 4, 11);
  m.map[5] = -0.0f;
  auto back = engine::decode_map_rows(engine::encode_map_rows(m));
  EXPECT_EQ(back.r0, 4);
  EXPECT_EQ(back.r1, 11);
  ASSERT_EQ(back.map.size(), m.map.size());
  EXPECT_EQ(std::memcmp(back.map.data(), m.map.data(), m.map.size() * sizeof(float)), 0);
  EXPECT_EQ(back.state, m.state);
  const std::string bytes = engine::encode_map_rows(m);
  EXPECT_THROW(engine::decode_map_rows(bytes.substr(0, bytes.size() - 1)), RuntimeError);
}

TEST(MpiSuitability, GlobalRankingEqualsTheJobsRanking) {
  // Candidates as the job ranks them (rescore_candidates), and the same split over 3 parts.
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> pick(0, 9);
  engine::SuitabilityResult r;
  for (int i = 0; i < 60; ++i) {
    engine::Candidate c;
    c.id = fmt::format("C{:02d}", i);
    c.area_m2 = 1000.0 * (pick(rng) % 4);  // ties on area
    c.values.push_back({});
    c.values[0].score = 0.1 * (pick(rng) % 5);  // ties on score
    c.blocked = pick(rng) == 0;
    if (pick(rng) == 1) c.status = io::GeomStatus::Empty;
    r.candidates.push_back(std::move(c));
  }
  std::vector<std::vector<engine::RankKey>> parts(3);
  std::map<std::string, std::pair<std::size_t, std::size_t>> where;
  for (std::size_t i = 0; i < r.candidates.size(); ++i) {
    const auto& c = r.candidates[i];
    const std::size_t p = i % 3;
    where[c.id] = {p, parts[p].size()};
    parts[p].push_back(
        {!io::usable(c.status) ? 2 : (c.blocked ? 1 : 0), c.values[0].score, c.area_m2, c.id});
  }
  engine::rescore_candidates(r, {1.0});
  const auto ranks = engine::global_ranks(parts);
  int ranked = 0;
  for (const auto& c : r.candidates) {
    const auto [p, i] = where[c.id];
    EXPECT_EQ(ranks[p][i], c.rank) << c.id;
    ranked += c.rank > 0;
  }
  EXPECT_GT(ranked, 30);
}

TEST(MpiSuitability, BandsAcrossRanks) {
  // Every rank computes its band of a synthetic map; rank 0 gathers the map; regions are joined
  // across the seams; candidates (one per region, owned by the rank holding its first cell) are
  // ranked globally. Each rank also computes the whole grid alone and compares.
  engine::MpiWorld world;
  const int nx = 61, ny = 47;
  const float min_score = 0.35f;
  const engine::BandedMap b = engine::run_map_bands(
      world, ny, {}, [&](int from, int to) { return synthetic_rows(nx, from, to); }, min_score);
  const auto& cuts = b.bands;
  ASSERT_EQ(cuts.size(), static_cast<std::size_t>(world.size()) + 1);
  const int r0 = cuts[static_cast<std::size_t>(world.rank())];
  const int r1 = cuts[static_cast<std::size_t>(world.rank()) + 1];
  const engine::MapBand whole = synthetic_rows(nx, 0, ny);
  if (world.root()) {
    ASSERT_EQ(b.whole.map.size(), whole.map.size());
    EXPECT_EQ(std::memcmp(b.whole.map.data(), whole.map.data(), whole.map.size() * 4), 0);
    EXPECT_EQ(b.whole.state, whole.state);
  } else {
    EXPECT_TRUE(b.whole.map.empty());
  }
  EXPECT_EQ(engine::open_land(whole, min_score), open_of(whole, min_score));

  const auto mine_regions = engine::region_cells(b.components, b.regions, 0);
  const auto all_regions = whole_regions(open_of(whole, min_score), nx, ny);
  const std::size_t w = static_cast<std::size_t>(nx);
  std::vector<std::int64_t> expect(all_regions.begin() + static_cast<std::ptrdiff_t>(r0 * w),
                                   all_regions.begin() + static_cast<std::ptrdiff_t>(r1 * w));
  EXPECT_EQ(mine_regions, expect) << "rank " << world.rank();
  // Some region crosses a seam (the road runs through every band).
  std::map<std::int64_t, std::pair<int, int>> rows;  // region → (first row, last row)
  for (std::size_t i = 0; i < all_regions.size(); ++i)
    if (all_regions[i] >= 0) {
      auto& rr = rows.try_emplace(all_regions[i], 1 << 30, -1).first->second;
      rr = {std::min(rr.first, static_cast<int>(i / w)),
            std::max(rr.second, static_cast<int>(i / w))};
    }
  int crossing = 0;
  for (const auto& [id, rr] : rows)
    for (std::size_t k = 1; k + 1 < cuts.size(); ++k)
      crossing += rr.first < cuts[k] && rr.second >= cuts[k];
  if (world.size() > 1) {
    EXPECT_GT(crossing, 0);
  }

  // Global ranking: a candidate per region, scored by its mean map value; owned by the rank of its
  // first cell.
  auto keys_of = [&](const engine::MapBand& m, const std::vector<std::int64_t>& reg, int from,
                     int to) {
    std::map<std::int64_t, std::pair<double, int>> acc;
    for (std::size_t i = 0; i < reg.size(); ++i)
      if (reg[i] >= 0) {
        auto& a = acc[reg[i]];
        a.first += m.map[i];
        a.second++;
      }
    std::vector<engine::RankKey> keys;
    for (const auto& [id, a] : acc)
      if (id >= static_cast<std::int64_t>(from * w) && id < static_cast<std::int64_t>(to * w))
        keys.push_back({0, a.first / a.second, 900.0 * a.second, fmt::format("D-{}", id)});
    return keys;
  };
  // The sums need the whole region: take them from the whole map here (a real run sums per band
  // and adds the sums of a region's pieces, as it unions their polygons).
  const auto my_keys = keys_of(whole, all_regions, r0, r1);
  const auto my_ranks = engine::global_ranks(world, my_keys);
  const auto all_keys = keys_of(whole, all_regions, 0, ny);
  const auto all_ranks = engine::global_ranks({all_keys})[0];
  std::map<std::string, int> expect_rank;
  for (std::size_t i = 0; i < all_keys.size(); ++i) expect_rank[all_keys[i].id] = all_ranks[i];
  for (std::size_t i = 0; i < my_keys.size(); ++i)
    EXPECT_EQ(my_ranks[i], expect_rank[my_keys[i].id]);
  world.barrier();
}

TEST(MpiSuitability, JobMapInBandsAcrossRanks) {
  // The suitability job with its map in row bands (banded_map_rows): under `mpirun -n 3` (ctest
  // mpi.suitability_job) each rank computes a band, rank 0 gathers it and runs the candidates;
  // its result equals a one-process run's bit for bit (map, factor stack, every candidate's
  // values, scores and ranks). With one rank it is the plain run.
  engine::MpiWorld world;
  for (double grid_m : {30.0, 10.0}) {
    Project p = load_project(test::kData + "/suit_project.toml");
    p.suitability.grid_m = grid_m;
    engine::SuitabilityOptions o;
    o.threads = 1;
    o.sensitivity_runs = 20;
    o.strip_rows = 3;  // strips inside bands too
    engine::SuitabilityJob job({p, o});
    engine::MapBandTimes times;
    job.set_map_rows([&](engine::MapPlan& plan, int ny) {
      return engine::banded_map_rows(world, plan, ny, &times);
    });
    if (!world.root()) {
      job.run_map_only();
      world.barrier();
      continue;
    }
    engine::SuitabilitySink none;
    const engine::SuitabilityResult r = job.run(none);
    const engine::SuitabilityResult one = engine::run_suitability(p, o);
    ASSERT_EQ(times.band_seconds.size(), static_cast<std::size_t>(world.size()));
    ASSERT_EQ(r.score_map.size(), one.score_map.size());
    EXPECT_EQ(std::memcmp(r.score_map.data(), one.score_map.data(), r.score_map.size() * 4), 0);
    EXPECT_EQ(r.factors.state, one.factors.state);
    EXPECT_EQ(r.factors.scores, one.factors.scores);
    EXPECT_EQ(r.factors.r0, one.factors.r0);
    EXPECT_EQ(r.factors.r1, one.factors.r1);
    ASSERT_EQ(r.candidates.size(), one.candidates.size());
    int derived = 0;
    for (std::size_t i = 0; i < r.candidates.size(); ++i) {
      const auto &a = r.candidates[i], &b = one.candidates[i];
      EXPECT_EQ(a.id, b.id);
      EXPECT_EQ(a.rank, b.rank) << a.id;
      EXPECT_EQ(std::memcmp(&a.score, &b.score, sizeof(double)), 0) << a.id;
      EXPECT_EQ(a.robust_share, b.robust_share) << a.id;
      ASSERT_EQ(a.values.size(), b.values.size());
      for (std::size_t k = 0; k < a.values.size(); ++k) {
        EXPECT_EQ(std::memcmp(&a.values[k].raw, &b.values[k].raw, sizeof(double)), 0) << a.id;
        EXPECT_EQ(std::memcmp(&a.values[k].score, &b.values[k].score, sizeof(double)), 0) << a.id;
      }
      derived += a.origin == "derived";
    }
    EXPECT_GT(derived, 0) << "grid " << grid_m;
    world.barrier();
  }
}

TEST(MpiSuitability, TilesAcrossRanks) {
  // The ranks write the map's tiles (BandTiles): every tile exactly once, by the rank holding its
  // first row, with the rows other ranks computed (under `mpirun -n 3`, ctest mpi.tiles: tiles of
  // 4 rows over bands of 7–8, so tiles straddle seams; 40 rows on 3 ranks of which the
  // 2-row grid leaves some empty).
  engine::MpiWorld world;
  for (auto [ny, rows] : {std::pair{23, 4}, std::pair{23, 5}, std::pair{2, 1}, std::pair{23, 64}}) {
    const int nx = 9;
    const std::vector<int> bands = engine::split_rows(ny, world.size());
    const auto me = static_cast<std::size_t>(world.rank());
    auto value = [nx](int row, int col) { return static_cast<float>(row * nx + col) / 7.0f; };
    auto band_of = [&](int r0, int r1) {
      engine::MapRows m;
      m.stack.grid.nx = nx;
      m.stack.grid.ny = ny;
      m.stack.r0 = r0;
      m.stack.r1 = r1;
      m.stack.ids = {"a", "b"};
      for (int k = 0; k < 2; ++k) {
        m.stack.scores.emplace_back();
        for (int r = r0; r < r1; ++r)
          for (int c = 0; c < nx; ++c)
            m.stack.scores.back().push_back(static_cast<std::uint16_t>(k * 1000 + r * nx + c));
      }
      for (int r = r0; r < r1; ++r)
        for (int c = 0; c < nx; ++c) {
          m.stack.state.push_back(static_cast<std::uint8_t>((r + c) % 3));
          m.map.push_back(value(r, c));
        }
      return m;
    };
    const engine::MapRows mine = band_of(bands[me], bands[me + 1]);
    std::vector<int> written;
    engine::BandTiles tiles{
        rows, [&](const engine::MapRowsView& t) {
          const engine::MapRows expect = band_of(t.r0, t.r1);
          const std::size_t n = expect.stack.state.size();
          EXPECT_EQ(t.r1, std::min(ny, t.r0 + rows));
          EXPECT_EQ(std::vector<std::uint8_t>(t.state, t.state + n), expect.stack.state);
          ASSERT_EQ(t.scores.size(), 2u);
          for (std::size_t k = 0; k < 2; ++k)
            EXPECT_EQ(std::vector<std::uint16_t>(t.scores[k], t.scores[k] + n),
                      expect.stack.scores[k]);
          EXPECT_EQ(std::memcmp(t.map, expect.map.data(), n * sizeof(float)), 0);
          EXPECT_GE(t.r0, bands[me]);  // the rank of its first row
          EXPECT_LT(t.r0, bands[me + 1]);
          written.push_back(t.r0);
        }};
    engine::write_band_tiles(world, bands, mine, tiles, ny);
    std::string mine_bytes;  // a rank may write no tile: no pointer into an empty vector
    for (int r : written) mine_bytes.append(reinterpret_cast<const char*>(&r), sizeof r);
    std::vector<int> all;
    for (const auto& b : world.all_gather(mine_bytes))
      for (std::size_t at = 0; at + sizeof(int) <= b.size(); at += sizeof(int)) {
        int r = 0;
        std::memcpy(&r, b.data() + at, sizeof r);
        all.push_back(r);
      }
    EXPECT_EQ(all, engine::tile_starts(ny, rows)) << ny << " rows in tiles of " << rows;
  }
}

TEST(MpiSuitability, CandidatesSharedOutBySize) {
  // The largest first, each to the rank with the least so far; ties to the lower rank; the same
  // answer for the same costs (every rank computes it).
  EXPECT_EQ(engine::share_out({5, 1, 4, 2}, 2), (std::vector<int>{0, 0, 1, 1}));  // 5+1, 4+2
  EXPECT_EQ(engine::share_out({3, 3, 3}, 2), (std::vector<int>{0, 1, 0}));
  EXPECT_EQ(engine::share_out({7, 0, 2}, 1), (std::vector<int>{0, 0, 0}));
  EXPECT_EQ(engine::share_out({}, 4), std::vector<int>{});
  // More ranks than candidates: one each.
  EXPECT_EQ(engine::share_out({1, 9}, 5), (std::vector<int>{1, 0}));
}
