#pragma once
// Every input of a run with its SHA-256, for the reports: a run is reproducible from its project
// file plus inputs with these checksums.
#include <string>
#include <vector>

#include "project/project.hpp"

namespace siteplan::engine {

struct InputRecord {
  std::string id, source, sha256;  // sha256 "" for connection strings (PG:...) and unreadable files
};

// SHA-256 of a file, hex ("" when it cannot be read).
std::string sha256_file(const std::string& path);
// The layers in order, each data set once by layer id.
std::vector<InputRecord> hash_inputs(const std::vector<const LayerSpec*>& layers);

}  // namespace siteplan::engine
