#include "viewer/xvfb.hpp"

#include <X11/Xlib.h>
#include <fmt/core.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/error.hpp"
#include "core/log.hpp"

namespace siteplan::viewer {

bool display_usable() {
  const char* d = std::getenv("DISPLAY");
  if (!d || !*d) return false;
  Display* dpy = XOpenDisplay(nullptr);
  if (!dpy) return false;
  XCloseDisplay(dpy);
  return true;
}

namespace {
std::string find_xvfb() {
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= p.size()) {
    std::size_t end = p.find(':', start);
    std::string dir = p.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::string cand = dir + "/Xvfb";
    if (!dir.empty() && access(cand.c_str(), X_OK) == 0) return cand;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return access("/usr/bin/Xvfb", X_OK) == 0 ? "/usr/bin/Xvfb" : "";
}
}  // namespace

XDisplay::XDisplay(int width, int height) {
  if (display_usable()) return;
  std::string xvfb = find_xvfb();
  if (xvfb.empty())
    throw RuntimeError(
        "no X display is available and Xvfb is not installed: VTK on Debian renders through X. "
        "Install it with `apt-get install xvfb xauth` (or run under an X session)");
  // Xvfb (and the xkbcomp it runs) talk on stdout/stderr: that goes to a log, shown only when
  // the server fails to start.
  char log_path[] = "/tmp/siteplan-xvfb-XXXXXX";
  int log_fd = mkstemp(log_path);
  if (log_fd >= 0) log_ = log_path;
  for (int n = 91 + static_cast<int>(getpid() % 400); n < 1000; ++n) {
    if (std::filesystem::exists(fmt::format("/tmp/.X11-unix/X{}", n)) ||
        std::filesystem::exists(fmt::format("/tmp/.X{}-lock", n)))
      continue;
    std::string disp = fmt::format(":{}", n);
    std::string screen =
        fmt::format("{}x{}x24", std::max(width, 1280) + 64, std::max(height, 1024) + 64);
    pid_t pid = fork();
    if (pid < 0) throw RuntimeError("cannot start Xvfb (fork failed)");
    if (pid == 0) {
      // Child: Xvfb's chatter to the log, then become the X server.
      int fd = log_fd >= 0 ? log_fd : open("/dev/null", O_WRONLY);
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      execl(xvfb.c_str(), "Xvfb", disp.c_str(), "-screen", "0", screen.c_str(), "-nolisten", "tcp",
            "-noreset", static_cast<char*>(nullptr));
      _exit(127);
    }
    pid_ = pid;
    setenv("DISPLAY", disp.c_str(), 1);
    for (int i = 0; i < 100; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;  // died (display taken?): try the next number
      }
      if (display_usable()) {
        log::debug("started Xvfb on {} (log {})", disp, log_);
        if (log_fd >= 0) close(log_fd);
        return;
      }
    }
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  if (log_fd >= 0) close(log_fd);
  std::string text;
  if (!log_.empty()) {
    std::ifstream f(log_);
    std::stringstream ss;
    ss << f.rdbuf();
    text = ss.str();
    std::error_code ec;
    std::filesystem::remove(log_, ec);
    log_.clear();
  }
  if (text.size() > 4000) text = "..." + text.substr(text.size() - 4000);
  throw RuntimeError("Xvfb did not start; check `Xvfb :99` by hand (is xauth installed?)" +
                     (text.empty() ? std::string() : "\nXvfb said:\n" + text));
}

XDisplay::~XDisplay() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  if (!log_.empty()) {
    std::error_code ec;
    std::filesystem::remove(log_, ec);
  }
}

}  // namespace siteplan::viewer
