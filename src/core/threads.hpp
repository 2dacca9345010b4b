#pragma once
// One thread budget per job. A job runs inside a TBB arena of `threads` slots (--threads N,
// [project] threads; 0 = all cores), and every parallel part of it — reading layers, converting
// and repairing geometries, loading rule layers side by side, checking parcels — runs its lanes
// on that arena, so N bounds them all. Results never depend on the budget: work lands by index.
// (Two I/O helpers run beside the arena: the GeoPackage writer and the input hashing.)
#include <functional>

namespace siteplan {

// Runs body in an arena of n threads (0 = all cores) and waits for it.
void with_thread_budget(int n, const std::function<void()>& body);
// The budget of the arena the caller runs in (≥ 1).
unsigned thread_budget();
// Runs lane(k) for k = 0 .. lanes−1 on the current arena, at most thread_budget() at once, and
// waits for all of them. Each lane owns its per-thread state (a GEOS context ...); lanes pull
// their work from a shared counter. An exception in a lane is rethrown after all lanes end.
void run_lanes(unsigned lanes, const std::function<void(unsigned)>& lane);

}  // namespace siteplan
