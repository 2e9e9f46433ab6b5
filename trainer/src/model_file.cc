#include "model_file.h"

#include "json_util.h"

namespace tml::trainer::detail {

using nlohmann::json;
using ordered = nlohmann::ordered_json;

json open_model_file(const std::string& text, const std::string& origin, const ModelFileKind& kind) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw Error(origin + ": not a " + kind.name + " file (not valid JSON: " + e.what() + ")");
  }
  if (!j.is_object() || !j.contains("format") || j.at("format") != kind.format)
    throw Error(origin + ": not a tml " + kind.name + " file (no \"format\": \"" + kind.format + "\")");
  const long long version = integer(j, "version", origin);
  if (version != kind.version)
    throw Error(origin + ": " + kind.name + " format version " + std::to_string(version) +
                " is not supported (this tml reads version " + std::to_string(kind.version) + ")");
  return j;
}

std::vector<std::string> read_labels(const json& j, const std::string& origin) {
  const json& labels = field(j, "labels", origin);
  if (!labels.is_array()) throw Error(origin + ": \"labels\" must be an array of strings");
  std::vector<std::string> out;
  for (const auto& l : labels) {
    if (!l.is_string()) throw Error(origin + ": \"labels\" must be an array of strings");
    out.push_back(l.get<std::string>());
  }
  return out;
}

InputBlock read_input(const json& input, const std::string& where, long long max_rows, size_t max_axes,
                      const char* rows_rule) {
  InputBlock in;
  const long long window = integer(input, "window", where), stride = integer(input, "stride", where);
  if (window < 1 || window > max_rows || stride < 1 || stride > max_rows)
    throw Error(where + ": window and stride must be " + rows_rule);
  in.window = static_cast<int>(window);
  in.stride = static_cast<int>(stride);
  in.rate_hz = number(input, "rate_hz", where);
  const json& axes = field(input, "axes", where);
  if (!axes.is_array() || axes.empty() || axes.size() > max_axes)
    throw Error(where + ": \"axes\" must be a non-empty array");
  for (const auto& a : axes) in.axes.push_back(Axis{text(a, "name", where + " axis"), text(a, "unit", where + " axis")});
  return in;
}

ordered input_json(int window, int stride, double rate_hz, const std::vector<Axis>& axes, const ordered& extra) {
  ordered list = ordered::array();
  for (const auto& a : axes) list.push_back(ordered{{"name", a.name}, {"unit", a.unit}});
  ordered in = {{"window", window}, {"stride", stride}, {"rate_hz", rate_hz}, {"axes", list}};
  for (auto it = extra.begin(); it != extra.end(); ++it) in[it.key()] = it.value();
  in["layout"] = "time-major [window][axes]";
  return in;
}

std::string optional_text(const json& o, const char* key) {
  return o.is_object() && o.contains(key) && o.at(key).is_string() ? o.at(key).get<std::string>() : std::string();
}

double optional_number(const json& o, const char* key, double fallback) {
  return o.is_object() && o.contains(key) && o.at(key).is_number() ? o.at(key).get<double>() : fallback;
}

}  // namespace tml::trainer::detail
