#include "dataset/folder_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "tml/trainer/error.h"
#include "util/atomic_file.h"

namespace tml::dataset {
namespace fs = std::filesystem;

FolderLock::FolderLock(const fs::path& dir) {
  fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0) throw Error("cannot open dataset folder " + dir.string() + ": " + std::strerror(errno));
  while (::flock(fd_, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    const std::string why = std::strerror(errno);
    ::close(fd_);
    throw Error("cannot lock dataset folder " + dir.string() + ": " + why);
  }
}

FolderLock::~FolderLock() { ::close(fd_); }

void ensure_folder(const fs::path& dir, std::vector<fs::path>& created) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) throw Error("cannot write " + dir.string() + ": it exists and is not a folder");
    return;
  }
  if (!fs::create_directory(dir, ec)) {
    if (ec) throw Error("cannot create folder " + dir.string() + ": " + ec.message());
    // Another program created it meanwhile: fine, if it is a folder.
    if (!fs::is_directory(dir, ec)) throw Error("cannot write " + dir.string() + ": it exists and is not a folder");
    return;
  }
  created.push_back(dir);
  sync_folder(dir.has_parent_path() ? dir.parent_path() : fs::path("."));
}

}  // namespace tml::dataset
