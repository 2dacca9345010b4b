#include "engine/mpi_clearance.hpp"

#include <fmt/core.h>
#include <ogr_geometry.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <utility>

#include "core/error.hpp"
#include "core/log.hpp"
#include "engine/mpi_hashes.hpp"
#include "engine/mpi_wire.hpp"
#include "engine/mpi_wire_geo.hpp"

namespace siteplan::engine {

namespace {
constexpr std::uint32_t kMagic = 0x53504331;  // "SPC1": a clearance part, version 1
constexpr int kTagPart = 101;
constexpr int kTagTime = 102;
constexpr int kTagHashes = 103;

using wire::get_geometry;
using wire::put_geometry;

void put_parcel(wire::Writer& w, const ParcelResult& p, bool geometry) {
  w.str(p.id);
  w.str(p.name);
  w.put<std::int32_t>(static_cast<std::int32_t>(p.status));
  w.str(p.problem);
  w.put(p.area_m2);
  w.put(p.ellipsoidal_m2);
  w.put(p.outside_m2);
  w.put<std::int32_t>(static_cast<std::int32_t>(p.verdict));
  w.strings(p.deciding_rules);
  w.put<std::uint64_t>(p.overlaps.size());
  for (const auto& o : p.overlaps) {
    wire::put_overlap(w, o);
    put_geometry(w, o.piece, geometry);
  }
  put_geometry(w, p.geometry, geometry);
}

ParcelResult get_parcel(wire::Reader& r) {
  ParcelResult p;
  p.id = r.str();
  p.name = r.str();
  p.status = static_cast<io::GeomStatus>(r.get<std::int32_t>());
  p.problem = r.str();
  p.area_m2 = r.get<double>();
  p.ellipsoidal_m2 = r.get<double>();
  p.outside_m2 = r.get<double>();
  p.verdict = static_cast<Verdict>(r.get<std::int32_t>());
  p.deciding_rules = r.strings();
  p.overlaps.resize(r.count(8 + 8 + 24 + 8));
  for (auto& o : p.overlaps) {
    wire::get_overlap(r, o);
    o.piece = get_geometry(r);
  }
  p.geometry = get_geometry(r);
  return p;
}

// User + system CPU time of this process (every thread).
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec);
  };
  return s(u.ru_utime) + s(u.ru_stime);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

std::string encode_clearance_part(const ClearanceCollector& shard, bool geometry) {
  wire::Writer w;
  w.put(kMagic);
  w.put<std::uint8_t>(geometry ? 1 : 0);
  std::vector<std::uint64_t> index(shard.input_index.begin(), shard.input_index.end());
  if (index.empty())  // a whole run: every parcel, in input order
    for (std::size_t i = 0; i < shard.parcels.size(); ++i) index.push_back(i);
  w.vec(index);
  w.put<std::uint64_t>(shard.run.attributes.values.size());
  for (const auto& row : shard.run.attributes.values) w.strings(row);
  w.strings(shard.run.group_of);
  w.put<std::uint64_t>(shard.parcels.size());
  for (const auto& p : shard.parcels) put_parcel(w, p, geometry);
  return std::move(w.bytes());
}

ClearanceShardPart decode_clearance_part(std::string_view bytes) {
  wire::Reader r(bytes);
  if (r.get<std::uint32_t>() != kMagic)
    throw RuntimeError("MPI: a rank sent something that is not a clearance part");
  r.get<std::uint8_t>();
  ClearanceShardPart part;
  for (std::uint64_t i : r.vec<std::uint64_t>()) part.result.input_index.push_back(i);
  part.values.resize(r.count(8));
  for (auto& row : part.values) row = r.strings();
  part.groups = r.strings();
  const std::size_t n = r.count(1);
  part.result.parcels.reserve(n);
  for (std::size_t i = 0; i < n; ++i) part.result.parcels.push_back(get_parcel(r));
  if (!r.done() || part.result.parcels.size() != part.result.input_index.size())
    throw RuntimeError("MPI: a rank's clearance part is inconsistent");
  return part;
}

ClearanceShardPart take_clearance_part(ClearanceCollector& shard) {
  ClearanceShardPart part;
  part.result.parcels = std::move(shard.parcels);
  part.result.input_index = shard.input_index;
  if (part.result.input_index.empty())
    for (std::size_t i = 0; i < part.result.parcels.size(); ++i)
      part.result.input_index.push_back(i);
  part.values = std::move(shard.run.attributes.values);
  part.groups = std::move(shard.run.group_of);
  shard.parcels.clear();
  return part;
}

MergedClearance merge_clearance_parts(const ClearanceRun& base,
                                      std::vector<ClearanceShardPart> parts) {
  MergedClearance m;
  m.run.request = base.request;
  m.run.work = base.work;
  m.run.parcels_label = base.parcels_label;
  m.run.coverage = base.coverage;
  m.run.rules = base.rules;
  m.run.attributes.names = base.attributes.names;
  m.run.inputs = base.inputs;
  std::size_t total = 0;
  bool groups = false;
  for (const auto& p : parts) {
    total += p.result.parcels.size();
    groups = groups || !p.groups.empty();
  }
  m.run.attributes.values.resize(total);
  if (groups) m.run.group_of.resize(total);
  std::vector<char> seen(total, 0);
  std::vector<ClearanceResult> results;
  for (auto& p : parts) {
    for (std::size_t k = 0; k < p.result.input_index.size(); ++k) {
      const std::size_t i = p.result.input_index[k];
      if (i >= total || seen[i])
        throw RuntimeError(fmt::format(
            "MPI: parcel {} is in two shards or beyond the batch ({} parcels)", i, total));
      seen[i] = 1;
      if (k < p.values.size()) m.run.attributes.values[i] = std::move(p.values[k]);
      if (groups && k < p.groups.size()) m.run.group_of[i] = std::move(p.groups[k]);
    }
    p.result.rules = base.rules;
    results.push_back(std::move(p.result));
  }
  m.result = merge_shards(std::move(results));
  m.result.input_index.clear();  // the whole batch, in input order
  return m;
}

ClearanceResult run_clearance_mpi(ClearanceJob& job, const MpiWorld& world, ClearanceSink& sink,
                                  const ProgressFn* progress, bool geometry,
                                  MpiClearanceTimes* times) {
  const auto t0 = std::chrono::steady_clock::now();
  MpiClearanceTimes local;
  MpiClearanceTimes& t = times ? *times : local;
  // The inputs' SHA-256 for the report, each file hashed once by one rank while the shards are
  // checked; rank 0 gathers them.
  job.validate();
  SharedInputHashes hashing(world, job.input_layers());

  ClearanceCollector shard;
  ClearanceResult own = job.run(shard, progress);
  t.shard_done = seconds_since(t0);
  if (!world.root()) {
    // When this shard was done (the monotonic clock, shared by the ranks of one machine) and
    // how long it took, then the part.
    wire::Writer w;
    w.put<std::int64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    w.put(t.shard_done);
    w.put(cpu_seconds());
    world.send(0, kTagTime, w.bytes());
    world.send(0, kTagPart, encode_clearance_part(shard, geometry));
    world.send(0, kTagHashes, hashing.mine());
    return {};
  }
  hashing.take(hashing.mine());
  std::vector<std::string> received;
  t.shard_seconds = {t.shard_done};
  t.shard_cpu = {cpu_seconds()};
  double last_end = t.shard_done;
  for (int r = 1; r < world.size(); ++r) {
    const std::string time = world.recv(r, kTagTime);
    wire::Reader tr(time);
    const std::chrono::steady_clock::time_point sent{
        std::chrono::steady_clock::duration{tr.get<std::int64_t>()}};
    t.shard_seconds.push_back(tr.get<double>());
    t.shard_cpu.push_back(tr.get<double>());
    last_end = std::max(last_end, std::chrono::duration<double>(sent - t0).count());
    received.push_back(world.recv(r, kTagPart));
    t.bytes += received.back().size();
    hashing.take(world.recv(r, kTagHashes));
  }
  t.parts_in = seconds_since(t0);
  t.last_shard_end = world.local_size() == world.size() ? last_end : t.parts_in;
  std::vector<ClearanceShardPart> parts;
  parts.push_back(take_clearance_part(shard));
  parts.back().result.threads_used = own.threads_used;
  for (auto& bytes : received) {
    parts.push_back(decode_clearance_part(bytes));
    std::string().swap(bytes);
  }
  MergedClearance m = merge_clearance_parts(shard.run, std::move(parts));
  m.run.inputs = hashing.records();
  t.merged = seconds_since(t0);
  log::debug(
      "MPI: {} ranks, own shard checked at {:.2f} s, {:.1f} MB of parts in at {:.2f} s, "
      "merged at {:.2f} s",
      world.size(), t.shard_done, static_cast<double>(t.bytes) / 1e6, t.parts_in, t.merged);
  sink.begin(m.run);
  try {
    for (std::size_t i = 0; i < m.result.parcels.size(); ++i) sink.parcel(i, m.result.parcels[i]);
    sink.end(m.run, m.result);
  } catch (...) {
    sink.abort();
    throw;
  }
  t.written = seconds_since(t0);
  return std::move(m.result);
}

}  // namespace siteplan::engine
