// Small helpers shared by the dataset tests.
#pragma once

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "test_support.h"
#include "tml/trainer/error.h"

namespace tml::test {

// The upstream copy of the example gestures (outside the repository; may be absent on other machines).
inline std::filesystem::path shared_gestures() {
  const auto shared = shared_dir();
  return shared.empty() ? std::filesystem::path("/nonexistent/shared/datasets/xiao-nrf54-gestures-ei")
                        : shared / "datasets" / "xiao-nrf54-gestures-ei";
}
inline std::filesystem::path example_kws() { return std::filesystem::path(TML_SOURCE_DIR) / "datasets" / "kws-mini"; }

inline void write_text(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << text;
}

// The message of the tml::Error `f` throws, or "" if it throws none.
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const tml::Error& e) {
    return e.what();
  }
  return "";
}

inline bool bits_equal(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

}  // namespace tml::test
