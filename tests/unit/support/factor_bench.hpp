#pragma once
// A bench for the factor tests: a tiny grid with hand-set terrain and a factor prepared on it.
#include <memory>
#include <string>
#include <utility>

#include "engine/factor.hpp"

namespace siteplan::test {

// A 2 × 2 grid of 10 m cells at (620000, 2899000) with hand-set terrain.
struct Bench {
  Project project;
  gis::GeosContext ctx;
  gis::Crs crs = gis::Crs::from_user("EPSG:4542", "t");
  engine::Grid grid;
  engine::FactorContext fc;

  explicit Bench(engine::Terrain t)
      : grid(make_grid()),
        fc{
            project, grid, ctx, crs, {}, 26.2, {},
        } {
    fc.terrain.emplace("dem", std::move(t));
  }
  engine::Grid make_grid() const {
    engine::Grid g;
    g.x0 = 620000;
    g.y1 = 2899020;
    g.cell = 10;
    g.nx = 2;
    g.ny = 2;
    g.crs = crs;
    return g;
  }
  std::unique_ptr<engine::Factor> factor(const std::string& kind, ScoreSpec score) {
    FactorSpec spec;
    spec.id = kind;
    spec.kind = kind;
    spec.layer = "dem";
    spec.weight = 1;
    spec.score = std::move(score);
    auto f = engine::make_factor(spec);
    f->prepare(fc);
    return f;
  }
};

inline ScoreSpec linear(double zero_at, double one_at) {
  ScoreSpec s;
  s.kind = "linear";
  s.zero_at = zero_at;
  s.one_at = one_at;
  return s;
}

inline engine::Terrain terrain(engine::Raster elevation, engine::Raster slope,
                               engine::Raster aspect) {
  return engine::Terrain{std::move(elevation), std::move(slope), std::move(aspect), {}};
}

}  // namespace siteplan::test
