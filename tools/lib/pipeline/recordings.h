// The dataset store and the importers seen from the trainer: a dataset's samples, or any input `tml dataset
// import` reads, as the trainer's in-memory recordings.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "dataset/dataset.h"
#include "tml/trainer/data.h"

namespace tml::pipeline {

// Every sample of `ds`, loaded into memory. `labels` fixes the label order (a model's labels); empty means
// the dataset's labels, sorted. Throws tml::Error if a sample's label is not in `labels`, if the dataset
// is empty, or if a sample cannot be read.
trainer::RecordingSet load_recordings(const dataset::Dataset& ds, const std::vector<std::string>& labels = {});

// The recordings of `source`: a dataset folder (through Dataset), or anything `tml dataset import` reads
// (an Edge Impulse export, CSV or WAV files), read in memory with the importer's rules and nothing
// written. Same `labels` rule and errors as load_recordings().
trainer::RecordingSet read_recordings(const std::filesystem::path& source, const std::vector<std::string>& labels = {});

}  // namespace tml::pipeline
