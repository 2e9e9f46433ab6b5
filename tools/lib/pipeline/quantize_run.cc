#include "pipeline/quantize_run.h"

#include <spdlog/spdlog.h>

#include <cmath>

#include "tml/trainer/blob_writer.h"
#include "tml/trainer/error.h"
#include "tml/trainer/feature_set.h"
#include "tml/trainer/format.h"
#include "tml/trainer/sensor.h"
#include "tml/trainer/train.h"
#include "util/utc_time.h"

namespace tml::pipeline {

void check_data_fits(const trainer::RecordingSet& set, const std::vector<trainer::Axis>& axes, double rate_hz,
                     const std::string& dataset) {
  if (set.axes.size() != axes.size())
    throw Error("the model takes " + std::to_string(axes.size()) + " axes but dataset " + dataset + " has " +
                std::to_string(set.axes.size()));
  for (size_t a = 0; a < set.axes.size(); ++a)
    if (set.axes[a] != axes[a].name)
      spdlog::warn("axis {} is '{}' in the dataset but '{}' in the model", a + 1, set.axes[a], axes[a].name);
  if (std::fabs(set.rate_hz - rate_hz) > 1e-3 * rate_hz)
    throw Error("the model was made for " + format("%g", rate_hz) + " Hz but dataset " + dataset + " is sampled at " +
                format("%g", set.rate_hz) + " Hz (import it with --resample " + format("%g", rate_hz) + " first)");
}

trainer::RecordingSet model_input(trainer::RecordingSet raw, const std::vector<trainer::Axis>& axes, double rate_hz,
                                  const trainer::FrontEndInput& front_end, const std::string& dataset, int stride) {
  if (!front_end.present()) {
    check_data_fits(raw, axes, rate_hz, dataset);
    return raw;
  }
  check_data_fits(raw, front_end.axes, front_end.rate_hz(), dataset);
  const trainer::FrontEnd fe(front_end.section);
  return trainer::feature_set(fe, raw, stride > 0 ? stride : front_end.stride);
}

QuantizeRun run_quantize(trainer::Model& model, const trainer::RecordingSet& set,
                         const trainer::CalibrationOptions& options, const std::string& source_model,
                         const std::string& dataset) {
  const trainer::WindowSpec spec{model.window, model.stride};
  const auto train_windows = trainer::make_windows(set, trainer::recordings_of(set, trainer::Split::Train), spec);
  if (train_windows.empty())
    throw Error("dataset " + dataset + " has no training recordings to calibrate on (calibration uses the training split)");
  auto eval_windows = trainer::make_windows(set, trainer::recordings_of(set, trainer::Split::Test), spec);
  QuantizeRun run;
  run.eval_split = "test";
  if (eval_windows.empty()) {
    spdlog::warn("dataset {} has no test recordings: float and int8 are compared on the training windows", dataset);
    eval_windows = train_windows;
    run.eval_split = "train";
  }
  run.result = trainer::quantize(model, set, train_windows, options);
  run.comparison = trainer::compare(model, run.result, set, eval_windows);
  run.size = trainer::model_size(run.result.blob);

  trainer::QModel& q = run.qmodel;
  q.blob = run.result.blob;
  q.labels = model.labels;
  q.values = model.values;
  q.window = model.window;
  q.stride = model.stride;
  q.rate_hz = model.rate_hz;
  q.axes = model.axes;
  q.front_end = model.front_end;
  q.sensor = set.sensor;
  q.float_model = trainer::model_to_json(model);
  q.source_model = source_model;
  q.architecture = model.training.architecture;
  q.dataset = dataset;
  q.created = utc_now();
  q.tool = "tml " TML_VERSION;
  q.calibration = options;
  q.calibration_windows = run.result.calibration.windows;
  q.input_range = run.result.calibration.input;
  for (size_t j = 0; j < run.result.folded.layers.size(); ++j) {
    const trainer::FusedLayer& fl = run.result.folded.layers[j];
    trainer::QLayerInfo l;
    l.kind = trainer::layer_kind_name(fl.kind);
    l.name = fl.name;
    l.description = fl.description;
    l.sources = fl.sources;
    l.range = run.result.calibration.outputs[j];
    l.output = run.result.outputs[j];
    q.layers.push_back(l);
  }
  q.eval_split = run.eval_split;
  q.eval_windows = run.comparison.int8_metrics.count;
  q.float_accuracy = model.has_classes() ? run.comparison.float_metrics.accuracy : -1;
  q.int8_accuracy = model.has_classes() ? run.comparison.int8_metrics.accuracy : -1;
  q.float_mae = run.comparison.float_metrics.mean_mae();
  q.int8_mae = run.comparison.int8_metrics.mean_mae();
  return run;
}

trainer::HeaderInfo header_info(const trainer::QModel& model, const std::string& source, const std::string& prefix) {
  trainer::HeaderInfo info;
  info.prefix = prefix;
  info.source = source;
  std::string names;
  for (const auto& l : model.layers) names += (names.empty() ? "" : ", ") + (l.name.empty() ? l.kind : l.name);
  info.description = (model.architecture.empty() ? std::string("int8 model") : model.architecture + ", int8") +
                     (names.empty() ? "" : ": " + names);
  info.sensor = trainer::sensor_number(model.sensor);
  const trainer::FrontEndInput& fe = model.front_end;  // with one, the board reads the raw stream
  info.rate_millihz = static_cast<uint32_t>(std::llround((fe.present() ? fe.rate_hz() : model.rate_hz) * 1000.0));
  info.stride_rows = static_cast<uint32_t>(fe.present() ? fe.stride : model.stride);
  // The detector's defaults: 3 windows, 0.6, one second; labels starting with '_' (Speech Commands'
  // _silence_ and _unknown_) are backgrounds.
  info.detect_suppression = info.rate_millihz / 1000;
  for (size_t k = 0; k < model.labels.size() && k < 32; ++k)
    if (!model.labels[k].empty() && model.labels[k][0] == '_') info.detect_ignore |= 1u << k;
  for (const auto& a : fe.present() ? fe.axes : model.axes) {
    info.axes.push_back(a.name);
    info.units.push_back(a.unit);
  }
  return info;
}

std::string export_header(const trainer::QModel& model, const std::string& source, const std::string& prefix) {
  const trainer::HeaderInfo info = header_info(model, source, prefix);
  if (info.sensor == 0)
    spdlog::warn("the model's sensor '{}' is not one the firmware knows (accelerometer, microphone, light): the "
                 "header says sensor 0 and a board will not start predictions on a sensor stream",
                 model.sensor);
  return trainer::model_header(model.blob, info);
}

namespace {

// "4 classes", "1 value head (rain_mm)", "4 classes and 1 value head (rain_mm)".
std::string outputs_text(const trainer::QModel& model) {
  std::string values;
  for (const auto& v : model.values) values += (values.empty() ? "" : ", ") + v.name;
  const std::string classes = format("%zu classes", model.labels.size());
  if (model.values.empty()) return classes;
  const std::string heads = format("%zu value head%s (", model.values.size(), model.values.size() > 1 ? "s" : "") +
                            values + ")";
  return model.labels.empty() ? heads : classes + " and " + heads;
}

}  // namespace

std::string describe_export(const trainer::QModel& model) {
  const trainer::FrontEndInput& fe = model.front_end;
  if (fe.present())
    return (model.sensor.empty() ? std::string("no sensor") : model.sensor) +
           format(" (sensor %d), %g Hz, window %d rows, stride %d rows, %zu axes; %s front end [%d][%zu]; ",
                  trainer::sensor_number(model.sensor), fe.rate_hz(), fe.raw_rows(), fe.stride, fe.axes.size(),
                  fe.kind().c_str(), model.window, model.axes.size()) +
           outputs_text(model);
  return (model.sensor.empty() ? std::string("no sensor") : model.sensor) +
         format(" (sensor %d), %g Hz, window %d rows, stride %d rows, %zu axes, ", trainer::sensor_number(model.sensor),
                model.rate_hz, model.window, model.stride, model.axes.size()) +
         outputs_text(model);
}

std::vector<std::string> layer_names(const trainer::QModel& model, const trainer::ModelSize& size) {
  std::vector<std::string> names;
  for (size_t i = 0; i < size.layers.size(); ++i) {
    const bool have = i < model.layers.size() && !model.layers[i].name.empty() && model.layers.size() == size.layers.size();
    names.push_back(have ? model.layers[i].name : trainer::layer_kind_name(size.layers[i].record.kind));
  }
  return names;
}

}  // namespace tml::pipeline
