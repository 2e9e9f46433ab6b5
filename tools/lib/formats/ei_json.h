// Edge Impulse's data acquisition format: one JSON file per sample,
//
//   {"protected":{"ver":"v1","alg":"HS256","iat":1758902163},"signature":"<hex>",
//    "payload":{"device_name":"03:72:69:C7","device_type":"DATA_FORWARDER","interval_ms":9.615384615384615,
//               "sensors":[{"name":"accx","units":"m/s2"},...],"values":[[0.5786,-1.9986,-0.6639],...]}}
//
// and, for a folder export, an info.labels manifest: {"version":1,"files":[{"path":"training/x.json",
// "name":"circle.6600enq7","category":"training","label":{"type":"label","label":"circle"}},...]}.
//
// Values are read straight from their decimal text to float32 (never through double) and written as
// the shortest decimal of the float32, so import -> export gives back the very numbers of the files
// and export -> import gives back the very floats. The rate is 1000 / interval_ms rounded to 1e-6 Hz.
// The signature is not checked on import; exports are unsigned ("alg":"none", 64 zero digits).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dataset/dataset.h"
#include "formats/input_files.h"

namespace tml::dataset {

// One data acquisition file.
struct EiSample {
  std::string device_name;
  std::string device_type;
  double interval_ms = 0;
  std::vector<Axis> sensors;  // name and units
  std::vector<float> values;  // rows x sensors, row-major
  std::optional<int64_t> iat; // protected.iat (Unix time) if present
};

// Parses one file. Throws tml::Error naming `origin` for bad JSON, missing or mistyped fields, rows of
// the wrong width, non-numeric values, values outside the float32 range, or no rows. `values` may be a
// list of rows ([[x,y,z],...]) or, for one sensor, a flat list of numbers.
EiSample parse_ei_json(std::string_view text, const std::string& origin);

// Writes one file in the layout above, on one line; one-sensor values as a flat list, as Edge Impulse
// does for audio.
std::string format_ei_json(const EiSample& s, int64_t iat);

// Reads an EI export folder (with info.labels), a folder of EI files, or one file.
ImportSet read_ei(const std::filesystem::path& input, const ImportOptions& options);

// Writes training/ and testing/ with one <id>.json per sample, and info.labels, into `out` (empty).
void export_ei(const Dataset& d, const std::filesystem::path& out);

}  // namespace tml::dataset
