// The input files of an import and the rules that name their samples, shared by every format
// (datasets/README.md repeats them for users):
//   label  --label; else the importer's manifest (EI info.labels, manifest.csv); else, for CSV and WAV,
//          the nearest folder between the input folder and the file that is not training/testing/
//          train/test; else the file name up to its first '.'.
//   split  --split; else the manifest's category; else a training/testing (train/test) folder on the
//          way to the file; else hash_split(id) with the dataset's test_percent.
//   id     EI: info.labels' name, else "<a>.<b>" from an EI file name "<a>.json.<b>.<rest>.json", else
//          the file name without .json. CSV/WAV: the file name without extension, prefixed with
//          "<label>." unless it already starts with it.
// And what the exports share: the training/testing folders and manifest.csv.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "dataset/meta.h"
#include "formats/import_set.h"

namespace tml::dataset {

// One input file and where it was found.
struct InputFile {
  std::filesystem::path path;
  std::filesystem::path root;  // the folder given on the command line (for one file: its parent)
  bool single = false;         // the input was this file itself
};

// `input` itself if it is a file, else every non-hidden file under the folder whose name ends in
// `extension` (".json"), recursively, sorted by path, minus the names in `skip`.
std::vector<InputFile> input_files(const std::filesystem::path& input, const std::string& extension,
                                   const std::vector<std::string>& skip = {});

// The split the folders on the way to a file give ("train", "test" or "").
std::string split_from_folders(const InputFile& f);
// "training"/"train" -> "train", "testing"/"test" -> "test"; anything else throws, naming `origin`.
std::string split_from_category(const std::string& category, const std::string& origin);
// The label a CSV/WAV file gets from its folders or name (see the rules above); EI uses only the name.
std::string label_from_path(const InputFile& f, bool use_folders);
// "<label>.<stem>" unless `stem` already starts with "<label>.".
std::string id_from_stem(const std::string& label, const std::string& stem);
// A sensor name for imported axes: "accelerometer" for acc*, "gyroscope" for gyr*, "microphone" for
// one "audio" axis, else "imported".
std::string guess_sensor(const std::vector<Axis>& axes);
// A rate from a sampling interval, rounded to 1e-6 Hz (so 1000 / 9.615384615384615 ms is 104 Hz).
double rate_from_interval_s(double interval_s);

// The files of a CSV or WAV import, with the label (--label applied), id and split each gets from the
// folder's manifest.csv if it has one, else from its folders and name.
struct LabelledFile {
  InputFile file;
  std::string label;
  std::string id;
  std::string split;
};
std::vector<LabelledFile> labelled_files(const std::filesystem::path& input, const std::string& extension,
                                         const ImportOptions& options);

// "training" or "testing": the export folder of a split.
std::string split_folder(const std::string& split);

// The path an export gives a sample: "<training|testing>/<id>.<extension>", the id prefixed with
// "<label>." unless it starts with it.
std::string export_path(const SampleInfo& info, const std::string& extension);

// manifest.csv of the CSV and WAV exports: "file,label,split", one row per sample.
struct ManifestRow {
  std::string file;  // relative to the manifest's folder
  std::string label;
  std::string split;
  size_t line = 0;
};
std::vector<ManifestRow> read_manifest_csv(const std::filesystem::path& file);
std::string format_manifest_csv(const std::vector<ManifestRow>& rows);
constexpr const char* kManifestCsv = "manifest.csv";

}  // namespace tml::dataset
