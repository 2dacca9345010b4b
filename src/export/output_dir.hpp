#pragma once
// Atomic outputs: every file is written into a hidden staging folder inside DIR and moved into
// place only when the whole run succeeded. A failed or interrupted run leaves no file that looks
// finished (the staging folder is removed, or, after a kill, left under a name starting with
// ".siteplan-partial-"). Inputs are never written.
#include <string>
#include <vector>

namespace siteplan::out {

class OutputDir {
 public:
  explicit OutputDir(const std::string& dir);  // creates DIR when missing; throws on failure
  ~OutputDir();                                // discards staged files unless committed
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

  // Path to write `name` to (inside the staging folder).
  std::string staged(const std::string& name);
  // A folder `name` inside the staging folder (created), moved into DIR on commit; a folder of
  // that name from an earlier run is replaced as a whole.
  std::string staged_dir(const std::string& name);
  // DIR/`name` from an earlier run, if any, is removed on commit (a file or folder this run's
  // outputs supersede, e.g. suitability.tif when the map is written as tiles).
  void remove_on_commit(const std::string& name);
  // Moves every staged file into DIR (replacing older ones) and removes the staging folder.
  std::vector<std::string> commit();
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::string staging_;
  std::vector<std::string> names_;
  std::vector<std::string> stale_;
  bool committed_ = false;
  bool created_ = false;  // the folder did not exist before this run
};

// Writes text to a file, throwing RuntimeError with the path on failure.
void write_text(const std::string& path, const std::string& text);

}  // namespace siteplan::out
