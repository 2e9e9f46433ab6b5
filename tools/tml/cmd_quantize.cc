// tml quantize: a float model to an int8 model (TFLite's scheme) that the firmware's kernels run, with
// what it changes: float vs int8 accuracy, per layer and per class.
#include <filesystem>
#include <iostream>

#include "cli/anomaly_options.h"
#include "cli/command.h"
#include "cli/quant_options.h"
#include "pipeline/anomaly_run.h"
#include "pipeline/json_report.h"
#include "pipeline/quantize_report.h"
#include "pipeline/model_files.h"
#include "pipeline/recordings.h"
#include "tml/trainer/error.h"

namespace tml::cli {

int cmd_quantize(int argc, char** argv) {
  Parser p("quantize",
           "Quantize a float model to int8 (TFLite's scheme: per-channel symmetric int8 weights, asymmetric int8 "
           "activations, int32 bias; batch norm folded, ReLU and max pooling fused). The activation ranges are "
           "calibrated on the dataset's training windows; float and int8 are then compared on its test windows, "
           "the int8 model running on the firmware's own kernels: accuracy, error per layer, precision and recall per "
           "class, confusion matrices. Writes a quantized model file for tml export and tml eval.",
           "tml quantize --model gestures.model --dataset gestures/ --out gestures.q.model\n"
           "tml quantize --model gestures.model --dataset gestures/ --out gestures.q.model --calibration percentile "
           "--percentile 99.99 --json quantize.json\n"
           "tml quantize --model g.model --dataset gestures/ --out g.q.model --anomaly kmeans --normal idle,updown   # + anomaly score");
  // clang-format off
  p.options().add_options()
    ("model", "Float model file (from tml train)", cxxopts::value<std::string>())
    ("dataset", "Dataset folder (or anything 'tml dataset import' reads): training split to calibrate, test split to compare", cxxopts::value<std::string>())
    ("out", "Quantized model file to write (.q.model)", cxxopts::value<std::string>())
    ("json", "Write the report as JSON to this file ('-' for stdout)", cxxopts::value<std::string>());
  // clang-format on
  add_calibration_options(p.options());
  add_anomaly_options(p.options());
  p.options().add_options()("seed", "--anomaly: K-means seed", cxxopts::value<uint64_t>()->default_value("1"));
  cxxopts::ParseResult r;
  if (!p.parse(argc, argv, r)) return 0;
  Parser::require(r, "model");
  Parser::require(r, "dataset");
  Parser::require(r, "out");
  const trainer::CalibrationOptions calibration = calibration_options(r);
  const std::string json_path = r.count("json") ? r["json"].as<std::string>() : "";
  const auto anomaly = anomaly_options(r, false);
  if (anomaly && anomaly->method != trainer::AnomalyMethod::kmeans)
    throw UsageError("tml quantize adds --anomaly kmeans to a classifier; an autoencoder is tml train --task anomaly");
  const std::filesystem::path model_path = r["model"].as<std::string>();
  const std::filesystem::path out = r["out"].as<std::string>();

  if (pipeline::model_file_format(model_path) == "tml-quantized-model")
    throw Error(model_path.string() + " is already quantized; give the float model from tml train");
  trainer::Model model = pipeline::load_model(model_path);
  const std::filesystem::path dataset_arg = r["dataset"].as<std::string>();
  const trainer::RecordingSet set = pipeline::model_input(pipeline::read_recordings(dataset_arg, model.labels),
                                                         model.axes, model.rate_hz, model.front_end,
                                                         dataset_arg.string());

  pipeline::QuantizeRun run = pipeline::run_quantize(model, set, calibration, model_path.string(), dataset_arg.string());
  if (anomaly) pipeline::add_kmeans_anomaly(run, set, *anomaly, normal_labels(r));
  std::ostream& human = json_path == "-" ? std::cerr : std::cout;
  human << "Quantized " << model_path.string() << " to int8 (" << run.size.layers.size() << " layers, "
        << run.size.flash_bytes << " bytes of flash, " << run.size.arena_bytes << " bytes of RAM)\n"
        << pipeline::format_quantize_report(run);
  pipeline::save_qmodel(run.qmodel, out);
  human << "Saved " << out.string() << " (tml export --model " << out.string() << " --out model.h)\n";
  if (!json_path.empty()) {
    nlohmann::json j = pipeline::quantize_json(run);
    j["out"] = out.string();
    pipeline::write_json(json_path, j);
  }
  return 0;
}

}  // namespace tml::cli
