#pragma once
// The inputs' SHA-256 for the reports of a distributed run (docs/mpi.md): every file hashed once,
// by one rank, in a thread beside that rank's work; rank 0 puts the records together. Hashing
// a province's DEM is seconds of work that would otherwise fall on rank 0 alone.
#include <future>
#include <string>
#include <vector>

#include "engine/inputs.hpp"
#include "engine/mpi_world.hpp"

namespace siteplan::engine {

class SharedInputHashes {
 public:
  // The layers in order, each by id once (as hash_inputs). Files go largest first, each to the
  // rank with the fewest bytes so far — every rank computes the same plan from the same sizes;
  // with `spare_root` rank 0 hashes nothing when there are other ranks (it has serial work of
  // its own). Starts this rank's thread.
  SharedInputHashes(const MpiWorld& world, const std::vector<LayerSpec>& layers,
                    bool spare_root = false);
  ~SharedInputHashes();
  SharedInputHashes(const SharedInputHashes&) = delete;
  SharedInputHashes& operator=(const SharedInputHashes&) = delete;

  // This rank's hashes (waits for its thread), for rank 0; once.
  std::string mine();
  // Rank 0: a rank's hashes (its own from mine() too).
  void take(const std::string& bytes);
  // Rank 0, once every rank's hashes are taken: the records, in the layers' order.
  std::vector<InputRecord> records() const;

 private:
  std::vector<InputRecord> inputs_;
  std::vector<std::string> files_;
  std::vector<std::ptrdiff_t> file_of_;  // per input: its file, −1 for a connection string
  std::vector<std::string> hashes_;      // per file
  std::future<std::string> thread_;
};

}  // namespace siteplan::engine
