#include "dataset/names.h"

#include <cstdint>

#include "tml/trainer/error.h"
#include "tml/trainer/format.h"

namespace tml::dataset {
namespace {

bool valid_utf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xe ? 2 : (c >> 3) == 0x1e ? 3 : 99;
    if (n == 99 || i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    i += n + 1;
  }
  return true;
}

void validate_name(const char* what, const std::string& s, size_t max_bytes) {
  const std::string q = std::string(what) + " '" + shown(s) + "'";
  if (s.empty()) throw Error(std::string(what) + " is empty");
  if (s.size() > max_bytes) throw Error(q + " is longer than " + std::to_string(max_bytes) + " bytes");
  if (s == "." || s == "..") throw Error(q + " is not allowed: it names a folder");
  for (unsigned char c : s) {
    if (c == '/' || c == '\\') throw Error(q + " contains a path separator ('/' or '\\')");
    if (c < 0x20 || c == 0x7f) throw Error(q + " contains a control character");
  }
  if (s[0] == '-') throw Error(q + " starts with '-' (it would read as a command-line option)");
  if (s[0] == '.') throw Error(q + " starts with '.' (it would name a hidden file)");
  if (!valid_utf8(s)) throw Error(q + " is not valid UTF-8");
}

uint32_t fnv1a32(const std::string& s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

}  // namespace

std::string shown(const std::string& s) {
  std::string out;
  for (unsigned char c : s) out += c < 0x20 || c == 0x7f ? format("\\x%02x", c) : std::string(1, static_cast<char>(c));
  return out;
}

void validate_label(const std::string& label) { validate_name("label", label, 64); }
void validate_sample_id(const std::string& id) { validate_name("sample id", id, 128); }

void validate_axis_text(const char* what, const std::string& s, bool may_be_empty) {
  if (s.empty()) {
    if (may_be_empty) return;
    throw Error(std::string(what) + " is empty");
  }
  const std::string q = std::string(what) + " '" + shown(s) + "'";
  if (s.size() > 64) throw Error(q + " is longer than 64 bytes");
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f || c == ',' || c == '"')
      throw Error(q + " contains a comma, a double quote or a control character");
  if (s.front() == ' ' || s.back() == ' ') throw Error(q + " starts or ends with a space");
  if (!valid_utf8(s)) throw Error(q + " is not valid UTF-8");
}

bool is_split(const std::string& split) { return split == "train" || split == "test"; }

void check_split(const std::string& split, const std::string& where) {
  if (!is_split(split)) throw Error(where + ": split \"" + shown(split) + "\" must be \"train\" or \"test\"");
}

std::string hash_split(const std::string& id, int test_percent) {
  return static_cast<int>(fnv1a32(id) % 100) < test_percent ? "test" : "train";
}

}  // namespace tml::dataset
