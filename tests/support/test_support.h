// Helpers every test may use: paths into the source and build trees, and scratch folders (run_programs.h
// runs programs and the tml binary).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace tml::test {

inline std::filesystem::path source_dir() { return TML_SOURCE_DIR; }
inline std::filesystem::path binary_dir() { return TML_BINARY_DIR; }
// The project's own copy of the example gestures (datasets/gestures-ei).
inline std::filesystem::path example_gestures() { return source_dir() / "datasets" / "gestures-ei"; }

// The build machines' shared folder (public datasets, the vendored Wio Terminal core, peer benchmarks), read
// only: $TML_SHARED_DIR, else ../shared beside the checkout, else /work/shared. Empty when none exists (a
// user's clone): tests that need it say they were skipped.
inline std::filesystem::path shared_dir() {
  std::vector<std::filesystem::path> candidates;
  if (const char* env = std::getenv("TML_SHARED_DIR")) candidates.emplace_back(env);
  candidates.push_back(source_dir().parent_path() / "shared");
  candidates.emplace_back("/work/shared");
  for (const auto& c : candidates)
    if (!c.empty() && std::filesystem::is_directory(c / "datasets")) return c;
  return {};
}

// A fresh, empty folder under the system temp dir, removed (with its contents) on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& tag = "tml-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace tml::test
