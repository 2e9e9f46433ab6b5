// Moving recordings into and out of a dataset, in any of the formats: this file detects the format,
// hands the input to that format's reader (ei_json.h, csv_format.h, wav_format.h), applies the rules for
// labels, sample ids and splits, and gives the result to the store as ONE atomic step.
//
// An import first reads and checks the WHOLE input (every file parsed, every value a finite float,
// every file agreeing on axes and rate, every label and id valid and unique); only then is anything
// written. So a bad file anywhere leaves the dataset exactly as it was. The naming rules are in
// input_files.h.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "dataset/dataset.h"
#include "formats/import_set.h"

namespace tml::dataset {

// "ei", "csv", "wav"; throws tml::UsageError for anything else.
Format parse_format(const std::string& name);
const char* format_name(Format f);   // "ei", ...
const char* format_title(Format f);  // "Edge Impulse JSON", ...

// Reads and checks the whole input (a file or a folder). Throws tml::UsageError for options that do not
// fit (a split that is not train or test, a rate that is not positive or given for another format than
// CSV), tml::Error naming the offending file for anything wrong in the input.
ImportSet read_import(const std::filesystem::path& input, const ImportOptions& options);

// Adds `set` to the dataset at `dir` (created when there is none) in one atomic step. The dataset's
// axes and rate must match the input's. Returns the new entries.
std::vector<SampleInfo> import_into(const std::filesystem::path& dir, const ImportSet& set, bool* created = nullptr);

// Writes every sample of `d` to the new (or empty) folder `out` in format `f`. On failure the files
// written so far are removed again.
void export_dataset(const Dataset& d, Format f, const std::filesystem::path& out);

}  // namespace tml::dataset
