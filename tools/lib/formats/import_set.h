// What an import reads before anything is written: the options the user gave and every sample of the input,
// checked, with the configuration the files declare. Each format's reader (ei_json.h, csv_format.h,
// wav_format.h) fills one; transfer.h checks it as a whole and hands it to the store in one step.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dataset/meta.h"

namespace tml::dataset {

enum class Format { ei, csv, wav };

struct ImportOptions {
  std::optional<Format> format;  // detected from the input when not given
  std::string label;             // every sample gets this label
  std::optional<double> rate_hz; // CSV only: the sample rate (needed when the files have no time column)
  std::string split;             // "train" or "test" for every sample
  std::vector<std::string> target_columns;  // axes (columns) that are numeric targets, not inputs
};

// One sample read from the input and checked, not yet written.
struct PendingSample {
  std::string origin;  // the file it came from, for messages
  std::string label;
  std::string id;
  std::string split;    // "" = hash rule, applied by the store
  std::string device;
  std::string created;  // "" = now
  std::vector<float> values;
};

// The whole input of an import: the configuration its files declare and its samples.
struct ImportSet {
  Format format = Format::ei;
  Meta meta;
  std::vector<PendingSample> samples;
};

}  // namespace tml::dataset
