// The dataset store: labelled recordings on disk, in a documented, human-inspectable format
// (datasets/README.md has the full specification).
//
//   <dataset>/
//     dataset.json                    the manifest (manifest.h): sensor, axes, units, rate, one entry per sample
//     data/<label>/<sample-id>.csv    numeric samples (sample_file.h): a header row of axis names, then the rows
//     data/<label>/<sample-id>.wav    audio samples (microphone, int16 PCM mono)
//
// A dataset has one sensor configuration (meta.h); adding a sample with a different configuration is
// refused. Every sample has a split, "train" or "test": given explicitly (an import keeps Edge Impulse's
// training/testing category) or from a hash of the sample id (names.h: repeatable, the same id always
// lands in the same split for the same test_percent).
//
// Every write is atomic (temporary file, fsync, rename): the sample file is written first, then the
// manifest, so an interrupted capture leaves the dataset as it was before the sample. The files an
// addition is about to write are first listed in a journal (kAdding), removed once the manifest names
// them: a program killed between them leaves its files listed there, and the next addition removes
// those the manifest does not name (the addition never happened; no orphan is left). Additions from
// several processes are serialized with a lock on the dataset folder (folder_lock.h), and each re-reads
// the manifest first, so none is lost.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "dataset/meta.h"
#include "dataset/names.h"

namespace tml::dataset {

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

// The file that marks a dataset folder being created: written (under the folder lock) before the first
// sample file and removed once the manifest is in place. A folder with the marker and no manifest holds
// only what a killed creation wrote.
constexpr const char* kCreating = ".tml-creating";

// The journal of an addition to a dataset on disk: the sample files it is about to write, one path
// (relative to the dataset) a line, written (under the folder lock) before them and removed once the
// manifest names them. One left behind is what a killed addition wrote; the next addition removes the
// files it lists that the manifest does not name.
constexpr const char* kAdding = ".tml-adding";

class Dataset {
 public:
  // Opens an existing dataset; throws tml::Error with a clear message if the folder or manifest is
  // missing or malformed.
  static Dataset open(const std::filesystem::path& dir);

  // Opens `dir` if it holds a dataset (and checks `meta` matches it), otherwise creates it with `meta`.
  // Several programs may do this at once on the same new folder: one creates it, the others open it.
  static Dataset open_or_create(const std::filesystem::path& dir, const Meta& meta);

  // A new, empty dataset that is written to `dir` only by its first successful add (so a failed import
  // into a new folder leaves nothing behind). Throws tml::Error if `dir` already holds a dataset or is
  // a folder with other files in it, or if `meta` is invalid. A folder that holds only what an earlier
  // creation left when it was killed (it carries the marker kCreating, or only the marker's temporary
  // files) counts as empty: the first add clears it.
  static Dataset create_on_first_add(const std::filesystem::path& dir, const Meta& meta);

  // Whether `dir` holds a dataset (a dataset.json).
  static bool exists(const std::filesystem::path& dir);

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
  // temporary files of atomic writes; paths relative to dir(), sorted. A creation marker (kCreating) beside
  // the manifest is not one, nor a journal (kAdding) and the files it lists: the dataset is whole and
  // its next write removes them.
  std::vector<std::string> orphans() const;

  // Manifest entries whose sample file does not exist.
  std::vector<SampleInfo> missing() const;

 private:
  void reload_if_changed();
  void undo_interrupted_addition();
  std::vector<std::string> journaled() const;
  std::vector<SampleInfo> check_new(const std::vector<NewSample>& batch) const;
  void write(const std::vector<SampleInfo>& added, const std::vector<NewSample>& batch, const std::string& manifest,
             bool locked);
  std::vector<SampleInfo> add_all(const std::vector<NewSample>& batch, bool locked);

  std::filesystem::path dir_;
  Meta meta_;
  std::vector<SampleInfo> samples_;
  bool on_disk_ = false;       // false until the first add of a create_on_first_add() dataset
  std::string manifest_text_;  // the manifest as last read or written, to notice other writers
};

}  // namespace tml::dataset
