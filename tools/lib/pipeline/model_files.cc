#include "pipeline/model_files.h"

#include "tml/trainer/error.h"
#include "util/atomic_file.h"

namespace tml::pipeline {

void save_model(const trainer::Model& model, const std::filesystem::path& path) {
  std::string text;
  try {
    text = trainer::model_to_json(model);
  } catch (const Error& e) {
    throw Error("cannot save " + path.string() + ": " + e.what());
  }
  write_file_atomic(path, text);
}

trainer::Model load_model(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) throw Error("model file " + path.string() + " does not exist");
  return trainer::model_from_json(read_file(path), path.string());
}

void save_qmodel(const trainer::QModel& model, const std::filesystem::path& path) {
  std::string text;
  try {
    text = trainer::qmodel_to_json(model);
  } catch (const Error& e) {
    throw Error("cannot save " + path.string() + ": " + e.what());
  }
  write_file_atomic(path, text);
}

trainer::QModel load_qmodel(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) throw Error("model file " + path.string() + " does not exist");
  return trainer::qmodel_from_json(read_file(path), path.string());
}

trainer::ExportedHeader read_model_header(const std::filesystem::path& path) {
  if (!std::filesystem::is_regular_file(path))
    throw Error("no model header at " + path.string() + " (make one with tml export)");
  trainer::ExportedHeader h = trainer::parse_model_header(read_file(path), path.string());
  if (h.info.prefix != "tml_model")
    throw Error(path.string() + " names its constants after the prefix '" + h.info.prefix +
                "'; boards need the TML_MODEL_ names: export it again with the default prefix");
  return h;
}

std::string model_file_format(const std::filesystem::path& path) {
  if (!std::filesystem::is_regular_file(path)) throw Error("model file " + path.string() + " does not exist");
  const std::string format = trainer::model_file_format(read_file(path));
  if (format != "tml-model" && format != "tml-quantized-model")
    throw Error(path.string() + " is not a tml model file (neither a float model from tml train nor a quantized "
                "model from tml quantize)");
  return format;
}

}  // namespace tml::pipeline
