// The dataset store: labelled recordings on disk, in a documented, human-inspectable format
// (datasets/README.md has the full specification).
//
//   <dataset>/
//     dataset.json                    the manifest: sensor, axes, units, rate, and one entry per sample
//     data/<label>/<sample-id>.csv    numeric samples: a header row of axis names, then one row per sample
//     data/<label>/<sample-id>.wav    audio samples (microphone, int16 PCM mono)
//
// A dataset has one sensor configuration (sensor, axes with units, sample rate, sample format); adding a
// sample with a different configuration is refused. Every sample has a split, "train" or "test": given
// explicitly (an import keeps Edge Impulse's training/testing category) or from a hash of the sample id
// (repeatable: the same id always lands in the same split for the same test_percent).
//
// Every write is atomic (temporary file, fsync, rename): the sample file is written first, then the
// manifest, so an interrupted capture leaves the dataset as it was before the sample (at worst an
// orphan file that no manifest entry points to, which `tml dataset info` reports).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tml::dataset {

struct Axis {
  std::string name;  // "accx"
  std::string unit;  // "m/s2"
  bool operator==(const Axis& o) const { return name == o.name && unit == o.unit; }
};

// What every sample of a dataset shares.
struct Meta {
  std::string sensor;          // "accelerometer", "microphone", "light", or free text from an import
  std::vector<Axis> axes;      // one or more
  double rate_hz = 0;          // samples per second, exact as declared by the device
  std::string sample_format;   // as captured: "f32" or "i16"
  int test_percent = 20;       // share of hash-split samples that go to "test"
};

struct SampleInfo {
  std::string id;       // unique in the dataset; file-name safe
  std::string label;    // validated by validate_label()
  std::string file;     // path relative to the dataset folder
  std::string split;    // "train" or "test"
  size_t rows = 0;      // samples (time steps)
  std::string device;   // "mps2-an386 0.1.0", "DATA_FORWARDER 03:72:69:C7", ...
  std::string source;   // "capture", "import:ei", "import:csv", "import:wav"
  std::string created;  // UTC, ISO 8601
};

// A sample's values: rows x axes, row-major (values[r * axes + a]).
struct Sample {
  SampleInfo info;
  std::vector<float> values;
};

// Throws tml::Error explaining what is wrong with a label: empty, longer than 64 bytes, a path separator,
// "." or "..", a control character, or a leading dash/dot.
void validate_label(const std::string& label);

// The split a sample id falls into for a given test share: "test" if fnv1a32(id) % 100 < test_percent.
std::string hash_split(const std::string& id, int test_percent);

class Dataset {
 public:
  // Opens an existing dataset; throws tml::Error with a clear message if the folder or manifest is
  // missing or malformed.
  static Dataset open(const std::filesystem::path& dir);

  // Opens `dir` if it holds a dataset (and checks `meta` matches it), otherwise creates it with `meta`.
  static Dataset open_or_create(const std::filesystem::path& dir, const Meta& meta);

  const std::filesystem::path& dir() const { return dir_; }
  const Meta& meta() const { return meta_; }
  const std::vector<SampleInfo>& samples() const { return samples_; }
  std::vector<std::string> labels() const;  // sorted, unique

  // Reads one sample's values; throws tml::Error if its file is missing or disagrees with the manifest.
  Sample load(const SampleInfo& info) const;

  // Adds a sample atomically (sample file, then manifest). `values` holds rows x axes values. `id` is
  // generated ("<label>.<8 hex>") when empty; `split` from hash_split() when empty. Throws tml::Error
  // (and leaves the dataset unchanged) on a bad label, a duplicate id, a size mismatch or an I/O error.
  SampleInfo add(const std::string& label, const std::vector<float>& values, const std::string& device,
                 const std::string& source, const std::string& id = "", const std::string& split = "");

 private:
  std::filesystem::path dir_;
  Meta meta_;
  std::vector<SampleInfo> samples_;
};

// Opens `source` if it is a tml dataset folder; otherwise imports it (anything `tml dataset import` reads:
// an Edge Impulse export, CSV or WAV files) into a new dataset at `scratch` and opens that.
Dataset open_or_import(const std::filesystem::path& source, const std::filesystem::path& scratch);

}  // namespace tml::dataset
