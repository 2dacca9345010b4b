#pragma once
// Typed errors. Library code throws; the CLI (and the viewer) translate them to a
// message and an exit code at the edge: 2 = bad usage or bad input, 1 = the run failed.
#include <stdexcept>
#include <string>

namespace siteplan {

enum class ErrorKind {
  Usage,    // bad command line
  Input,    // bad input file: missing, unreadable, wrong content
  Runtime,  // the run failed for another reason (disk full, library failure)
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }
  int exit_code() const { return kind_ == ErrorKind::Runtime ? 1 : 2; }

 private:
  ErrorKind kind_;
};

struct InputError : Error {
  explicit InputError(const std::string& m) : Error(ErrorKind::Input, m) {}
};
struct UsageError : Error {
  explicit UsageError(const std::string& m) : Error(ErrorKind::Usage, m) {}
};
struct RuntimeError : Error {
  explicit RuntimeError(const std::string& m) : Error(ErrorKind::Runtime, m) {}
};

}  // namespace siteplan
