#include "pipeline/evaluation.h"

#include "pipeline/json_report.h"
#include "pipeline/model_files.h"
#include "pipeline/quantize_run.h"
#include "pipeline/recordings.h"
#include "tml/trainer/error.h"
#include "tml/trainer/int8_model.h"
#include "tml/trainer/train.h"

namespace tml::pipeline {

Evaluation evaluate_model(const std::filesystem::path& model_path, const std::filesystem::path& dataset,
                          const std::string& split, std::optional<int> stride) {
  if (split != "test" && split != "train" && split != "all") throw UsageError("--split must be test, train or all");
  if (stride && *stride < 1) throw UsageError("--stride must be at least 1 row");
  Evaluation e;
  e.model = model_path;
  e.dataset = dataset;
  e.split = split;
  e.quantized = model_file_format(model_path) == "tml-quantized-model";
  // The float model, or the quantized model's blob on the firmware's kernels.
  trainer::Model model;
  trainer::QModel qmodel;
  if (e.quantized)
    qmodel = load_qmodel(model_path);
  else
    model = load_model(model_path);
  const std::vector<std::string>& labels = e.quantized ? qmodel.labels : model.labels;
  const trainer::FrontEndInput& fe = e.quantized ? qmodel.front_end : model.front_end;
  e.window = fe.present() ? fe.raw_rows() : e.quantized ? qmodel.window : model.window;
  e.stride = stride ? *stride : fe.present() ? fe.stride : e.quantized ? qmodel.stride : model.stride;

  // With a front end: one recording of features per raw window, and one window per recording.
  const trainer::RecordingSet set =
      model_input(read_recordings(dataset, labels), e.quantized ? qmodel.axes : model.axes,
                  e.quantized ? qmodel.rate_hz : model.rate_hz, fe, dataset.string(), e.stride);
  std::vector<int> recs;
  for (size_t i = 0; i < set.recordings.size(); ++i)
    if (split == "all" || trainer::split_name(set.recordings[i].split) == split) recs.push_back(static_cast<int>(i));
  if (recs.empty())
    throw Error("dataset " + dataset.string() + " has no " + split + " recordings" +
                (split == "test" ? "; use --split train or --split all" : ""));
  e.recordings = recs.size();
  const int network_window = e.quantized ? qmodel.window : model.window;
  const auto windows = trainer::make_windows(
      set, recs, fe.present() ? trainer::WindowSpec{network_window, network_window} : trainer::WindowSpec{e.window, e.stride});
  if (e.quantized) {
    trainer::Int8Model int8(qmodel.blob);
    e.metrics = trainer::evaluate(int8, set, windows);
  } else {
    e.metrics = trainer::evaluate(model, set, windows);
  }
  return e;
}

std::string format_evaluation(const Evaluation& e) {
  return std::string(e.quantized ? "Int8 model " : "Model ") + e.model.string() +
         (e.quantized ? " (firmware kernels)" : "") + " on " + e.dataset.string() + " (" + e.split + ", " +
         std::to_string(e.recordings) + " recordings, window " + std::to_string(e.window) + " rows, stride " +
         std::to_string(e.stride) + " rows): " + trainer::format_report(e.metrics);
}

nlohmann::json evaluation_json(const Evaluation& e) {
  return {{"model", e.model.string()},
          {"kind", e.quantized ? "int8" : "float"},
          {"dataset", e.dataset.string()},
          {"split", e.split},
          {"window", e.window},
          {"stride", e.stride},
          {"metrics", metrics_json(e.metrics)}};
}

}  // namespace tml::pipeline
