#include "util/state_dir.h"

#include <cstdlib>

namespace tml {

std::filesystem::path state_dir() {
  if (const char* d = std::getenv("TML_STATE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x) return std::filesystem::path(x) / "tml";
  if (const char* h = std::getenv("HOME"); h && *h) return std::filesystem::path(h) / ".local" / "state" / "tml";
  return std::filesystem::temp_directory_path() / "tml-state";
}

}  // namespace tml
