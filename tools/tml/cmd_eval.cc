// tml eval: a model's accuracy on a dataset, with per-class precision/recall/F1 and a confusion matrix, and
// for value heads MAE, RMSE and R2 (with --plot, predicted against true). A float
// model runs in the trainer; a quantized one on the firmware's int8 kernels, as the board runs it.
#include <iostream>

#include "cli/command.h"
#include "pipeline/anomaly_run.h"
#include "pipeline/evaluation.h"
#include "pipeline/model_files.h"
#include "pipeline/json_report.h"
#include "report/collect.h"
#include "tml/trainer/error.h"
#include "util/atomic_file.h"

namespace tml::cli {

int cmd_eval(int argc, char** argv) {
  Parser p("eval",
           "Evaluate a model on a dataset: accuracy, per-class precision/recall/F1 and the confusion matrix, over the "
           "windows (the model's window and stride) of every recording of the chosen split. A float model (from tml "
           "train) runs in the trainer; a quantized model (from tml quantize) runs on the firmware's own int8 kernels, "
           "compiled for this computer: the predictions are the board's, bit for bit, and the same on every run.",
           "tml eval --model gestures.model --dataset gestures/\n"
           "tml eval --model gestures.q.model --dataset gestures/\n"
           "tml eval --model gestures.model --dataset gestures/ --split train --json eval.json\n"
           "tml eval --model rain.model --dataset weather/ --plot rain.svg   # MAE, RMSE, R2; predicted against true\n"
           "tml eval --model pump.q.model --dataset pump-faults/ --anomalous wobble,loose --plot scores.svg   # ROC AUC");
  // clang-format off
  p.options().add_options()
    ("model", "Model file: float (from tml train) or quantized (from tml quantize)", cxxopts::value<std::string>())
    ("dataset", "Dataset folder (or anything 'tml dataset import' reads)", cxxopts::value<std::string>())
    ("split", "Which recordings: test, train or all", cxxopts::value<std::string>()->default_value("test"))
    ("stride", "Distance between window starts in rows (default: the model's training stride)", cxxopts::value<int>())
    ("json", "Write the metrics as JSON to this file ('-' for stdout)", cxxopts::value<std::string>())
    ("plot", "Models with value heads: write an SVG of predicted against true values and the residuals, per head; anomaly detectors: the score histograms and the ROC curve", cxxopts::value<std::string>())
    ("anomalous", "Models with an anomaly block: the labels of the faults, comma-separated (default: every label the model was not trained on as normal)", cxxopts::value<std::string>());
  // clang-format on
  cxxopts::ParseResult r;
  if (!p.parse(argc, argv, r)) return 0;
  Parser::require(r, "model");
  Parser::require(r, "dataset");
  const std::string json_path = r.count("json") ? r["json"].as<std::string>() : "";
  std::ostream& human = json_path == "-" ? std::cerr : std::cout;
  const auto anomaly = pipeline::evaluate_anomaly_file(r["model"].as<std::string>(), r["dataset"].as<std::string>(),
                                                       r["split"].as<std::string>(), list_option(r, "anomalous"));
  if (anomaly) {  // an anomaly detector (a classifier carrying one is evaluated as a classifier too, below)
    human << "Anomaly scores of " << r["model"].as<std::string>() << " on " << r["dataset"].as<std::string>() << " ("
          << anomaly->split << "): " << pipeline::format_anomaly_evaluation(*anomaly);
    if (r.count("plot")) {
      write_file_atomic(r["plot"].as<std::string>(), report::anomaly_plots_svg(
                                                      r["model"].as<std::string>() + " on " + r["dataset"].as<std::string>(),
                                                      report::anomaly_scores_of(*anomaly, "anomaly")));
      human << "Wrote " << r["plot"].as<std::string>() << "\n";
    }
    if (pipeline::load_qmodel(r["model"].as<std::string>()).labels.empty() || r.count("anomalous")) {
      if (!json_path.empty()) pipeline::write_json(json_path, pipeline::anomaly_evaluation_json(*anomaly));
      return 0;
    }
  }
  const pipeline::Evaluation e = pipeline::evaluate_model(
      r["model"].as<std::string>(), r["dataset"].as<std::string>(), r["split"].as<std::string>(),
      r.count("stride") ? std::optional<int>(r["stride"].as<int>()) : std::nullopt);
  human << pipeline::format_evaluation(e);
  if (!json_path.empty()) {
    nlohmann::json j = pipeline::evaluation_json(e);
    if (anomaly) j["anomaly"] = pipeline::anomaly_evaluation_json(*anomaly);
    pipeline::write_json(json_path, j);
  }
  if (r.count("plot") && !anomaly) {
    if (e.metrics.values.empty()) throw UsageError("--plot draws value heads, and " + e.model.string() + " has none");
    const std::string plot = r["plot"].as<std::string>();
    write_file_atomic(plot, report::value_plots_svg(e.model.filename().string() + " on " + e.dataset.string() + " (" +
                                                        e.split + ")",
                                                    report::evaluation_of("", e.metrics).values));
    human << "Wrote " << plot << "\n";
  }
  return 0;
}

}  // namespace tml::cli
