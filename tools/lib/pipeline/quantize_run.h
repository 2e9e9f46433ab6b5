// Quantizing a float model against a dataset, as `tml quantize` and `tml train --header` do: calibration
// on the training windows, the comparison on the test windows, the quantized model file's record; and the
// exported header's settings (`tml export`).
#pragma once

#include <string>
#include <vector>

#include "tml/trainer/blob_size.h"
#include "tml/trainer/model_header.h"
#include "tml/trainer/quantize.h"
#include "tml/trainer/quantized_model.h"

namespace tml::pipeline {

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

// The data a model reads, checked to fit it (check_data_fits): `raw` itself or, for a model with a front
// end, its features: one recording per raw window every `stride` raw rows (0: the front end's stride),
// computed once by the firmware's front end (trainer::feature_set).
trainer::RecordingSet model_input(trainer::RecordingSet raw, const std::vector<trainer::Axis>& axes, double rate_hz,
                                  const trainer::FrontEndInput& front_end, const std::string& dataset, int stride = 0);

// The header settings for a quantized model (sensor number, rate in mHz, stride, axes, units).
trainer::HeaderInfo header_info(const trainer::QModel& model, const std::string& source, const std::string& prefix);

// The header text for a quantized model (model_header with header_info). Warns when the dataset's sensor
// has no firmware sensor number. Throws tml::Error with the reason (e.g. a prefix that is not a C name).
std::string export_header(const trainer::QModel& model, const std::string& source, const std::string& prefix);

// "accelerometer (sensor 1), 104 Hz, window 208 rows, stride 52 rows, 3 axes, 4 classes"
std::string describe_export(const trainer::QModel& model);

// Layer names of a quantized model (from its record, else the blob's kinds).
std::vector<std::string> layer_names(const trainer::QModel& model, const trainer::ModelSize& size);

}  // namespace tml::pipeline
