// tml eval: a model's accuracy on a dataset, with per-class precision/recall/F1 and a confusion matrix. A float
// model runs in the trainer; a quantized one on the firmware's int8 kernels, as the board runs it.
#include <spdlog/spdlog.h>

#include <cmath>
#include <filesystem>
#include <iostream>

#include "cli/command.h"
#include "pipeline/json_report.h"
#include "pipeline/quantize_report.h"
#include "pipeline/model_files.h"
#include "pipeline/recordings.h"
#include "tml/trainer/error.h"
#include "tml/trainer/int8_model.h"
#include "tml/trainer/train.h"

namespace tml::cli {

int cmd_eval(int argc, char** argv) {
  Parser p("eval",
           "Evaluate a model on a dataset: accuracy, per-class precision/recall/F1 and the confusion matrix, over the "
           "windows (the model's window and stride) of every recording of the chosen split. A float model (from tml "
           "train) runs in the trainer; a quantized model (from tml quantize) runs on the firmware's own int8 kernels, "
           "compiled for this computer: the predictions are the board's, bit for bit, and the same on every run.",
           "tml eval --model gestures.model --dataset gestures/\n"
           "tml eval --model gestures.q.model --dataset gestures/\n"
           "tml eval --model gestures.model --dataset gestures/ --split train --json eval.json");
  // clang-format off
  p.options().add_options()
    ("model", "Model file: float (from tml train) or quantized (from tml quantize)", cxxopts::value<std::string>())
    ("dataset", "Dataset folder (or anything 'tml dataset import' reads)", cxxopts::value<std::string>())
    ("split", "Which recordings: test, train or all", cxxopts::value<std::string>()->default_value("test"))
    ("stride", "Distance between window starts in rows (default: the model's training stride)", cxxopts::value<int>())
    ("json", "Write the metrics as JSON to this file ('-' for stdout)", cxxopts::value<std::string>());
  // clang-format on
  cxxopts::ParseResult r;
  if (!p.parse(argc, argv, r)) return 0;
  Parser::require(r, "model");
  Parser::require(r, "dataset");
  const std::string split = r["split"].as<std::string>();
  if (split != "test" && split != "train" && split != "all") throw UsageError("--split must be test, train or all");
  const std::string json_path = r.count("json") ? r["json"].as<std::string>() : "";

  if (r.count("stride") && r["stride"].as<int>() < 1) throw UsageError("--stride must be at least 1 row");
  const std::filesystem::path model_path = r["model"].as<std::string>();
  const bool quantized = pipeline::model_file_format(model_path) == "tml-quantized-model";
  // The float model, or the quantized model's blob on the firmware's kernels.
  trainer::Model model;
  trainer::QModel qmodel;
  if (quantized)
    qmodel = pipeline::load_qmodel(model_path);
  else
    model = pipeline::load_model(model_path);
  const std::vector<std::string>& labels = quantized ? qmodel.labels : model.labels;
  const int window = quantized ? qmodel.window : model.window;
  const int stride = r.count("stride") ? r["stride"].as<int>() : quantized ? qmodel.stride : model.stride;

  const std::filesystem::path dataset_arg = r["dataset"].as<std::string>();
  const trainer::RecordingSet set = pipeline::read_recordings(dataset_arg, labels);
  pipeline::check_data_fits(set, quantized ? qmodel.axes : model.axes, quantized ? qmodel.rate_hz : model.rate_hz,
                         dataset_arg.string());

  std::vector<int> recs;
  for (size_t i = 0; i < set.recordings.size(); ++i)
    if (split == "all" || trainer::split_name(set.recordings[i].split) == split) recs.push_back(static_cast<int>(i));
  if (recs.empty())
    throw Error("dataset " + dataset_arg.string() + " has no " + split + " recordings" +
                (split == "test" ? "; use --split train or --split all" : ""));
  const auto windows = trainer::make_windows(set, recs, trainer::WindowSpec{window, stride});
  trainer::Metrics m;
  if (quantized) {
    trainer::Int8Model int8(qmodel.blob);
    m = trainer::evaluate(int8, set, windows);
  } else {
    m = trainer::evaluate(model, set, windows);
  }

  std::ostream& human = json_path == "-" ? std::cerr : std::cout;
  human << (quantized ? "Int8 model " : "Model ") << model_path.string() << (quantized ? " (firmware kernels)" : "")
        << " on " << dataset_arg.string() << " (" << split << ", " << recs.size() << " recordings, window " << window
        << " rows, stride " << stride << "): " << trainer::format_report(m);
  if (!json_path.empty()) {
    nlohmann::json j = {{"model", model_path.string()},
                        {"kind", quantized ? "int8" : "float"},
                        {"dataset", dataset_arg.string()},
                        {"split", split},
                        {"window", window},
                        {"stride", stride},
                        {"metrics", pipeline::metrics_json(m)}};
    pipeline::write_json(json_path, j);
  }
  return 0;
}

}  // namespace tml::cli
