// tml export: a quantized model as one C header (blob in flash, constants a sketch needs), and what it
// costs: flash and RAM per layer and in total.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>

#include "cli/command.h"
#include "flash/arduino_library.h"
#include "pipeline/json_report.h"
#include "pipeline/model_files.h"
#include "pipeline/quantize_report.h"
#include "tml/trainer/error.h"
#include "util/atomic_file.h"

namespace tml::cli {

int cmd_export(int argc, char** argv) {
  Parser p("export",
           "Write a quantized model as one C/C++ header for the board: the model blob as an aligned const array "
           "(weights and descriptor, in flash) and the constants a sketch needs (labels, sensor, sample rate, window, "
           "stride, axes and units, normalisation, input scale and zero point, the exact arena size, the model hash). "
           "The header compiles warning-free as C and C++ (host compilers and arm-none-eabi-gcc). Prints flash and RAM "
           "per layer and in total.",
           "tml export --model gestures.q.model --out gestures_model.h\n"
           "tml export --model gestures.q.model --out gestures_model.h --prefix gestures --json size.json\n"
           "tml export --model gestures.q.model --arduino-library gestures_model --zip   # a library for your own sketch");
  // clang-format off
  p.options().add_options()
    ("model", "Quantized model file (from tml quantize)", cxxopts::value<std::string>())
    ("out", "Header file to write", cxxopts::value<std::string>())
    ("prefix", "Prefix of the header's names: TML_MODEL_ARENA_SIZE, tml_model_blob, ... (tml flash and the board firmware need the default)", cxxopts::value<std::string>()->default_value("tml_model"))
    ("json", "Write flash and RAM per layer as JSON to this file ('-' for stdout)", cxxopts::value<std::string>())
    ("arduino-library", "Also (or instead of --out) write an installable Arduino library to this folder (or .zip): the model, the firmware core, a small C API and an example sketch (docs/user_guide.md)", cxxopts::value<std::string>())
    ("zip", "With --arduino-library FOLDER: also write FOLDER.zip (for the Arduino IDE's Add .ZIP Library)");
  // clang-format on
  cxxopts::ParseResult r;
  if (!p.parse(argc, argv, r)) return 0;
  Parser::require(r, "model");
  if (!r.count("out") && !r.count("arduino-library")) throw UsageError("--out is required (or --arduino-library, or both)");
  const std::filesystem::path model_path = r["model"].as<std::string>();
  const std::filesystem::path out = r.count("out") ? r["out"].as<std::string>() : "";
  const std::string json_path = r.count("json") ? r["json"].as<std::string>() : "";
  if (pipeline::model_file_format(model_path) == "tml-model")
    throw Error(model_path.string() + " is a float model; quantize it first: tml quantize --model " + model_path.string() +
                " --dataset DATASET --out " + model_path.stem().string() + ".q.model");
  const trainer::QModel model = pipeline::load_qmodel(model_path);
  const std::string text = pipeline::export_header(model, model_path.filename().string(), r["prefix"].as<std::string>());
  if (!out.empty()) write_file_atomic(out, text);
  if (r.count("arduino-library")) {
    const auto lib = flash::write_arduino_library(model, model_path, {r["arduino-library"].as<std::string>(), r.count("zip") > 0});
    std::cout << "Wrote the Arduino library " << lib.name << " to " << (lib.dir.empty() ? lib.zip : lib.dir).string()
              << (lib.dir.empty() || lib.zip.empty() ? "" : " and " + lib.zip.string()) << " (example: examples/classify)\n";
  }

  const trainer::ModelSize size = trainer::model_size(model.blob);
  const std::vector<std::string> names = pipeline::layer_names(model, size);
  std::ostream& human = json_path == "-" ? std::cerr : std::cout;
  human << "Exported " << model_path.string() << (out.empty() ? "" : " to " + out.string()) << ": " << pipeline::describe_export(model) << "\n"
        << pipeline::format_size_report(size, names);
  if (!json_path.empty()) {
    nlohmann::json j = pipeline::size_json(size, names);
    j["model"] = model_path.string();
    j["header"] = out.string();
    pipeline::write_json(json_path, j);
  }
  return 0;
}

}  // namespace tml::cli
