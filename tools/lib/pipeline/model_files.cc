#include "pipeline/model_files.h"

#include <cstring>

#include "tml/crc32.h"
#include "tml/trainer/error.h"
#include "tml/trainer/format.h"
#include "util/atomic_file.h"

namespace tml::pipeline {

namespace {

// The last member of a model file: the CRC-32 of every byte before it, so that a change anywhere in the
// file (a bit flip on a disk or in a copy) is found at load, before any weight is used.
constexpr const char* kChecksumKey = ",\n  \"crc32\": \"";

uint32_t crc_of(const std::string& text, size_t len) {
  return tml_crc32(0, reinterpret_cast<const uint8_t*>(text.data()), len);
}

std::string with_checksum(std::string text) {
  const size_t close = text.find_last_of('}');
  if (close == std::string::npos) return text;
  text.erase(close);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  const uint32_t crc = crc_of(text, text.size());
  return text + kChecksumKey + hex32(crc) + "\"\n}\n";
}

// The file's text without its checksum member, after checking it. Files without one (written before tml
// had it) are taken as they are.
std::string checked_text(std::string text, const std::string& origin) {
  const size_t at = text.rfind(kChecksumKey);
  if (at == std::string::npos) return text;
  const size_t value = at + std::strlen(kChecksumKey);
  const std::string stored = text.substr(value, 8);
  const uint32_t actual = crc_of(text, at);
  if (stored.size() != 8 || text.compare(value + 8, 1, "\"") != 0 || stored != hex32(actual))
    throw Error("model file " + origin + " is damaged: its content does not match the checksum tml wrote with it (crc32 " +
                stored + ", the bytes before it give " + hex32(actual) +
                "); it changed after it was saved. Train or quantize it again, or copy it again from where it came from");
  return text.substr(0, at) + "\n}\n";
}

template <typename M>
void save(const M& model, const std::filesystem::path& path, std::string (*to_json)(const M&)) {
  std::string text;
  try {
    text = to_json(model);
  } catch (const Error& e) {
    throw Error("cannot save " + path.string() + ": " + e.what());
  }
  write_file_atomic(path, with_checksum(std::move(text)));
}

// The text of the model file at `path`, its checksum checked.
std::string model_text(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) throw Error("model file " + path.string() + " does not exist");
  if (!std::filesystem::is_regular_file(path)) throw Error("model file " + path.string() + " is not a file");
  return checked_text(read_file(path), path.string());
}

template <typename M>
M load(const std::filesystem::path& path, M (*from_json)(const std::string&, const std::string&)) {
  return from_json(model_text(path), path.string());
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
  const std::string format = trainer::model_file_format(model_text(path));
  if (format != "tml-model" && format != "tml-quantized-model")
    throw Error(path.string() + " is not a tml model file (neither a float model from tml train nor a quantized "
                "model from tml quantize)");
  return format;
}

}  // namespace tml::pipeline
