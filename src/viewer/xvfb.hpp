#pragma once
// VTK 9.1 on Debian draws through X only. A usable display is checked with XOpenDisplay; when
// there is none, a private Xvfb is started for the life of this object (and stopped after).
#include <sys/types.h>
#include <string>

namespace siteplan::viewer {

class XDisplay {
 public:
  explicit XDisplay(int width, int height);  // throws RuntimeError saying what to install
  ~XDisplay();
  XDisplay(const XDisplay&) = delete;
  XDisplay& operator=(const XDisplay&) = delete;
  bool started_own() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
  std::string log_;  // the server's output (removed with the server)
};

bool display_usable();

}  // namespace siteplan::viewer
