// The clearance parts MPI ranks send each other: a shard's results as bytes and back (every
// number bit for bit, polygons as the same WKB), the merge into one run's outputs, and refusal of
// damaged or overlapping parts. The transport itself runs under mpirun in cli.test_mpi and
// mpi.world (MpiWorld.RanksExchange).
#include <gtest/gtest.h>
#include <ogr_geometry.h>

#include "engine/mpi_clearance.hpp"
#include "support/test_data.hpp"

using namespace siteplan;
using siteplan::test::kData;

namespace {
engine::ClearanceRequest request() {
  engine::ClearanceRequest r;
  r.project = load_project(kData + "/clearance_rules.toml", false);
  r.rules_source = kData + "/clearance_rules.toml";
  r.parcels.source = kData + "/parcels.gpkg";
  r.parcels.layer = "parcels";
  r.id_field = "XMBH";
  r.name_field = "XMMC";
  r.keep_fields = "XMMC";  // one kept attribute column (the name again), to carry through
  r.group_field = "XMBH";
  return r;
}

std::string wkb(const gis::OgrGeomPtr& g) {
  if (!g) return "null";
  std::string out(static_cast<std::size_t>(g->WkbSize()), '\0');
  g->exportToWkb(wkbNDR, reinterpret_cast<unsigned char*>(out.data()), wkbVariantIso);
  return out;
}

void expect_same(const engine::ParcelResult& a, const engine::ParcelResult& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.status, b.status) << a.id;
  EXPECT_EQ(a.problem, b.problem) << a.id;
  EXPECT_EQ(a.area_m2, b.area_m2) << a.id;  // bit for bit, not near
  EXPECT_EQ(a.ellipsoidal_m2, b.ellipsoidal_m2) << a.id;
  EXPECT_EQ(a.outside_m2, b.outside_m2) << a.id;
  EXPECT_EQ(a.verdict, b.verdict) << a.id;
  EXPECT_EQ(a.deciding_rules, b.deciding_rules) << a.id;
  EXPECT_EQ(wkb(a.geometry), wkb(b.geometry)) << a.id;
  ASSERT_EQ(a.overlaps.size(), b.overlaps.size()) << a.id;
  for (std::size_t k = 0; k < a.overlaps.size(); ++k) {
    const auto &x = a.overlaps[k], &y = b.overlaps[k];
    EXPECT_EQ(x.rule_index, y.rule_index);
    EXPECT_EQ(x.class_value, y.class_value);
    EXPECT_EQ(x.area_m2, y.area_m2);
    EXPECT_EQ(x.ellipsoidal_m2, y.ellipsoidal_m2);
    EXPECT_EQ(x.pct, y.pct);
    EXPECT_EQ(wkb(x.piece), wkb(y.piece)) << a.id << " " << k;
  }
}
}  // namespace

TEST(MpiClearance, ThreeEncodedShardsMergeIntoOneRun) {
  engine::ClearanceJob whole(request());
  engine::ClearanceCollector one;
  whole.run(one);
  ASSERT_EQ(one.parcels.size(), 9u);

  std::vector<engine::ClearanceJob> jobs;
  std::vector<engine::ClearanceShardPart> parts;
  std::size_t pieces = 0;
  for (int k = 2; k >= 0; --k) {  // any order of arrival
    auto r = request();
    r.shard = {k, 3};
    r.hash_inputs = k == 0;
    jobs.emplace_back(std::move(r));
    engine::ClearanceCollector shard;
    jobs.back().run(shard);
    EXPECT_EQ(shard.run.inputs.empty(), k != 0);  // only the writing rank hashes its inputs
    for (const auto& p : shard.parcels)
      for (const auto& o : p.overlaps) pieces += o.piece ? 1 : 0;
    const std::string bytes = engine::encode_clearance_part(shard, true);
    parts.push_back(engine::decode_clearance_part(bytes));
  }
  EXPECT_GT(pieces, 0u);  // the fixture has overlap polygons to carry
  engine::MergedClearance m = engine::merge_clearance_parts(one.run, std::move(parts));
  ASSERT_EQ(m.result.parcels.size(), one.parcels.size());
  EXPECT_TRUE(m.result.input_index.empty());
  for (std::size_t i = 0; i < one.parcels.size(); ++i)
    expect_same(one.parcels[i], m.result.parcels[i]);
  EXPECT_EQ(m.run.attributes.names, one.run.attributes.names);
  EXPECT_EQ(m.run.attributes.values, one.run.attributes.values);
  EXPECT_EQ(m.run.group_of, one.run.group_of);
  ASSERT_EQ(m.run.group_of.size(), 9u);
  EXPECT_EQ(m.run.group_of[0], "P1");
}

TEST(MpiClearance, WithoutGeometryOnlyNumbersTravel) {
  auto r = request();
  r.shard = {1, 2};
  engine::ClearanceJob job(std::move(r));
  engine::ClearanceCollector shard;
  job.run(shard);
  const auto with = engine::encode_clearance_part(shard, true);
  const auto without = engine::encode_clearance_part(shard, false);
  EXPECT_LT(without.size(), with.size());
  auto part = engine::decode_clearance_part(without);
  ASSERT_EQ(part.result.parcels.size(), shard.parcels.size());
  for (std::size_t i = 0; i < part.result.parcels.size(); ++i) {
    EXPECT_FALSE(part.result.parcels[i].geometry);
    EXPECT_EQ(part.result.parcels[i].area_m2, shard.parcels[i].area_m2);
  }
}

TEST(MpiClearance, DamagedOrOverlappingPartsAreRefused) {
  auto r = request();
  r.shard = {0, 2};
  engine::ClearanceJob job(std::move(r));
  engine::ClearanceCollector shard;
  job.run(shard);
  const std::string bytes = engine::encode_clearance_part(shard, true);
  for (std::size_t cut : {std::size_t{0}, std::size_t{3}, bytes.size() / 2, bytes.size() - 1})
    EXPECT_THROW(engine::decode_clearance_part(bytes.substr(0, cut)), RuntimeError) << cut;
  EXPECT_THROW(engine::decode_clearance_part(bytes + "x"), RuntimeError);
  std::string other = bytes;
  other[0] = 'Z';
  EXPECT_THROW(engine::decode_clearance_part(other), RuntimeError);
  // The same shard twice: a parcel would be counted twice.
  std::vector<engine::ClearanceShardPart> twice;
  twice.push_back(engine::decode_clearance_part(bytes));
  twice.push_back(engine::decode_clearance_part(bytes));
  EXPECT_THROW(engine::merge_clearance_parts(shard.run, std::move(twice)), RuntimeError);
}

TEST(MpiClearance, OneRankFeedsTheSinkLikeAPlainRun) {
  engine::MpiWorld world;  // not started by mpirun: a world of one
  ASSERT_EQ(world.size(), 1);
  engine::ClearanceJob plain(request());
  engine::ClearanceCollector a;
  plain.run(a);
  auto req = request();
  req.hash_inputs = false;  // the MPI layer hashes, each file by one rank
  engine::ClearanceJob job(std::move(req));
  engine::ClearanceCollector b;
  engine::MpiClearanceTimes times;
  engine::ClearanceResult r = engine::run_clearance_mpi(job, world, b, nullptr, true, &times);
  EXPECT_TRUE(r.parcels.empty());  // handed to the sink's end()
  ASSERT_EQ(b.parcels.size(), a.parcels.size());
  for (std::size_t i = 0; i < a.parcels.size(); ++i) expect_same(a.parcels[i], b.parcels[i]);
  EXPECT_EQ(b.run.attributes.values, a.run.attributes.values);
  ASSERT_EQ(b.run.inputs.size(), a.run.inputs.size());
  for (std::size_t i = 0; i < a.run.inputs.size(); ++i) {
    EXPECT_EQ(b.run.inputs[i].id, a.run.inputs[i].id);
    EXPECT_EQ(b.run.inputs[i].source, a.run.inputs[i].source);
    EXPECT_EQ(b.run.inputs[i].sha256, a.run.inputs[i].sha256);
    EXPECT_EQ(b.run.inputs[i].sha256.size(), 64u);
  }
  EXPECT_GE(times.written, times.merged);
  EXPECT_EQ(times.bytes, 0u);
}
