#include "engine/mpi_hashes.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>

#include "core/error.hpp"
#include "engine/mpi_wire.hpp"

namespace siteplan::engine {

SharedInputHashes::SharedInputHashes(const MpiWorld& world, const std::vector<LayerSpec>& layers,
                                     bool spare_root) {
  std::set<std::string> ids;
  std::map<std::string, std::size_t> index;
  for (const auto& l : layers) {
    if (!ids.insert(l.id).second) continue;
    inputs_.push_back({l.id, l.display(), ""});
    if (is_connection_string(l.source)) {
      file_of_.push_back(-1);
      continue;
    }
    auto it = index.emplace(l.source, files_.size()).first;
    if (it->second == files_.size()) files_.push_back(l.source);
    file_of_.push_back(static_cast<std::ptrdiff_t>(it->second));
  }
  hashes_.resize(files_.size());
  std::vector<int> hasher(files_.size(), 0);
  std::vector<std::pair<std::uintmax_t, std::size_t>> by_size;
  for (std::size_t f = 0; f < files_.size(); ++f) {
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(files_[f], ec);
    by_size.emplace_back(ec ? 0 : size, f);
  }
  std::stable_sort(by_size.begin(), by_size.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  const int first = spare_root && world.size() > 1 ? 1 : 0;
  std::vector<std::uintmax_t> load(static_cast<std::size_t>(world.size() - first), 0);
  for (const auto& [size, f] : by_size) {
    const auto k =
        static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    hasher[f] = static_cast<int>(k) + first;
    load[k] += size;
  }
  std::vector<std::size_t> own;
  for (std::size_t f = 0; f < files_.size(); ++f)
    if (hasher[f] == world.rank()) own.push_back(f);
  thread_ = std::async(std::launch::async, [this, own] {
    wire::Writer w;
    for (std::size_t f : own) {
      w.put<std::uint64_t>(f);
      w.str(sha256_file(files_[f]));
    }
    return std::move(w.bytes());
  });
}

SharedInputHashes::~SharedInputHashes() {
  if (thread_.valid()) thread_.wait();
}

std::string SharedInputHashes::mine() {
  return thread_.get();
}

void SharedInputHashes::take(const std::string& bytes) {
  wire::Reader r(bytes);
  while (!r.done()) {
    const auto f = static_cast<std::size_t>(r.get<std::uint64_t>());
    if (f >= files_.size()) throw RuntimeError("MPI: a rank hashed a file the run does not read");
    hashes_[f] = r.str();
  }
}

std::vector<InputRecord> SharedInputHashes::records() const {
  std::vector<InputRecord> out = inputs_;
  for (std::size_t i = 0; i < out.size(); ++i)
    if (file_of_[i] >= 0) out[i].sha256 = hashes_[static_cast<std::size_t>(file_of_[i])];
  return out;
}

}  // namespace siteplan::engine
