// socat in a test: a pseudo-terminal pair, or a pseudo-terminal bridged to a TCP port (the emulated board's
// serial port), for tests of tml over a real tty. The process is ended (and reaped) by the destructor.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "run_programs.h"

namespace tml::test {

// Whether socat is installed (scripts/install-deps.sh installs it); tests without it say they skipped.
inline bool have_socat() { return run({"socat", "-V"}, 10).exit_code == 0; }

// socat with two addresses; `links` are the pty links it makes, waited for (up to 5 s) before the
// constructor returns.
class Socat {
 public:
  Socat(const std::string& a, const std::string& b, std::vector<std::filesystem::path> links)
      : links_(std::move(links)) {
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      execlp("socat", "socat", a.c_str(), b.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 500 && !ready(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ~Socat() { end(); }
  Socat(const Socat&) = delete;
  Socat& operator=(const Socat&) = delete;

  // Every link exists.
  bool ready() const {
    for (const auto& l : links_)
      if (!std::filesystem::exists(l)) return false;
    return true;
  }
  bool running() const { return pid_ > 0; }
  // Ends socat now (the ptys go away, as a board unplugged from USB); idempotent.
  void end() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  std::vector<std::filesystem::path> links_;
};

// socat linking two ptys at dir/board and dir/host.
struct PtyPair : Socat {
  std::filesystem::path board, host;
  explicit PtyPair(const std::filesystem::path& dir)
      : Socat("pty,raw,echo=0,link=" + (dir / "board").string(), "pty,raw,echo=0,link=" + (dir / "host").string(),
              {dir / "board", dir / "host"}),
        board(dir / "board"),
        host(dir / "host") {}
};

// A pty at `link` whose bytes go to and come from 127.0.0.1:`tcp_port` (the emulated board's serial port):
// the board as a serial port.
struct PtyToTcp : Socat {
  std::filesystem::path link;
  PtyToTcp(const std::filesystem::path& link_path, int tcp_port)
      : Socat("pty,raw,echo=0,link=" + link_path.string(), "tcp:127.0.0.1:" + std::to_string(tcp_port), {link_path}),
        link(link_path) {}
};

// True when some process other than socat holds the terminal behind `link` (socat's symlink to /dev/pts/N) open.
inline bool port_is_open(const std::filesystem::path& link) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path tty = fs::canonical(link, ec);
  if (ec) return false;
  for (const auto& proc : fs::directory_iterator("/proc", ec)) {
    std::string comm;
    std::getline(std::ifstream(proc.path() / "comm"), comm);
    if (comm == "socat") continue;  // socat holds both ends itself
    std::error_code e2;
    for (const auto& fd : fs::directory_iterator(proc.path() / "fd", e2)) {
      std::error_code e3;
      if (fs::read_symlink(fd.path(), e3) == tty) return true;
    }
  }
  return false;
}

}  // namespace tml::test
