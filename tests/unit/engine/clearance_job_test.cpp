// The clearance job as a library object, without the CLI: a request built in code, validate()
// refusing bad input before any bulk read, run() into a collecting sink, progress events, and
// cancel by returning false.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>

#include "engine/clearance_job.hpp"
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
  r.keep_pieces = false;
  return r;
}

// Counts parcels as they are decided (from the worker threads) and keeps the end result.
class Counting : public engine::ClearanceCollector {
 public:
  void parcel(std::size_t index, engine::ParcelResult&) override {
    std::lock_guard lock(mutex);
    seen.insert(index);
  }
  std::mutex mutex;
  std::set<std::size_t> seen;
};
}  // namespace

TEST(ClearanceJob, RunsWithoutTheCli) {
  engine::ClearanceJob job(request());
  Counting sink;
  std::atomic<int> events{0};
  ProgressFn progress = [&](const ProgressEvent&) {
    ++events;
    return true;
  };
  engine::ClearanceResult r = job.run(sink, &progress);
  ASSERT_EQ(sink.parcels.size(), 9u);
  EXPECT_EQ(sink.seen.size(), 9u);  // every parcel handed over as it was decided
  EXPECT_GT(events.load(), 0);
  EXPECT_EQ(sink.parcels[0].id, "P1");
  EXPECT_EQ(sink.parcels[0].name, "部分占用基本农田");
  EXPECT_EQ(sink.parcels[0].verdict, engine::Verdict::Blocked);
  EXPECT_EQ(sink.parcels[2].verdict, engine::Verdict::Clear);
  EXPECT_EQ(sink.parcels[4].verdict, engine::Verdict::Invalid);
  // The coverage of last resort here: the land-use breakdown's footprint.
  EXPECT_NE(job.context().coverage.find("dltb"), std::string::npos) << job.context().coverage;
  EXPECT_FALSE(sink.run.inputs.empty());
  EXPECT_EQ(sink.run.inputs[0].sha256.size(), 64u);
}

TEST(ClearanceJob, ValidateRefusesBeforeReading) {
  auto r = request();
  r.id_field = "XMBHH";
  engine::ClearanceJob job(std::move(r));
  try {
    job.validate();
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'XMBH'"), std::string::npos) << e.what();
  }
  auto misfit = request();
  misfit.parcels.crs = "EPSG:4521";  // plain eastings declared zone-prefixed
  engine::ClearanceJob job2(std::move(misfit));
  EXPECT_THROW(job2.validate(), InputError);
}

TEST(ClearanceJob, CancelledByTheProgressFunction) {
  engine::ClearanceJob job(request());
  engine::ClearanceCollector sink;
  ProgressFn stop = [](const ProgressEvent& e) { return e.task != "checking parcels"; };
  EXPECT_THROW(job.run(sink, &stop), Cancelled);
  EXPECT_TRUE(sink.parcels.empty());  // end() never came
}

TEST(ClearanceJob, ShardsTogetherEqualOneRun) {
  // The batch cut into three spatial blocks (as MPI ranks would run it): every parcel checked
  // once, and the merged result equal to one run's, bit for bit.
  engine::ClearanceJob whole(request());
  engine::ClearanceSink keep;
  engine::ClearanceResult one = whole.run(keep);
  std::vector<engine::ClearanceResult> parts;
  std::vector<engine::ClearanceJob> jobs;
  std::size_t checked = 0;
  for (int k = 0; k < 3; ++k) {
    auto r = request();
    r.shard = {k, 3};
    jobs.emplace_back(std::move(r));
    parts.push_back(jobs.back().run(keep));
    checked += parts.back().parcels.size();
    EXPECT_EQ(parts.back().input_index.size(), parts.back().parcels.size());
  }
  EXPECT_EQ(checked, one.parcels.size());
  engine::ClearanceResult merged = engine::merge_shards(std::move(parts));
  ASSERT_EQ(merged.parcels.size(), one.parcels.size());
  for (std::size_t i = 0; i < one.parcels.size(); ++i) {
    const auto& a = one.parcels[i];
    const auto& b = merged.parcels[i];
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.verdict, b.verdict) << a.id;
    EXPECT_EQ(a.area_m2, b.area_m2) << a.id;
    EXPECT_EQ(a.outside_m2, b.outside_m2) << a.id;
    ASSERT_EQ(a.overlaps.size(), b.overlaps.size()) << a.id;
    for (std::size_t k = 0; k < a.overlaps.size(); ++k) {
      EXPECT_EQ(a.overlaps[k].rule_index, b.overlaps[k].rule_index);
      EXPECT_EQ(a.overlaps[k].class_value, b.overlaps[k].class_value);
      EXPECT_EQ(a.overlaps[k].area_m2, b.overlaps[k].area_m2) << a.id;
    }
  }
}

TEST(ClearanceJob, ShardBlocksPartitionTheParcels) {
  std::vector<gis::Extent> boxes;
  for (int i = 0; i < 100; ++i)
    boxes.push_back({i * 10.0, (i % 7) * 10.0, i * 10.0 + 5, (i % 7) * 10.0 + 5, true});
  boxes.push_back({});  // no geometry: still in exactly one block
  std::vector<int> seen(boxes.size(), 0);
  for (int k = 0; k < 4; ++k)
    for (std::size_t i : engine::shard_parcels(boxes, 4, k)) seen[i]++;
  for (int s : seen) EXPECT_EQ(s, 1);
}

TEST(ClearanceJob, BlocksOfParcelsGiveTheSameAnswer) {
  // One block per parcel (each reads only the rule data near it) against one block for all:
  // the same numbers bit for bit, and the sink still gets every parcel in its input position.
  engine::ClearanceJob whole(request());
  engine::ClearanceSink keep;
  engine::ClearanceResult one = whole.run(keep);
  auto r = request();
  r.block_parcels = 1;
  engine::ClearanceJob blocked(std::move(r));
  Counting sink;
  engine::ClearanceResult many = blocked.run(sink);  // the collector takes the parcels
  EXPECT_EQ(sink.seen.size(), one.parcels.size());
  ASSERT_EQ(sink.parcels.size(), one.parcels.size());
  ASSERT_NE(many.rules, nullptr);
  EXPECT_EQ(many.rules->size(), one.rules->size());
  for (std::size_t i = 0; i < one.parcels.size(); ++i) {
    const auto& a = one.parcels[i];
    const auto& b = sink.parcels[i];
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.verdict, b.verdict) << a.id;
    EXPECT_EQ(a.outside_m2, b.outside_m2) << a.id;
    ASSERT_EQ(a.overlaps.size(), b.overlaps.size()) << a.id;
    for (std::size_t k = 0; k < a.overlaps.size(); ++k) {
      EXPECT_EQ(a.overlaps[k].class_value, b.overlaps[k].class_value);
      EXPECT_EQ(a.overlaps[k].area_m2, b.overlaps[k].area_m2) << a.id;
      EXPECT_EQ(a.overlaps[k].ellipsoidal_m2, b.overlaps[k].ellipsoidal_m2) << a.id;
    }
  }
}
