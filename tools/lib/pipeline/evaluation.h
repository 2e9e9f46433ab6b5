// `tml eval`: a model file's accuracy, per-class metrics and confusion matrix on one split of a dataset. A
// float model runs in the trainer; a quantized one on the firmware's int8 kernels, as the board runs it.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "tml/trainer/metrics.h"

namespace tml::pipeline {

struct Evaluation {
  std::filesystem::path model, dataset;
  bool quantized = false;  // the model ran on the firmware's int8 kernels
  std::string split;       // "test", "train" or "all"
  size_t recordings = 0;   // of that split
  int window = 0, stride = 0;
  trainer::Metrics metrics;
};

// Loads the model (float or quantized), reads the dataset with the model's labels, checks that it fits the
// model, and evaluates every window (the model's window; `stride`, else the model's) of the split's
// recordings. Throws UsageError for a split other than test, train or all or a stride below 1, Error when
// the split has no recordings.
Evaluation evaluate_model(const std::filesystem::path& model, const std::filesystem::path& dataset,
                          const std::string& split, std::optional<int> stride);

// "Int8 model g.q.model (firmware kernels) on gestures/ (test, 12 recordings, window 208 rows, stride 52 rows): "
// and the trainer's report of the metrics.
std::string format_evaluation(const Evaluation& e);

// What `tml eval --json` writes.
nlohmann::json evaluation_json(const Evaluation& e);

}  // namespace tml::pipeline
