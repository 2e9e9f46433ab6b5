// The folder `tml flash --board wio-terminal` builds from, as arduino-cli and PlatformIO want it:
//
//   <dir>/tml_wio/            the sketch: tml_wio.ino and the port's .cpp/.h files (firmware/ports/wio_terminal/
//                             tml_wio), tml_config.h (TML_WITH_MODEL) and, with a model, its header as tml_model.h
//   <dir>/libraries/tml/      the firmware core as an Arduino library: library.properties, src/tml_core.h and
//                             every file of firmware_core_files() (firmware_sources.h) with tml/build_config.h
//                             choosing the kernel set
//   <dir>/platformio.ini      the same folders for PlatformIO
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace tml::flash {

struct WioStage {
  std::filesystem::path sketch;                 // <dir>/tml_wio
  std::filesystem::path library;                // <dir>/libraries/tml
  std::vector<std::filesystem::path> core_files;  // relative to library/src, as stage_firmware_core() wrote them
};

// (Re)creates the staged folders under `dir` (what was staged there before is replaced) from the sources
// under `source` (source_dir()). `model` is an exported header or empty; `kernels` "optimized" or
// "reference". Throws tml::Error (UsageError for a bad kernel set).
WioStage stage_wio(const std::filesystem::path& dir, const std::filesystem::path& source, const std::filesystem::path& model,
                   const std::string& kernels);

}  // namespace tml::flash
