// The normal suite's side of a fuzz target (fuzz_target.h): replays the target's seed corpus and every
// input that fuzzing found (tests/fuzz/regressions/<target>/, one file per finding, kept once fixed),
// so each stays fixed in both the release and the sanitizer build. TML_FUZZ_TARGET names the target.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "fuzz_target.h"

namespace fs = std::filesystem;

namespace tml::fuzz {

struct CheckFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void fail(const char* what, const char* file, int line) {
  throw CheckFailed(std::string(file) + ":" + std::to_string(line) + ": check failed: " + what);
}

}  // namespace tml::fuzz

namespace {

std::vector<fs::path> inputs_in(const fs::path& dir) {
  std::vector<fs::path> files;
  if (!fs::is_directory(dir)) return files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().filename().string()[0] != '.') files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<uint8_t> read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Replays every file of `dir`; returns how many there were.
size_t replay(const fs::path& dir) {
  const auto files = inputs_in(dir);
  for (const auto& f : files) {
    INFO("input " << f.string());
    const std::vector<uint8_t> bytes = read_bytes(f);
    // A copy in a buffer of exactly the input's size, as libFuzzer gives it (ASan sees any overread).
    std::vector<uint8_t> exact(bytes);
    CHECK_NOTHROW(tml_fuzz_one_input(exact.empty() ? nullptr : exact.data(), exact.size()));
  }
  return files.size();
}

const fs::path kFuzzDir = fs::path(TML_SOURCE_DIR) / "tests" / "fuzz";

}  // namespace

TEST_CASE("fuzz " TML_FUZZ_TARGET ": the seed corpus replays with every check holding", "[fuzz]") {
  CHECK(replay(kFuzzDir / "corpus" / TML_FUZZ_TARGET) > 0);
}

TEST_CASE("fuzz " TML_FUZZ_TARGET ": every input fuzzing found replays with every check holding", "[fuzz]") {
  replay(kFuzzDir / "regressions" / TML_FUZZ_TARGET);
  // Edge cases every target must take: no bytes at all, one byte of each value.
  CHECK_NOTHROW(tml_fuzz_one_input(nullptr, 0));
  for (int b = 0; b < 256; ++b) {
    const uint8_t one = static_cast<uint8_t>(b);
    CHECK_NOTHROW(tml_fuzz_one_input(&one, 1));
  }
}
