// `tml export --arduino-library`: a quantized model as an installable Arduino library, for a sketch of
// your own (any sensor, any board the Arduino builders support), in the Arduino library layout (1.5):
//
//   <name>/library.properties         name, version, author, maintainer, sentence, paragraph, category, url,
//                                      architectures=*, includes=<name>.h
//   <name>/library.json               the same for PlatformIO
//   <name>/src/<name>.h               what a sketch includes: the API of tml_model_library.h
//   <name>/src/tml_model_library.*    one classifier over the model, arena and window as static arrays
//   <name>/src/tml_model.h            the exported model header (tml export, default prefix)
//   <name>/src/tml/..., src/core/...  the firmware core (firmware_sources.h: the same files tml flash stages)
//   <name>/examples/classify/classify.ino   reads a value per axis each sample period (analogRead, or rows
//                                      of text on Serial), prints the label and the scores of each window
//
// <name> is the output folder's name (or the .zip's stem) with every character but letters, digits and
// '_' made '_' (a letter first). Written to a temporary folder first: an existing library folder is only
// replaced once the new one is complete, and a folder that is not a tml library is never touched.
#pragma once

#include <filesystem>
#include <string>

#include "tml/trainer/quantized_model.h"

namespace tml::flash {

struct ArduinoLibraryOptions {
  std::filesystem::path out;  // the library folder to write, or a file ending in .zip (then only the zip)
  bool zip = false;           // with a folder: also write <folder>.zip beside it
  std::string kernels = "auto";  // auto (optimized where the Cortex-M DSP extension exists), optimized, reference
};

struct ArduinoLibrary {
  std::string name;
  std::filesystem::path dir;  // the library folder, empty when only the zip was asked for
  std::filesystem::path zip;  // empty without
};

// Writes the library for `model` (read from `model_path`, named in the generated comments). Throws
// tml::Error (UsageError for a bad name or kernel set).
ArduinoLibrary write_arduino_library(const trainer::QModel& model, const std::filesystem::path& model_path,
                                     const ArduinoLibraryOptions& options);

// The library name for an output path: "gestures-lib" -> "gestures_lib", "my.zip" -> "my".
std::string arduino_library_name(const std::filesystem::path& out);

}  // namespace tml::flash
