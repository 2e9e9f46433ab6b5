// The dataset's manifest, <dataset>/dataset.json (datasets/README.md): format, version, the sensor
// configuration and one entry per sample. Written indented, one line per axis list and per sample, so
// that the file reads and diffs well; parsed strictly, every field checked.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "dataset/meta.h"

namespace tml::dataset {

constexpr const char* kManifest = "dataset.json";

struct Manifest {
  Meta meta;
  std::vector<SampleInfo> samples;
};

// The manifest's text.
std::string manifest_text(const Meta& meta, const std::vector<SampleInfo>& samples);

// Parses and checks a manifest's text; `file` names it in messages. Throws tml::Error for bad JSON, a
// missing or mistyped field, another format or version, an invalid configuration, label, id or split, a
// file name that is not data/<label>/<id>.csv or .wav, or an id given twice.
Manifest parse_manifest(const std::string& text, const std::filesystem::path& file);

// The manifest text of the dataset at `dir`. Throws tml::Error saying what is missing when `dir` is no
// dataset (no folder, no dataset.json).
std::string read_manifest(const std::filesystem::path& dir);

}  // namespace tml::dataset
