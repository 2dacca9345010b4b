#include "export/output_dir.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"

namespace fs = std::filesystem;

namespace siteplan::out {

OutputDir::OutputDir(const std::string& dir) : dir_(dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw UsageError(fmt::format("{}: --out must be a directory, and this is a file", dir));
  created_ = !fs::exists(dir, ec);
  fs::create_directories(dir, ec);
  if (ec)
    throw RuntimeError(fmt::format("{}: cannot create the output folder: {}", dir, ec.message()));
  staging_ = (fs::path(dir) / fmt::format(".siteplan-partial-{}", ::getpid())).string();
  fs::remove_all(staging_, ec);
  fs::create_directories(staging_, ec);
  if (ec)
    throw RuntimeError(fmt::format("{}: cannot write in the output folder: {}", dir, ec.message()));
}

OutputDir::~OutputDir() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(staging_, ec);
  // A failed run leaves no trace: a folder it made is removed again (only when empty).
  if (created_) fs::remove(dir_, ec);
}

std::string OutputDir::staged(const std::string& name) {
  names_.push_back(name);
  return (fs::path(staging_) / name).string();
}

std::string OutputDir::staged_dir(const std::string& name) {
  const std::string path = staged(name);
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) throw RuntimeError(fmt::format("{}: cannot create: {}", path, ec.message()));
  return path;
}

void OutputDir::remove_on_commit(const std::string& name) {
  stale_.push_back(name);
}

std::vector<std::string> OutputDir::commit() {
  std::vector<std::string> done;
  for (const auto& name : stale_) {
    std::error_code ec;
    fs::remove_all(fs::path(dir_) / name, ec);
    if (ec)
      throw RuntimeError(fmt::format("{}: cannot remove an older output: {}",
                                     (fs::path(dir_) / name).string(), ec.message()));
  }
  for (const auto& name : names_) {
    fs::path from = fs::path(staging_) / name;
    fs::path to = fs::path(dir_) / name;
    std::error_code ec;
    if (!fs::exists(from, ec)) continue;
    if (fs::is_directory(from, ec) && fs::is_directory(to, ec)) {
      fs::remove_all(to, ec);  // a staged folder replaces the older one as a whole
      if (ec)
        throw RuntimeError(
            fmt::format("{}: cannot replace the older folder: {}", to.string(), ec.message()));
    }
    fs::rename(from, to, ec);
    if (ec)
      throw RuntimeError(fmt::format("{}: cannot move the finished file into place: {}",
                                     to.string(), ec.message()));
    done.push_back(to.string());
  }
  std::error_code ec;
  fs::remove_all(staging_, ec);
  committed_ = true;
  return done;
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw RuntimeError(fmt::format("{}: cannot open for writing", path));
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) throw RuntimeError(fmt::format("{}: write failed (disk full?)", path));
}

}  // namespace siteplan::out
