#include "flash/flash.h"

#include <regex>

#include "tml/trainer/error.h"
#include "tml/trainer/format.h"
#include "util/atomic_file.h"

namespace tml::flash {

HeaderConstants read_model_header(const std::filesystem::path& header) {
  if (!std::filesystem::is_regular_file(header))
    throw Error("no model header at " + header.string() + " (make one with tml export)");
  const std::string text = read_file(header);
  auto get = [&](const std::string& name) -> long long {
    const std::regex re("#define TML_MODEL_" + name + " \\(?(-?(?:0x)?[0-9a-fA-F]+)u?\\)?");
    std::smatch m;
    if (!std::regex_search(text, m, re))
      throw Error(header.string() + " lacks TML_MODEL_" + name +
                  "; is it a header from tml export with the default prefix? (boards need the TML_MODEL_ names)");
    return std::stoll(m[1].str(), nullptr, 0);
  };
  HeaderConstants c;
  c.hash = static_cast<uint32_t>(get("HASH"));
  c.blob_size = static_cast<uint32_t>(get("BLOB_SIZE"));
  c.arena_size = static_cast<uint32_t>(get("ARENA_SIZE"));
  c.sensor = static_cast<int>(get("SENSOR"));
  c.rate_millihz = static_cast<uint32_t>(get("SAMPLE_RATE_MILLIHZ"));
  c.window_rows = static_cast<uint32_t>(get("WINDOW_ROWS"));
  c.stride_rows = static_cast<uint32_t>(get("STRIDE_ROWS"));
  c.axis_count = static_cast<uint32_t>(get("AXIS_COUNT"));
  c.class_count = static_cast<uint32_t>(get("CLASS_COUNT"));
  std::smatch m;
  if (std::regex_search(text, m, std::regex("tml_model_labels\\[\\d+\\][^=]*= \\{([^}]*)\\}"))) {
    const std::string list = m[1].str();
    const std::regex item("\"((?:[^\"\\\\]|\\\\.)*)\"");
    for (auto it = std::sregex_iterator(list.begin(), list.end(), item); it != std::sregex_iterator(); ++it)
      c.labels.push_back((*it)[1].str());
  }
  const auto open = text.find("tml_model_blob[");
  const auto brace = open == std::string::npos ? open : text.find('{', open);
  const auto close = brace == std::string::npos ? brace : text.find('}', brace);
  if (close == std::string::npos) throw Error(header.string() + " holds no tml_model_blob array");
  const char* p = text.c_str() + brace + 1;
  const char* end = text.c_str() + close;
  while (p < end) {
    char* next = nullptr;
    const unsigned long v = std::strtoul(p, &next, 0);
    if (next == p) {
      ++p;
      continue;
    }
    c.blob.push_back(static_cast<uint8_t>(v));
    p = next;
  }
  if (c.blob.size() != c.blob_size)
    throw Error(header.string() + ": the blob holds " + std::to_string(c.blob.size()) + " bytes, TML_MODEL_BLOB_SIZE says " +
                std::to_string(c.blob_size));
  return c;
}

link::Session verify_model(link::BoardLink& board, uint32_t expected_hash, const std::string& where) {
  const link::Session s = board.hello();
  const std::string want = hex32(expected_hash), got = hex32(s.model_hash);
  if (s.model_hash != expected_hash) {
    if (expected_hash == 0) throw Error(where + " still runs model " + got + " after flashing firmware without a model");
    if (s.model_hash == 0)
      throw Error(where + " runs firmware without a model, not model " + want + " (" + s.device() + ")");
    throw Error(where + " runs model " + got + ", not " + want + " (" + s.device() +
                "); the upload did not take, or another model is on the board");
  }
  if (expected_hash != 0 && !(s.flags & TML_SESSION_FLAG_INFERENCE))
    throw Error(where + " reports model " + std::string(got) + " but cannot run it (the firmware rejected the blob)");
  return s;
}

}  // namespace tml::flash
