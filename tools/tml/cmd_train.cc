// tml train: train a float model on a dataset's training split, report it on the test split, save it.
#include <spdlog/spdlog.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli/command.h"
#include "cli/progress.h"
#include "cli/quant_options.h"
#include "pipeline/json_report.h"
#include "pipeline/quantize_report.h"
#include "pipeline/model_files.h"
#include "pipeline/recordings.h"
#include "tml/trainer/architecture.h"
#include "tml/trainer/blob_writer.h"
#include "tml/trainer/error.h"
#include "tml/trainer/format.h"
#include "tml/trainer/model_header.h"
#include "tml/trainer/train.h"
#include "util/atomic_file.h"
#include "util/utc_time.h"

namespace tml::cli {
namespace {

std::vector<float> parse_class_weights(const std::string& text, const trainer::RecordingSet& set,
                                       const trainer::WindowSpec& window) {
  if (text == "balanced") return trainer::balanced_class_weights(set, window);
  std::vector<float> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    char* end = nullptr;
    const float w = std::strtof(item.c_str(), &end);
    if (item.empty() || *end != '\0' || !(w > 0.0f) || !std::isfinite(w))
      throw UsageError("--class-weights must be 'balanced' or positive numbers separated by commas, got '" + text + "'");
    out.push_back(w);
  }
  if (out.size() != set.labels.size()) {
    std::string labels;
    for (const auto& l : set.labels) labels += (labels.empty() ? "" : ", ") + l;
    throw UsageError("--class-weights has " + std::to_string(out.size()) + " weights but there are " +
                     std::to_string(set.labels.size()) + " labels (" + labels + ")");
  }
  return out;
}

}  // namespace

int cmd_train(int argc, char** argv) {
  Parser p("train",
           "Train a float model (dense or 1D-convolution network) on a dataset's training split: windows are cut "
           "from every recording, each axis is standardised with the training windows' mean and deviation (saved "
           "in the model), and the result is reported on the test split. With --header it goes on to quantize the model "
           "to int8 (calibrated on the training windows), compare float and int8 on the test split and export the C "
           "header for the board, printing its flash and RAM.",
           "tml train --dataset gestures/ --model conv1d --window 2s --stride 0.5s --epochs 30 --out gestures.model\n"
           "tml train --dataset gestures/ --model my-net.json --window 208 --stride 52 --out my.model --json train.json\n"
           "tml train --dataset gestures/ --model dense --validation 0.2 --patience 5 --epochs 100 --out g.model\n"
           "tml train --dataset gestures/ --model conv1d --header gestures_model.h   # train, quantize, export in one go");
  // clang-format off
  p.options().add_options()
    ("dataset", "Dataset folder (or anything 'tml dataset import' reads)", cxxopts::value<std::string>())
    ("model", "Architecture: a preset (conv1d, dense) or an architecture file (.json, see docs/training.md)", cxxopts::value<std::string>()->default_value("conv1d"))
    ("out", "Float model file to write (optional with --header)", cxxopts::value<std::string>())
    ("header", "Also quantize to int8 and export this C header (tml quantize + tml export in one go)", cxxopts::value<std::string>())
    ("prefix", "With --header: prefix of the header's names (tml flash and the board firmware need the default)", cxxopts::value<std::string>()->default_value("tml_model"))
    ("window", "Window length: seconds (2s, 500ms) or rows (208)", cxxopts::value<std::string>()->default_value("2s"))
    ("stride", "Distance between window starts: seconds or rows (default: a quarter of the window)", cxxopts::value<std::string>())
    ("epochs", "Passes over the training windows", cxxopts::value<int>()->default_value("30"))
    ("batch", "Windows per optimizer step", cxxopts::value<int>()->default_value("32"))
    ("optimizer", "adam or sgd", cxxopts::value<std::string>()->default_value("adam"))
    ("lr", "Learning rate", cxxopts::value<float>()->default_value("0.001"))
    ("momentum", "SGD momentum", cxxopts::value<float>()->default_value("0.9"))
    ("seed", "Random seed: the same seed gives the same model", cxxopts::value<uint64_t>()->default_value("1"))
    ("validation", "Share of each label's training recordings held out for validation (0 to 0.9)", cxxopts::value<float>()->default_value("0"))
    ("patience", "Early stopping: stop after this many epochs without a better validation loss and keep the best weights (needs --validation)", cxxopts::value<int>()->default_value("0"))
    ("class-weights", "Loss weight per class: 'balanced' or one number per label, comma-separated", cxxopts::value<std::string>())
    ("threads", "Threads sharing each batch, or 'auto': the machine's cores when the batch is large enough to pay (results are identical run to run for a given count)", cxxopts::value<std::string>()->default_value("auto"))
    ("json", "Write all metrics and the per-epoch history as JSON to this file ('-' for stdout)", cxxopts::value<std::string>())
    ("q,quiet", "No progress bars");
  // clang-format on
  add_calibration_options(p.options());
  cxxopts::ParseResult r;
  if (!p.parse(argc, argv, r)) return 0;
  Parser::require(r, "dataset");
  if (!r.count("out") && !r.count("header")) throw UsageError("--out is required (or --header, or both)");
  const std::string arch = r["model"].as<std::string>();
  const std::filesystem::path out = r.count("out") ? r["out"].as<std::string>() : "";
  const std::filesystem::path header = r.count("header") ? r["header"].as<std::string>() : "";
  const trainer::CalibrationOptions calibration = calibration_options(r);

  const bool quiet = r.count("quiet") > 0;
  const std::string json_path = r.count("json") ? r["json"].as<std::string>() : "";

  trainer::TrainOptions opt;
  opt.epochs = r["epochs"].as<int>();
  opt.batch = r["batch"].as<int>();
  opt.learning_rate = r["lr"].as<float>();
  opt.momentum = r["momentum"].as<float>();
  opt.seed = r["seed"].as<uint64_t>();
  opt.validation = r["validation"].as<float>();
  opt.patience = r["patience"].as<int>();
  const std::string threads = r["threads"].as<std::string>();
  if (threads != "auto") {
    char* end = nullptr;
    const long n = std::strtol(threads.c_str(), &end, 10);
    if (threads.empty() || *end != '\0' || n < 1 || n > 256) throw UsageError("--threads must be 'auto' or 1 to 256");
    opt.threads = static_cast<int>(n);
  }
  const std::string optimizer = r["optimizer"].as<std::string>();
  if (optimizer == "adam")
    opt.optimizer = trainer::OptimizerKind::Adam;
  else if (optimizer == "sgd")
    opt.optimizer = trainer::OptimizerKind::Sgd;
  else
    throw UsageError("--optimizer must be adam or sgd");
  trainer::check_options(opt);

  // A header prefix that cannot be exported should not cost a training run.
  if (!header.empty() && !trainer::is_c_identifier(r["prefix"].as<std::string>()))
    throw UsageError("--prefix must be a C identifier (letters, digits, underscores), got '" +
                     r["prefix"].as<std::string>() + "'");

  // The architecture first: a typo there should not cost a dataset load.
  std::string arch_text;
  if (!trainer::is_preset(arch)) {
    if (!std::filesystem::exists(arch))
      throw UsageError("--model '" + arch + "' is neither a preset (conv1d, dense) nor an existing architecture file");
    arch_text = read_file(arch);
  }

  const std::filesystem::path dataset_arg = r["dataset"].as<std::string>();
  const trainer::RecordingSet set = pipeline::read_recordings(dataset_arg);

  opt.window.length = trainer::parse_rows(r["window"].as<std::string>(), set.rate_hz, "--window");
  opt.window.stride = r.count("stride") ? trainer::parse_rows(r["stride"].as<std::string>(), set.rate_hz, "--stride")
                                        : std::max(1, opt.window.length / 4);
  if (!header.empty()) trainer::check_blob_labels(set.labels);
  if (r.count("class-weights")) opt.class_weights = parse_class_weights(r["class-weights"].as<std::string>(), set, opt.window);

  trainer::Model model;
  try {
    model.net = arch_text.empty() ? trainer::make_preset(arch, static_cast<int>(set.labels.size()))
                                  : trainer::parse_architecture(arch_text, static_cast<int>(set.labels.size()));
  } catch (const Error& e) {
    throw Error("architecture file " + arch + ": " + e.what());
  }

  std::cerr << "Training " << arch << " on " << dataset_arg.string() << ": " << set.recordings.size() << " recordings, "
            << set.labels.size() << " labels, window " << opt.window.length << " rows ("
            << fixed(opt.window.length / set.rate_hz, 2) << " s), stride " << opt.window.stride << " rows\n";

  std::unique_ptr<ProgressBar> bar;
  std::chrono::steady_clock::time_point last_update{};
  trainer::TrainCallbacks callbacks;
  callbacks.on_batch = [&](int epoch, int done, int total, double loss, double acc) {
    if (quiet) return;
    // A batch takes well under a millisecond: format the figures only when the bar may redraw.
    const auto now = std::chrono::steady_clock::now();
    if (bar && done < total && now - last_update < std::chrono::milliseconds(100)) return;
    last_update = now;
    if (!bar) bar = std::make_unique<ProgressBar>("epoch " + std::to_string(epoch) + "/" + std::to_string(opt.epochs));
    bar->update(done, total, "loss " + fixed(loss, 4) + "  acc " + fixed(acc, 4));
  };
  callbacks.on_epoch = [&](const trainer::EpochStats& s) {
    std::string figures = "loss " + fixed(s.loss, 4) + "  acc " + fixed(s.accuracy, 4);
    if (s.val_loss >= 0) figures += "  val_loss " + fixed(s.val_loss, 4) + "  val_acc " + fixed(s.val_accuracy, 4);
    figures += "  " + fixed(s.seconds, 2) + " s";
    if (bar) bar->finish(figures);
    bar.reset();
  };

  // Data, then shapes, are checked (and the table shown) before any training.
  trainer::check_training_input(set, opt);
  try {
    model.net.build(trainer::Shape{opt.window.length, set.axis_count()});
  } catch (const Error& e) {
    throw Error((arch_text.empty() ? "preset " : "architecture file ") + arch + ": " + e.what());
  }
  std::cerr << model.net.summary();
  if (threads == "auto") opt.threads = trainer::recommended_threads(model.net.macs(), opt.batch);
  std::cerr << "  " << opt.threads << " thread" << (opt.threads > 1 ? "s" : "") << "\n";

  const trainer::TrainResult result = trainer::train(model, set, opt, callbacks);

  model.training.dataset = dataset_arg.string();
  model.training.created = utc_now();
  model.training.tool = "tml " TML_VERSION;
  model.training.architecture = arch;

  std::ostream& human = json_path == "-" ? std::cerr : std::cout;  // stdout may be the JSON
  human << "Trained " << result.history.size() << " epochs on " << result.train_windows << " windows in "
            << fixed(result.train_seconds, 2) << " s (" << fixed(result.windows_per_second, 0) << " windows/s)";
  if (result.stopped_early) human << ", stopped early; kept epoch " << result.best_epoch;
  human << "\n";

  nlohmann::json class_weights = nlohmann::json::array();
  for (float w : opt.class_weights) class_weights.push_back(shortest(w));
  nlohmann::json report = {{"model", out.string()},
                           {"dataset", dataset_arg.string()},
                           {"architecture", arch},
                           {"params", model.net.param_count()},
                           {"macs", model.net.macs()},
                           {"labels", set.labels},
                           {"window", opt.window.length},
                           {"stride", opt.window.stride},
                           {"rate_hz", set.rate_hz},
                           {"options",
                            {{"epochs", opt.epochs},
                             {"batch", opt.batch},
                             {"optimizer", optimizer},
                             {"lr", shortest(opt.learning_rate)},
                             {"seed", opt.seed},
                             {"validation", shortest(opt.validation)},
                             {"patience", opt.patience},
                             {"class_weights", class_weights},
                             {"threads", opt.threads}}},
                           {"train_windows", result.train_windows},
                           {"validation_windows", result.validation_windows},
                           {"train_seconds", result.train_seconds},
                           {"windows_per_second", result.windows_per_second},
                           {"best_epoch", result.best_epoch},
                           {"stopped_early", result.stopped_early},
                           {"history", pipeline::history_json(result)}};
  if (!trainer::recordings_of(set, trainer::Split::Test).empty()) {
    const trainer::Metrics test = trainer::evaluate(model, set, trainer::Split::Test);
    model.training.test_accuracy = test.accuracy;
    human << "\nTest split: " << trainer::format_report(test);
    report["test"] = pipeline::metrics_json(test);
  } else {
    human << "The dataset has no test recordings; nothing to report on held-out data.\n";
  }
  if (!out.empty()) {
    pipeline::save_model(model, out);
    human << "Saved " << out.string() << "\n";
  }
  if (!header.empty()) {
    human << "\nQuantizing to int8\n";
    const pipeline::QuantizeRun run = pipeline::run_quantize(model, set, calibration, out.string(), dataset_arg.string());
    human << pipeline::format_quantize_report(run);
    const std::string source = out.empty() ? "tml train" : out.filename().string();
    write_file_atomic(header, pipeline::export_header(run.qmodel, source, r["prefix"].as<std::string>()));
    human << "\nExported " << header.string() << ": " << pipeline::describe_export(run.qmodel) << "\n"
          << pipeline::format_size_report(run.size, pipeline::layer_names(run.qmodel, run.size));
    nlohmann::json int8 = pipeline::quantize_json(run);
    int8["header"] = header.string();
    report["int8"] = int8;
  }
  if (!json_path.empty()) pipeline::write_json(json_path, report);
  return 0;
}

}  // namespace tml::cli
