// Glue shared by `tml quantize`, `tml export`, `tml eval` and `tml train --header`: quantizing a float
// model against a dataset, the quantized model file's record, the header's settings, and the printed and
// JSON reports (float vs int8, per layer and per class; flash and RAM per layer).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "tml/trainer/blob_size.h"
#include "tml/trainer/model_header.h"
#include "tml/trainer/quantize.h"
#include "tml/trainer/quantized_model.h"

namespace tml::train {

struct QuantizeRun {
  trainer::QuantizeResult result;
  trainer::Comparison comparison;
  trainer::ModelSize size;
  trainer::QModel qmodel;
  std::string eval_split;  // "test", or "train" when the dataset has no test recordings
};

// Calibrates on the training windows of `set` (the model's window and stride), quantizes, and compares
// float and int8 on the test windows (the training windows if there are none). `set` must hold the
// model's labels (read_recordings(dataset, model.labels)). `source_model` and `dataset` are recorded in
// the quantized model. Throws tml::Error with the trainer's message.
QuantizeRun run_quantize(trainer::Model& model, const trainer::RecordingSet& set,
                         const trainer::CalibrationOptions& options, const std::string& source_model,
                         const std::string& dataset);

// Throws tml::Error unless `set` fits a model with these axes and rate (same count; same rate); warns
// about differently named axes.
void check_data_fits(const trainer::RecordingSet& set, const std::vector<trainer::Axis>& axes, double rate_hz,
                     const std::string& dataset);

// The header settings for a quantized model (sensor number, rate in mHz, stride, axes, units).
trainer::HeaderInfo header_info(const trainer::QModel& model, const std::string& source, const std::string& prefix);

// The header text for a quantized model (model_header with header_info). Warns when the dataset's sensor
// has no firmware sensor number. Throws tml::Error with the reason (e.g. a prefix that is not a C name).
std::string export_header(const trainer::QModel& model, const std::string& source, const std::string& prefix);

// "accelerometer (sensor 1), 104 Hz, window 208 rows, stride 52 rows, 3 axes, 4 classes"
std::string describe_export(const trainer::QModel& model);

// "Float 0.9730, int8 0.9706 (-0.24 points); same class on 99.5 % of 408 test windows", then the per-layer
// table, the per-class table and both confusion matrices.
std::string format_quantize_report(const QuantizeRun& run);

// Flash and RAM per layer and in total. `names` gives each layer's name (may be empty).
std::string format_size_report(const trainer::ModelSize& size, const std::vector<std::string>& names);

// {"layers": [...per layer: index, name, kind, input, output, params, macs, flash {...}, ram {...}],
//  "flash": {...}, "ram": {...}, "params", "macs"} (docs/quantization.md).
nlohmann::json size_json(const trainer::ModelSize& size, const std::vector<std::string>& names);

// The `tml quantize --json` report (docs/quantization.md).
nlohmann::json quantize_json(const QuantizeRun& run);

// Layer names of a quantized model (from its record, else the blob's kinds).
std::vector<std::string> layer_names(const trainer::QModel& model, const trainer::ModelSize& size);

}  // namespace tml::train
