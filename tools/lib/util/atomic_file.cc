#include "util/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>

#include "tml/trainer/error.h"

namespace tml {
namespace {

std::string os_reason() { return std::strerror(errno); }

// Whether process `pid` exists and still runs: a zombie (killed, not yet reaped, as an orphan is until
// init reaps it, which some containers' init never does) runs no more and writes nothing.
bool runs(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno != EPERM) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const size_t close = text.rfind(')');  // "<pid> (<name>) <state> ...": the name may hold anything
  return close == std::string::npos || close + 2 >= text.size() || text[close + 2] != 'Z';
}

}  // namespace

void sync_folder(const std::filesystem::path& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: some filesystems refuse to open folders
  ::fsync(fd);
  ::close(fd);
}

bool is_atomic_temporary(const std::string& name, long* pid) {
  // <target>.tmp.<digits>.<digits>
  const size_t last = name.rfind('.');
  if (last == std::string::npos || last + 1 == name.size()) return false;
  const size_t mid = name.rfind('.', last - 1);
  if (mid == std::string::npos || mid + 1 == last || mid < 4 || name.compare(mid - 4, 4, ".tmp") != 0) return false;
  auto digits = [&](size_t a, size_t b) {
    for (size_t i = a; i < b; ++i)
      if (name[i] < '0' || name[i] > '9') return false;
    return b - a <= 18;
  };
  if (!digits(mid + 1, last) || !digits(last + 1, name.size())) return false;
  if (pid) *pid = std::stol(name.substr(mid + 1, last - mid - 1));
  return true;
}

size_t remove_stale_temporaries(const std::filesystem::path& dir, bool all, const std::string& target) {
  namespace fs = std::filesystem;
  size_t removed = 0;
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir.empty() ? fs::path(".") : dir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    long pid = 0;
    if (!is_atomic_temporary(name, &pid)) continue;
    if (!target.empty() && name.compare(0, target.size() + 5, target + ".tmp.") != 0) continue;
    const bool running = pid > 0 && pid == static_cast<long>(static_cast<pid_t>(pid)) && runs(static_cast<pid_t>(pid));
    if (!all && (running || pid == static_cast<long>(::getpid()))) continue;
    std::error_code e2;
    std::error_code is_file_ec;
    if (!it->is_regular_file(is_file_ec)) continue;
    if (fs::remove(it->path(), e2)) ++removed;
  }
  return removed;
}

void write_file_atomic(const std::filesystem::path& path, std::string_view data) {
  const auto dir = path.parent_path();
  remove_stale_temporaries(dir, false, path.filename().string());
  std::random_device rd;
  const auto tmp = path.string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(rd() & 0xffffff);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("cannot write " + path.string() + ": " + os_reason());
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string why = os_reason();
      ::close(fd);
      ::unlink(tmp.c_str());
      throw Error("cannot write " + path.string() + ": " + why);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const std::string why = os_reason();
    ::unlink(tmp.c_str());
    throw Error("cannot write " + path.string() + ": " + why);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = os_reason();
    ::unlink(tmp.c_str());
    throw Error("cannot write " + path.string() + ": " + why);
  }
  sync_folder(dir);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read " + path.string() + ": " + os_reason());
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw Error("cannot read " + path.string() + ": " + os_reason());
  return std::move(ss).str();
}

}  // namespace tml
