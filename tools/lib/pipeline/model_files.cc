#include "pipeline/model_files.h"

#include "tml/trainer/error.h"
#include "util/atomic_file.h"

namespace tml::pipeline {

namespace {

template <typename M>
void save(const M& model, const std::filesystem::path& path, std::string (*to_json)(const M&)) {
  std::string text;
  try {
    text = to_json(model);
  } catch (const Error& e) {
    throw Error("cannot save " + path.string() + ": " + e.what());
  }
  write_file_atomic(path, text);
}

template <typename M>
M load(const std::filesystem::path& path, M (*from_json)(const std::string&, const std::string&)) {
  if (!std::filesystem::exists(path)) throw Error("model file " + path.string() + " does not exist");
  if (!std::filesystem::is_regular_file(path)) throw Error("model file " + path.string() + " is not a file");
  return from_json(read_file(path), path.string());
}

}  // namespace

void save_model(const trainer::Model& model, const std::filesystem::path& path) {
  save(model, path, trainer::model_to_json);
}
trainer::Model load_model(const std::filesystem::path& path) { return load(path, trainer::model_from_json); }

void save_qmodel(const trainer::QModel& model, const std::filesystem::path& path) {
  save(model, path, trainer::qmodel_to_json);
}
trainer::QModel load_qmodel(const std::filesystem::path& path) { return load(path, trainer::qmodel_from_json); }

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
  if (!std::filesystem::exists(path)) throw Error("model file " + path.string() + " does not exist");
  if (!std::filesystem::is_regular_file(path)) throw Error("model file " + path.string() + " is not a file");
  const std::string format = trainer::model_file_format(read_file(path));
  if (format != "tml-model" && format != "tml-quantized-model")
    throw Error(path.string() + " is not a tml model file (neither a float model from tml train nor a quantized "
                "model from tml quantize)");
  return format;
}

}  // namespace tml::pipeline
