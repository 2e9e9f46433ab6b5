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
// orphan file that no manifest entry points to, which `tml dataset info` reports). Additions from
// several processes are serialized with a lock (flock) on the dataset folder, and each re-reads the
// manifest first, so none is lost.
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

// The same rules for a sample id (it names the sample's file), up to 128 bytes.
void validate_sample_id(const std::string& id);

// Throws tml::Error unless `meta` is usable: a sensor name, at least one axis, axis names non-empty,
// unique and free of commas, quotes and control characters, a finite rate > 0, sample_format "f32" or
// "i16", test_percent in 0..100.
void validate_meta(const Meta& meta);

// "accelerometer: accx (m/s2), accy (m/s2), accz (m/s2) at 104 Hz, f32", for messages.
std::string describe(const Meta& meta);

// Whether two configurations describe the same recordings: the same axes (names and units) and the
// same rate (equal to 1e-9 relative).
bool same_axes_and_rate(const Meta& a, const Meta& b);

// Whether samples of this dataset are kept as .wav (a microphone with one axis, i16, integer rate)
// rather than .csv.
bool stores_wav(const Meta& meta);

// A sample to add with Dataset::add_all(); empty fields get the same defaults as in Dataset::add().
struct NewSample {
  std::string label;
  std::vector<float> values;  // rows x axes, row-major
  std::string device;
  std::string source;
  std::string id;       // generated "<label>.<8 hex>" when empty
  std::string split;    // hash_split(id) when empty
  std::string created;  // now (UTC, ISO 8601) when empty
};

// "train" or "test": the split words.
bool is_split(const std::string& split);

// Throws tml::Error("<where>: split \"<split>\" must be \"train\" or \"test\"") unless is_split(split).
void check_split(const std::string& split, const std::string& where);

// The split a sample id falls into for a given test share: "test" if fnv1a32(id) % 100 < test_percent.
std::string hash_split(const std::string& id, int test_percent);

class Dataset {
 public:
  // Opens an existing dataset; throws tml::Error with a clear message if the folder or manifest is
  // missing or malformed.
  static Dataset open(const std::filesystem::path& dir);

  // Opens `dir` if it holds a dataset (and checks `meta` matches it), otherwise creates it with `meta`.
  static Dataset open_or_create(const std::filesystem::path& dir, const Meta& meta);

  // A new, empty dataset that is written to `dir` only by its first successful add (so a failed import
  // into a new folder leaves nothing behind). Throws tml::Error if `dir` already holds a dataset or is
  // a folder with other files in it, or if `meta` is invalid.
  static Dataset create_on_first_add(const std::filesystem::path& dir, const Meta& meta);

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

  // Adds several samples as one atomic step: every sample is checked first, then all sample files are
  // written, then the manifest once. On any failure the files written so far (and folders created) are
  // removed and the dataset is exactly as before. Returns the new entries, in order.
  std::vector<SampleInfo> add_all(const std::vector<NewSample>& batch);

  // Files under data/ that no manifest entry names (left by an interrupted write), and leftover
  // temporary files of atomic writes; paths relative to dir(), sorted.
  std::vector<std::string> orphans() const;

  // Manifest entries whose sample file does not exist.
  std::vector<SampleInfo> missing() const;

 private:
  void reload_if_changed();

  std::filesystem::path dir_;
  Meta meta_;
  std::vector<SampleInfo> samples_;
  bool on_disk_ = false;        // false until the first add of a create_on_first_add() dataset
  std::string manifest_text_;   // the manifest as last read or written, to notice other writers
};

}  // namespace tml::dataset
