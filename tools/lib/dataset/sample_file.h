// A sample's file in the store, data/<label>/<id>.csv or .wav: numeric samples as a CSV table (a header
// row of axis names, then one row per time step), microphone samples as 16-bit PCM mono WAV.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "dataset/meta.h"

namespace tml::dataset {

// The file name a new sample gets: data/<label>/<id>.wav when the dataset stores WAV, else .csv.
std::string sample_file_name(const Meta& meta, const std::string& label, const std::string& id);

// The bytes of a sample's file (`file` says which kind: .wav or .csv). `values` holds rows x axes.
std::string encode_sample(const Meta& meta, const std::string& file, const std::vector<float>& values);

// Throws tml::Error naming `who` ("sample 'circle.1'"), the row and the axis unless every value is a finite
// number (and a 16-bit integer in an i16 dataset) and the values make whole rows of the dataset's axes.
void check_sample_values(const Meta& meta, const std::vector<float>& values, const std::string& who);

// Reads the file of `info` under `dir`. Throws tml::Error if it is missing, is a symbolic link (or lies in a
// folder of the dataset that is one), or disagrees with the manifest:
// columns not the dataset's axes, a value that is not a finite number (or not a 16-bit integer in an i16
// dataset), a WAV of another rate, another number of rows.
Sample read_sample(const std::filesystem::path& dir, const Meta& meta, const SampleInfo& info);

}  // namespace tml::dataset
