// The firmware core as the Arduino builders get it: the one list of its files that every staged build
// uses (`tml flash --board wio-terminal` and `tml export --arduino-library`), so that a new firmware file
// is never left out of one of them.
//
// The list is a rule, not an enumeration: every file under firmware/include/ and firmware/src/ (hidden
// files aside) belongs to the core -- the same rule firmware/CMakeLists.txt applies with its recursive
// globs. In a library's src/ folder the headers keep their include paths (tml/model.h) and the sources go
// under core/ with their folders (core/kernels/reference/pool1d.h beside the .cc files that include it);
// .cc files are renamed .cpp, because arduino-cli compiles only .c, .cpp and .S files of a library.
//
// Both kernel sets are always staged; tml/build_config.h, written by stage_firmware_core(), tells
// kernels/kernel_set.cc which one the runner calls (Arduino builders take no -D options), and the
// linker's --gc-sections drops the other.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace tml::flash {

// Where tml finds the firmware sources: $TML_SOURCE_DIR, else the source tree tml was built from.
std::filesystem::path source_dir();

struct FirmwareFile {
  std::filesystem::path from;  // in the source tree
  std::filesystem::path to;    // relative to the library's src/ folder
};

// Every file of the firmware core under `source` (the project's root), sorted by destination. Throws
// tml::Error if `source` holds no firmware/.
std::vector<FirmwareFile> firmware_core_files(const std::filesystem::path& source);

// Throws UsageError unless `kernels` names a kernel set a board image is built with: reference or optimized.
void check_kernels(const std::string& kernels);

// The staged tml/build_config.h for a kernel set: "optimized" or "reference" selects it; "auto" leaves the
// choice to kernel_set.cc (the optimized set where the Cortex-M DSP extension exists, else the reference
// set). Throws UsageError for anything else.
std::string build_config_header(const std::string& kernels);

// Copies firmware_core_files(source) into `lib_src` (created; existing files replaced) and writes
// tml/build_config.h for `kernels`. Returns the destination paths written, relative to `lib_src`.
std::vector<std::filesystem::path> stage_firmware_core(const std::filesystem::path& source, const std::filesystem::path& lib_src,
                                                       const std::string& kernels);

}  // namespace tml::flash
