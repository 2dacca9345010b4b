#pragma once
// The MPI world a sharded run lives in (docs/mpi.md): `mpirun -n N siteplan ...` starts N
// processes, each a rank that computes one shard of the work; rank 0 gathers the parts and writes
// the outputs. MPI is initialised only when the process was started by an MPI launcher (mpirun,
// srun with PMI/PMIx); otherwise — and in a build without MPI (-DSITEPLAN_MPI=OFF) — the world
// is one rank and nothing changes. Only the C API of MPI is used, from one thread at a time.
#include <cstdint>
#include <string>
#include <vector>

namespace siteplan::engine {

class MpiWorld {
 public:
  // Initialises MPI when launched by an MPI launcher. Throws UsageError when launched with more
  // than one rank by a build without MPI (every process would write the same outputs).
  MpiWorld();
  ~MpiWorld();  // MPI_Finalize (when initialised here)
  MpiWorld(const MpiWorld&) = delete;
  MpiWorld& operator=(const MpiWorld&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool root() const { return rank_ == 0; }
  // Ranks on this machine (shared memory); 1 without MPI.
  int local_size() const { return local_size_; }

  // Every call waits without spinning (a rank that waits leaves its core to the ranks that
  // work). Point to point, any size (sent in pieces of at most 1 GiB).
  void send(int to, int tag, const std::string& bytes) const;
  std::string recv(int from, int tag) const;
  // Collective: the largest / smallest of every rank's value.
  int max_all(int value) const;
  int min_all(int value) const;
  double max_all(double value) const;
  // Collective: root's bytes on every rank.
  std::string broadcast(const std::string& bytes, int root = 0) const;
  // Collective: every rank's bytes, in rank order, on every rank.
  std::vector<std::string> all_gather(const std::string& bytes) const;
  // Collective: out[k] to rank k, for every k; returns what every rank sent this one, in rank
  // order (this rank's own out[rank()] included). Pairs exchange in ascending order of
  // (lower rank, higher rank), the lower rank sending first: every rank goes through its pairs in
  // that global order, so the smallest pair not yet done always has both ranks at it (no
  // deadlock). `tag` must not be in use by other messages meanwhile.
  std::vector<std::string> all_to_all(const std::vector<std::string>& out, int tag) const;
  void barrier() const;
  // Ends every rank of the job at once (MPI_Abort); mpirun exits with `code`.
  [[noreturn]] void abort(int code) const;

  // The environment says an MPI launcher started this process, and with how many ranks
  // (0 = launched, size unknown; −1 = not launched).
  static int launched_size();
  // This process's rank as the launcher says (before any MPI call); −1 when not launched or
  // unknown.
  static int launched_rank();

 private:
  int rank_ = 0, size_ = 1, local_size_ = 1;
  bool initialised_ = false;
};

}  // namespace siteplan::engine
