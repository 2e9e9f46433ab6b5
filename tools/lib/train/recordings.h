// Glue between the dataset store and the trainer: a Dataset's samples as the trainer's in-memory
// recordings, and model files on disk.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "dataset/dataset.h"
#include "tml/trainer/data.h"
#include "tml/trainer/float_model.h"
#include "tml/trainer/quantized_model.h"

namespace tml::train {

// Every sample of `ds`, loaded into memory. `labels` fixes the label order (a model's labels); empty means
// the dataset's labels, sorted. Throws tml::Error if a sample's label is not in `labels`, if the dataset
// is empty, or if a sample cannot be read.
trainer::RecordingSet load_recordings(const dataset::Dataset& ds, const std::vector<std::string>& labels = {});

// The recordings of `source`: a dataset folder (through Dataset), or anything `tml dataset import` reads
// (an Edge Impulse export, CSV or WAV files), read in memory with the importer's rules and nothing
// written. Same `labels` rule and errors as load_recordings().
trainer::RecordingSet read_recordings(const std::filesystem::path& source, const std::vector<std::string>& labels = {});

// Writes a model file atomically. Throws tml::Error naming the path.
void save_model(const trainer::Model& model, const std::filesystem::path& path);

// Reads and validates a model file. Throws tml::Error naming the path and what is wrong.
trainer::Model load_model(const std::filesystem::path& path);

// The same for quantized model files (.q.model).
void save_qmodel(const trainer::QModel& model, const std::filesystem::path& path);
trainer::QModel load_qmodel(const std::filesystem::path& path);

// Which kind of model file `path` is: "tml-model" (float, from tml train) or "tml-quantized-model" (from
// tml quantize). Throws tml::Error if the file is missing or is neither.
std::string model_file_format(const std::filesystem::path& path);

}  // namespace tml::train
