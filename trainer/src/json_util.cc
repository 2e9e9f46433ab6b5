#include "json_util.h"

#include <cmath>
#include <cstring>

#include "tml/trainer/error.h"

namespace tml::trainer::detail {

void pretty(const nlohmann::ordered_json& j, int indent, std::string& out) {
  const std::string pad(static_cast<size_t>(indent) * 2, ' ');
  if (j.is_object()) {
    if (j.empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    size_t i = 0;
    for (auto it = j.begin(); it != j.end(); ++it, ++i) {
      out += pad + "  " + nlohmann::ordered_json(it.key()).dump() + ": ";
      pretty(it.value(), indent + 1, out);
      out += i + 1 < j.size() ? ",\n" : "\n";
    }
    out += pad + "}";
    return;
  }
  if (j.is_array()) {
    bool flat = true;
    for (const auto& e : j) flat = flat && e.is_primitive();
    if (flat) {
      out += "[";
      size_t line = 0;
      for (size_t i = 0; i < j.size(); ++i) {
        const std::string v = j[i].dump();
        if (i > 0) out += ",";
        if (line > 0 && line + v.size() + 2 > 100) {
          out += "\n" + pad + "  ";
          line = 0;
        } else if (i > 0) {
          out += " ";
        }
        out += v;
        line += v.size() + 2;
      }
      out += "]";
      return;
    }
    out += "[\n";
    for (size_t i = 0; i < j.size(); ++i) {
      out += pad + "  ";
      pretty(j[i], indent + 1, out);
      out += i + 1 < j.size() ? ",\n" : "\n";
    }
    out += pad + "]";
    return;
  }
  out += j.dump();
}

// Typed readers for model files: every failure names the field.
const nlohmann::json& field(const nlohmann::json& j, const char* key, const std::string& where) {
  if (!j.is_object() || !j.contains(key)) throw Error(where + ": missing \"" + key + "\"");
  return j.at(key);
}

std::string text(const nlohmann::json& j, const char* key, const std::string& where) {
  const nlohmann::json& v = field(j, key, where);
  if (!v.is_string()) throw Error(where + ": \"" + key + "\" must be a string");
  return v.get<std::string>();
}

long long integer(const nlohmann::json& j, const char* key, const std::string& where) {
  const nlohmann::json& v = field(j, key, where);
  if (!v.is_number_integer()) throw Error(where + ": \"" + key + "\" must be a whole number");
  return v.get<long long>();
}

double number(const nlohmann::json& j, const char* key, const std::string& where) {
  const nlohmann::json& v = field(j, key, where);
  if (!v.is_number()) throw Error(where + ": \"" + key + "\" must be a number");
  return v.get<double>();
}

std::vector<float> float_array(const nlohmann::json& v, const std::string& where) {
  if (!v.is_array()) throw Error(where + " must be an array of numbers");
  std::vector<float> out;
  out.reserve(v.size());
  for (const auto& x : v) {
    if (!x.is_number()) throw Error(where + " must contain only numbers");
    const float f = x.get<float>();
    if (!std::isfinite(f)) throw Error(where + " has a value that is not a finite float");
    out.push_back(f);
  }
  return out;
}

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}  // namespace

std::string base64(const std::vector<uint8_t>& bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const uint32_t n = (uint32_t{bytes[i]} << 16) | (i + 1 < bytes.size() ? uint32_t{bytes[i + 1]} << 8 : 0) |
                       (i + 2 < bytes.size() ? uint32_t{bytes[i + 2]} : 0);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

// Strict: the canonical alphabet, padding only at the end, length a multiple of 4.
bool from_base64(const std::string& s, std::vector<uint8_t>& out) {
  if (s.size() % 4) return false;
  out.clear();
  out.reserve(s.size() / 4 * 3);
  for (size_t i = 0; i < s.size(); i += 4) {
    uint32_t n = 0;
    int pad = 0;
    for (size_t k = 0; k < 4; ++k) {
      const char c = s[i + k];
      if (c == '=') {
        if (i + 4 != s.size() || k < 2) return false;
        ++pad;
        n <<= 6;
        continue;
      }
      if (pad) return false;
      const char* p = std::strchr(kAlphabet, c);
      if (!p || c == '\0') return false;
      n = (n << 6) | static_cast<uint32_t>(p - kAlphabet);
    }
    out.push_back(static_cast<uint8_t>(n >> 16));
    if (pad < 2) out.push_back(static_cast<uint8_t>(n >> 8));
    if (pad < 1) out.push_back(static_cast<uint8_t>(n));
  }
  return true;
}

}  // namespace tml::trainer::detail
