// The what-if arithmetic: reweight() re-sums the map from the quantised factor stack and
// re-ranks the candidates, listing who stays in, enters or leaves the top K.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/suitability.hpp"

using namespace siteplan;
using namespace siteplan::engine;

namespace {
Candidate candidate(const std::string& id, double a, double b) {
  Candidate c;
  c.id = id;
  c.area_m2 = 1e4;
  c.values = {{a, "", a}, {b, "", b}};
  return c;
}
}  // namespace

TEST(SuitabilityScore, ReweightResumsTheMapAndListsTheTopKMoves) {
  SuitabilityResult r;
  r.factor_ids = {"slope", "road"};
  r.factors.grid.nx = 2;
  r.factors.grid.ny = 2;
  r.factors.r1 = 2;
  r.factors.ids = r.factor_ids;
  r.factors.scores = {{quantise_score(1.0f), quantise_score(0.5f), 0, kScoreNoData},
                      {quantise_score(0.0f), quantise_score(0.5f), 0, 0}};
  r.factors.state = {kOpen, kOpen, kBlocked, kOpen};
  r.top_k = 2;
  // A is best on slope, C on road, B in between.
  for (const char* id : {"A", "B", "C"})
    r.candidates.push_back(id[0] == 'A'   ? candidate(id, 0.9, 0.1)
                           : id[0] == 'B' ? candidate(id, 0.6, 0.6)
                                          : candidate(id, 0.1, 0.95));
  r.weights = {0.8, 0.2};
  rescore_candidates(r, r.weights);
  ASSERT_EQ(r.candidates[0].id, "A");
  ASSERT_EQ(r.candidates[1].id, "B");

  reweight(r, {0.2, 0.8});
  ASSERT_EQ(r.score_map.size(), 4u);
  EXPECT_NEAR(r.score_map[0], 0.2, 1e-5);
  EXPECT_NEAR(r.score_map[1], 0.5, 1e-5);
  EXPECT_EQ(r.score_map[2], -1.0f);         // blocked
  EXPECT_TRUE(std::isnan(r.score_map[3]));  // a factor without data
  EXPECT_EQ(r.candidates[0].id, "C");
  EXPECT_NEAR(r.candidates[0].score, 0.2 * 0.1 + 0.8 * 0.95, 1e-12);
  EXPECT_NEAR(r.candidates[0].parts[1], 0.8 * 0.95, 1e-12);
  ASSERT_TRUE(r.what_if.has_value());
  EXPECT_EQ(r.what_if->old_weights, (std::vector<double>{0.8, 0.2}));
  // C enters (3 → 1), B stays (2 → 2), A leaves (1 → 3): best new rank first, leavers last.
  ASSERT_EQ(r.what_if->moves.size(), 3u);
  EXPECT_EQ(r.what_if->moves[0].id, "C");
  EXPECT_EQ(r.what_if->moves[0].old_rank, 3);
  EXPECT_EQ(r.what_if->moves[0].new_rank, 1);
  EXPECT_EQ(r.what_if->moves[1].id, "B");
  EXPECT_EQ(r.what_if->moves[1].new_rank, 2);
  EXPECT_EQ(r.what_if->moves[2].id, "A");
  EXPECT_EQ(r.what_if->moves[2].old_rank, 1);
  EXPECT_EQ(r.what_if->moves[2].new_rank, 3);
}
