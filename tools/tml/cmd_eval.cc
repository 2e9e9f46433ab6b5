// tml eval: a float model's accuracy on a dataset, with per-class precision/recall/F1 and a confusion matrix.
#include <spdlog/spdlog.h>

#include <cmath>
#include <filesystem>
#include <iostream>

#include "cli/command.h"
#include "train/recordings.h"
#include "train/report.h"
#include "tml/trainer/error.h"
#include "tml/trainer/train.h"
#include "util/error.h"

namespace tml::cli {

int cmd_eval(int argc, char** argv) {
  Parser p("eval",
           "Evaluate a float model on a dataset: accuracy, per-class precision/recall/F1 and the confusion matrix, "
           "over the windows (the model's window and stride) of every recording of the chosen split.",
           "tml eval --model gestures.model --dataset gestures/\n"
           "tml eval --model gestures.model --dataset gestures/ --split train --json eval.json");
  // clang-format off
  p.options().add_options()
    ("model", "Model file (from tml train)", cxxopts::value<std::string>())
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

  const std::filesystem::path model_path = r["model"].as<std::string>();
  trainer::Model model = train::load_model(model_path);
  if (r.count("stride")) {
    if (r["stride"].as<int>() < 1) throw UsageError("--stride must be at least 1 row");
    model.stride = r["stride"].as<int>();
  }

  const std::filesystem::path dataset_arg = r["dataset"].as<std::string>();
  const trainer::RecordingSet set = train::read_recordings(dataset_arg, model.labels);
  if (set.axes.size() != model.axes.size())
    throw Error("the model takes " + std::to_string(model.axes.size()) + " axes but dataset " + dataset_arg.string() +
                " has " + std::to_string(set.axes.size()));
  for (size_t a = 0; a < set.axes.size(); ++a)
    if (set.axes[a] != model.axes[a].name)
      spdlog::warn("axis {} is '{}' in the dataset but '{}' in the model", a + 1, set.axes[a], model.axes[a].name);
  if (std::fabs(set.rate_hz - model.rate_hz) > 1e-3 * model.rate_hz)
    throw Error("the model was trained at " + std::to_string(model.rate_hz) + " Hz but dataset " + dataset_arg.string() +
                " is sampled at " + std::to_string(set.rate_hz) + " Hz");

  std::vector<int> recs;
  for (size_t i = 0; i < set.recordings.size(); ++i)
    if (split == "all" || trainer::split_name(set.recordings[i].split) == split) recs.push_back(static_cast<int>(i));
  if (recs.empty())
    throw Error("dataset " + dataset_arg.string() + " has no " + split + " recordings" +
                (split == "test" ? "; use --split train or --split all" : ""));
  trainer::Metrics m;
  try {
    m = trainer::evaluate(model, set, trainer::make_windows(set, recs, trainer::WindowSpec{model.window, model.stride}));
  } catch (const trainer::Error& e) {
    throw Error(e.what());
  }

  std::ostream& human = json_path == "-" ? std::cerr : std::cout;
  human << "Model " << model_path.string() << " on " << dataset_arg.string() << " (" << split << ", " << recs.size()
        << " recordings, window " << model.window << " rows, stride " << model.stride << "): "
        << trainer::format_report(m);
  if (!json_path.empty()) {
    nlohmann::json j = {{"model", model_path.string()}, {"dataset", dataset_arg.string()}, {"split", split},
                        {"window", model.window},      {"stride", model.stride},          {"metrics", train::metrics_json(m)}};
    train::write_json(json_path, j);
  }
  return 0;
}

}  // namespace tml::cli
