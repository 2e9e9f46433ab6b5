// tml train: train a float model on a dataset's training split, report it on the test split, save it.
#include <iostream>

#include "cli/anomaly_options.h"
#include "cli/command.h"
#include "cli/progress.h"
#include "cli/front_end_options.h"
#include "cli/quant_options.h"
#include "cli/task_options.h"
#include "cli/train_options.h"
#include "pipeline/json_report.h"
#include "pipeline/quantize_report.h"
#include "pipeline/train_run.h"

namespace tml::cli {

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
           "tml train --dataset gestures/ --model conv1d --header gestures_model.h   # train, quantize, export in one go\n"
           "tml train --dataset datasets/gestures-ei --resample 100 --header gestures_model.h   # 104 Hz data, for a 100 Hz board\n"
           "tml train --dataset weather/ --task regression --model conv1d --out rain.model   # numeric targets\n"
           "tml train --dataset weather/ --task multi --heads class,rain_mm --out wx.model   # class + value heads\n"
           "tml train --dataset pump/ --task anomaly --features spectral --out pump.q.model   # normal windows only\n"
           "tml train --dataset pump/ --task anomaly --anomaly autoencoder --features spectral --header pump_model.h\n"
           "tml train --dataset gestures/ --features spectral --model dense --anomaly kmeans --header g_model.h");
  // clang-format off
  p.options().add_options()
    ("dataset", "Dataset folder (or anything 'tml dataset import' reads)", cxxopts::value<std::string>())
    ("model", "Architecture: a preset (conv1d, dense, dscnn) or an architecture file (.json, see docs/training.md)", cxxopts::value<std::string>()->default_value("conv1d"))
    ("out", "Float model file to write (optional with --header)", cxxopts::value<std::string>())
    ("header", "Also quantize to int8 and export this C header (tml quantize + tml export in one go)", cxxopts::value<std::string>())
    ("prefix", "With --header: prefix of the header's names (tml flash and the board firmware need the default)", cxxopts::value<std::string>()->default_value("tml_model"))
    ("resample", "Resample the recordings to this rate in Hz before windowing (windowed-sinc low-pass, no aliasing; the model is then for this rate): N rows become floor((N - 1) * new / old) + 1", cxxopts::value<double>())
    ("window", "Window length: seconds (2s, 500ms) or rows (208)", cxxopts::value<std::string>()->default_value("2s"))
    ("stride", "Distance between window starts: seconds or rows (default: a quarter of the window)", cxxopts::value<std::string>());
  // clang-format on
  add_training_options(p.options());
  // clang-format off
  p.options().add_options()
    ("json", "Write all metrics and the per-epoch history as JSON to this file ('-' for stdout)", cxxopts::value<std::string>())
    ("q,quiet", "No progress bars");
  // clang-format on
  add_calibration_options(p.options());
  add_front_end_options(p.options());
  add_task_options(p.options());
  add_anomaly_options(p.options());
  cxxopts::ParseResult r;
  if (!p.parse(argc, argv, r)) return 0;
  Parser::require(r, "dataset");
  pipeline::TrainJob job;
  job.dataset = r["dataset"].as<std::string>();
  job.architecture = r["model"].as<std::string>();
  if (r.count("out")) job.out = r["out"].as<std::string>();
  if (r.count("header")) job.header = r["header"].as<std::string>();
  job.prefix = r["prefix"].as<std::string>();
  job.window = r["window"].as<std::string>();
  front_end_options(r, job);
  task_options(r, job);
  if (r.count("stride")) job.stride = r["stride"].as<std::string>();
  if (r.count("resample")) job.resample_hz = r["resample"].as<double>();
  job.calibration = calibration_options(r);
  training_options(r, job);
  if (job.task == "anomaly") return train_anomaly_command(r, job);
  job.anomaly = anomaly_options(r, false);
  job.normal = normal_labels(r);
  const std::string json_path = r.count("json") ? r["json"].as<std::string>() : "";
  pipeline::TrainRun run(std::move(job));
  std::cerr << run.describe();
  run.train(epoch_progress(run.options().epochs, r.count("quiet") == 0, run.options().classify));
  std::ostream& human = json_path == "-" ? std::cerr : std::cout;  // stdout may be the JSON
  human << run.describe_training();
  if (const auto& test = run.evaluate_test())
    human << "\nTest split: " << trainer::format_report(*test);
  else
    human << "The dataset has no test recordings; nothing to report on held-out data.\n";
  if (!run.job().out.empty()) {
    run.save();
    human << "Saved " << run.job().out.string() << "\n";
  }
  if (!run.job().header.empty()) {
    human << "\nQuantizing to int8\n";
    const pipeline::QuantizeRun& q = run.quantize_and_export();
    human << pipeline::format_quantize_report(q) << "\nExported " << run.job().header.string() << ": "
          << pipeline::describe_export(q.qmodel) << "\n"
          << pipeline::format_size_report(q.size, pipeline::layer_names(q.qmodel, q.size));
  }
  if (!json_path.empty()) pipeline::write_json(json_path, run.report());
  return 0;
}

}  // namespace tml::cli
