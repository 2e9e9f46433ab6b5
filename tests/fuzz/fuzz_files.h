// What the targets that read files share (the importers: fuzz_csv_import.cc, ...): a scratch folder of
// this process, removed at exit, files written into it without the atomic writer's fsyncs (a fuzzer
// writes one per input; nobody else reads them), and the importer's read with the checks every target makes.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include <unistd.h>

#include "dataset/meta.h"
#include "formats/transfer.h"
#include "fuzz_target.h"
#include "tml/trainer/error.h"

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

// Reads `input` as `tml dataset import` does (read_import). A refused input may only be a tml::Error with a
// message; an accepted one has a valid configuration. Returns nothing when refused.
inline std::optional<dataset::ImportSet> checked_import(const std::filesystem::path& input,
                                                        const dataset::ImportOptions& options) {
  std::optional<dataset::ImportSet> set;
  try {
    set = dataset::read_import(input, options);
  } catch (const tml::Error& e) {
    TML_FUZZ_CHECK(*e.what() != '\0');
    return std::nullopt;
  }
  try {
    dataset::validate_meta(set->meta);
  } catch (const tml::Error&) {
    TML_FUZZ_CHECK(!"an accepted import's configuration is valid");
  }
  return set;
}

}  // namespace tml::fuzz
