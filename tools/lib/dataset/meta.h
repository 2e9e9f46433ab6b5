// What every sample of a dataset shares (its sensor configuration), and what the manifest records of each
// sample. A dataset has one configuration; adding a sample with a different one is refused.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace tml::dataset {

struct Axis {
  std::string name;  // "accx"
  std::string unit;  // "m/s2"
  bool operator==(const Axis& o) const { return name == o.name && unit == o.unit; }
};

struct Meta {
  std::string sensor;         // "accelerometer", "microphone", "light", or free text from an import
  std::vector<Axis> axes;     // one or more
  double rate_hz = 0;         // samples per second, exact as declared by the device
  std::string sample_format;  // as captured: "f32" or "i16"
  int test_percent = 20;      // share of hash-split samples that go to "test"
  // Axes that are numeric targets (regression), not inputs: kept in the sample files like any column,
  // kept out of a model's inputs (datasets/README.md). Each names an axis; at least one axis stays an input.
  std::vector<std::string> targets;
};

// One sample as the manifest lists it.
struct SampleInfo {
  std::string id;       // unique in the dataset; file-name safe
  std::string label;    // validated by validate_label()
  std::string file;     // path relative to the dataset folder
  std::string split;    // "train" or "test"
  size_t rows = 0;      // samples (time steps)
  std::string device;   // "mps2-an386 0.1.0", "DATA_FORWARDER 03:72:69:C7", ...
  std::string source;   // "capture", "import:ei", "import:csv", "import:wav"
  std::string created;  // UTC, ISO 8601
  // Numeric targets of the whole sample (regression), by name: "targets": {"rain_mm": 1.5} in the
  // manifest ("target": 1.5 is read as {"target": 1.5}). Names are not axis names.
  std::map<std::string, double> targets;
};

// A sample's values: rows x axes, row-major (values[r * axes + a]).
struct Sample {
  SampleInfo info;
  std::vector<float> values;
};

// Throws tml::Error unless `meta` is usable: a sensor name, at least one axis, axis names non-empty,
// unique and free of commas, quotes and control characters, a finite rate > 0, sample_format "f32" or
// "i16", test_percent in 0..100, targets naming distinct axes with at least one axis left as an input.
void validate_meta(const Meta& meta);

// "accelerometer: accx (m/s2), accy (m/s2), accz (m/s2) at 104 Hz, f32", for messages.
std::string describe(const Meta& meta);

// "accx (m/s2), accy (m/s2), accz (m/s2)": the axes with their units, for messages.
std::string describe(const std::vector<Axis>& axes);

// Whether two configurations describe the same recordings: the same axes (names and units), the same
// target axes and the same rate (equal to 1e-9 relative).
bool same_axes_and_rate(const Meta& a, const Meta& b);

// Whether samples of this dataset are kept as .wav (a microphone with one axis, i16, integer rate)
// rather than .csv.
bool stores_wav(const Meta& meta);

}  // namespace tml::dataset
