#include "json_util.h"

#include <cmath>

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

}  // namespace tml::trainer::detail
