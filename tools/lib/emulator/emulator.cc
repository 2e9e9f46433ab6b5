#include "emulator/emulator.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "tml/trainer/error.h"
#include "util/atomic_file.h"
#include "util/process.h"
#include "util/state_dir.h"

namespace tml::emulator {
namespace {

// A port the kernel just handed out for 127.0.0.1; QEMU binds it right after.
int pick_free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw Error(std::string("cannot create a socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw Error(std::string("cannot find a free local port: ") + std::strerror(errno));
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

// QEMU's option syntax doubles commas inside a value.
std::string qemu_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    out += c;
    if (c == ',') out += ',';
  }
  return out;
}

// True once something listens on 127.0.0.1:port (QEMU has created its chardev socket). Probing with a
// connect would be taken by QEMU as the host's connection, so the listening socket is looked up instead.
bool port_listening(int port) {
  char hex[8];
  std::snprintf(hex, sizeof hex, ":%04X", port);
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::string text;
    try {
      text = read_file(table);
    } catch (const Error&) {
      continue;
    }
    size_t pos = 0;
    while ((pos = text.find(hex, pos)) != std::string::npos) {
      // local_address is the 2nd column; state (0A = LISTEN) follows the remote address.
      const size_t line_start = text.rfind('\n', pos) + 1;
      const size_t line_end = text.find('\n', pos);
      const std::string line = text.substr(line_start, line_end - line_start);
      pos += 5;
      char local[64], remote[64], state[8];
      int slot = 0;
      if (std::sscanf(line.c_str(), "%d: %63s %63s %7s", &slot, local, remote, state) == 4 &&
          std::strstr(local, hex) && std::strcmp(state, "0A") == 0)
        return true;
    }
  }
  return false;
}

}  // namespace

std::filesystem::path flashed_image() { return state_dir() / "sim" / "firmware.elf"; }

std::filesystem::path builtin_image() { return TML_DEFAULT_FIRMWARE_IMAGE; }

std::filesystem::path default_image() {
  if (const char* env = std::getenv("TML_FIRMWARE_IMAGE"); env && *env) return env;
  if (std::filesystem::exists(flashed_image())) return flashed_image();
  return builtin_image();
}

std::filesystem::path find_qemu() {
  if (auto qemu = find_program("qemu-system-arm")) return *qemu;
  throw Error("qemu-system-arm is not installed; run scripts/install-deps.sh (Debian package qemu-system-arm)");
}

Emulator::Emulator(const Options& options) {
  // A port can be taken between our probe and QEMU's bind; try a few.
  for (int attempt = 0;; ++attempt) {
    spawn(options);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.start_timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      if (!running()) break;
      if (port_listening(port_)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const std::string why = log();
    stop();
    if (attempt < 3 && why.find("Address already in use") != std::string::npos) continue;
    throw Error("the emulated board did not start" + (why.empty() ? std::string(" (no output)") : ":\n" + why));
  }
}

void Emulator::spawn(const Options& options) {
  const auto qemu = find_qemu();
  const auto image = options.image.empty() ? default_image() : options.image;
  if (!std::filesystem::exists(image))
    throw Error("no firmware image at " + image.string() + "; build it with scripts/build.sh");
  port_ = pick_free_port();
  status_ = -1;
  char tmpl[] = "/tmp/tml-qemu-XXXXXX";
  int log_fd = ::mkstemp(tmpl);
  if (log_fd < 0) throw Error(std::string("cannot create the emulator log: ") + std::strerror(errno));
  log_path_ = tmpl;

  std::vector<std::string> args = {
      qemu.string(), "-M", "mps2-an386", "-cpu", "cortex-m4", "-display", "none", "-monitor", "none",
      "-kernel", image.string(),
      "-chardev", "socket,id=link,host=127.0.0.1,port=" + std::to_string(port_) + ",server=on,wait=on",
      "-serial", "chardev:link"};
  std::string semihosting = "enable=on,target=native,arg=tml-mps2";
  for (const auto& a : options.firmware_args) semihosting += ",arg=" + qemu_escape(a);
  args.push_back("-semihosting-config");
  args.push_back(semihosting);
  if (options.count_instructions) {
    args.push_back("-icount");
    args.push_back("shift=0");
  }

  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw Error(std::string("cannot start qemu: ") + std::strerror(errno));
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive tml
    if (::getppid() != parent) _exit(1);
    int null_fd = ::open("/dev/null", O_RDWR);
    ::dup2(null_fd, 0);
    ::dup2(null_fd, 1);
    ::dup2(log_fd, 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  ::close(log_fd);
}

Emulator::~Emulator() {
  stop();
  std::error_code ec;
  if (!log_path_.empty()) std::filesystem::remove(log_path_, ec);
}

bool Emulator::running() {
  if (pid_ <= 0) return false;
  int st = 0;
  pid_t r = ::waitpid(pid_, &st, WNOHANG);
  if (r == 0) return true;
  status_ = r == pid_ && WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
  pid_ = -1;
  return false;
}

int Emulator::wait(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return status_;
}

std::string Emulator::log() const {
  try {
    return read_file(log_path_);
  } catch (const Error&) {
    return "";
  }
}

void Emulator::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  if (wait(1000) < 0 && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int st = 0;
    ::waitpid(pid_, &st, 0);
    pid_ = -1;
  }
}

}  // namespace tml::emulator
