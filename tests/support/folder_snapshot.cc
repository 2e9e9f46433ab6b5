#include "folder_snapshot.h"

#include <fstream>
#include <sstream>

namespace tml::test {

FolderSnapshot snapshot(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  FolderSnapshot s;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return s;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
    const std::string rel = it->path().lexically_relative(dir).generic_string();
    if (it->is_symlink()) {
      s[rel] = "<link>" + fs::read_symlink(it->path()).string();
    } else if (it->is_directory()) {
      s[rel] = "<dir>";
    } else {
      std::ifstream in(it->path(), std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      s[rel] = ss.str();
    }
  }
  return s;
}

}  // namespace tml::test
