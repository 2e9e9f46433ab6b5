// What the targets that read files share (fuzz_csv_import.cc, ...): a scratch folder of this process,
// removed at exit, and files written into it without the atomic writer's fsyncs (a fuzzer writes one
// per input; nobody else reads them).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <unistd.h>

namespace tml::fuzz {

// A folder only this process uses, under $TMPDIR (else /tmp), removed at exit. The path lives on the
// heap, never destroyed, so that the exit handler can still read it after static destructors ran.
inline const std::filesystem::path& scratch() {
  static const std::filesystem::path* const dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    auto* d = new std::filesystem::path(std::filesystem::path(tmp && *tmp ? tmp : "/tmp") /
                                        ("tml-fuzz-" + std::to_string(::getpid())));
    std::filesystem::remove_all(*d);
    std::filesystem::create_directories(*d);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(scratch(), ec);
    });
    return d;
  }();
  return *dir;
}

// Writes `bytes` to `path` (its folder created), replacing it.
inline void put_file(const std::filesystem::path& path, std::string_view bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// The bits of a float, to compare values exactly (-0 and 0 differ, as they do in a file).
inline uint32_t bits(float v) {
  uint32_t u;
  static_assert(sizeof u == sizeof v, "float is 32 bits");
  __builtin_memcpy(&u, &v, sizeof u);
  return u;
}

}  // namespace tml::fuzz
