#include "dataset/manifest.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>

#include "dataset/names.h"
#include "tml/trainer/error.h"
#include "util/atomic_file.h"

namespace tml::dataset {
namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

constexpr const char* kFormatName = "tml-dataset";
constexpr int kVersion = 1;

std::string dump(const ordered_json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

ordered_json sample_json(const SampleInfo& s) {
  ordered_json j;
  j["id"] = s.id;
  j["label"] = s.label;
  j["split"] = s.split;
  j["file"] = s.file;
  j["rows"] = s.rows;
  j["device"] = s.device;
  j["source"] = s.source;
  j["created"] = s.created;
  if (!s.targets.empty()) {
    ordered_json t = ordered_json::object();
    for (const auto& [name, value] : s.targets) t[name] = value;
    j["targets"] = t;
  }
  return j;
}

const json& field(const json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end()) throw Error(where + " has no \"" + key + "\" field");
  return *it;
}

std::string str_field(const json& obj, const char* key, const std::string& where) {
  const json& v = field(obj, key, where);
  if (!v.is_string()) throw Error(where + ": \"" + key + "\" must be a string");
  return v.get<std::string>();
}

// A message that starts with `where` (prefixed unless it already does).
std::string at(const std::string& where, const std::string& message) {
  return message.rfind(where, 0) == 0 ? message : where + ": " + message;
}

Meta parse_meta(const json& j, const std::string& f) {
  Meta m;
  m.sensor = str_field(j, "sensor", f);
  const json& axes = field(j, "axes", f);
  if (!axes.is_array()) throw Error(f + ": \"axes\" must be a list");
  for (const auto& a : axes) {
    if (!a.is_object()) throw Error(f + ": each entry of \"axes\" must be an object with name and unit");
    m.axes.push_back({str_field(a, "name", f + " axis"), str_field(a, "unit", f + " axis")});
  }
  const json& rate = field(j, "rate_hz", f);
  if (!rate.is_number()) throw Error(f + ": \"rate_hz\" must be a number");
  m.rate_hz = rate.get<double>();
  m.sample_format = str_field(j, "sample_format", f);
  const json& tp = field(j, "test_percent", f);
  if (!tp.is_number_integer()) throw Error(f + ": \"test_percent\" must be an integer");
  if (tp.get<int64_t>() < 0 || tp.get<int64_t>() > 100)
    throw Error(f + ": \"test_percent\" must be within 0..100, not " + tp.dump());
  m.test_percent = static_cast<int>(tp.get<int64_t>());
  if (j.contains("targets")) {
    const json& t = j.at("targets");
    if (!t.is_array()) throw Error(f + ": \"targets\" must be a list of axis names");
    for (const auto& name : t) {
      if (!name.is_string()) throw Error(f + ": \"targets\" must be a list of axis names");
      m.targets.push_back(name.get<std::string>());
    }
  }
  validate_meta(m);
  return m;
}

SampleInfo parse_sample(const json& s, const std::string& where) {
  if (!s.is_object()) throw Error(where + " is not an object");
  SampleInfo info;
  info.id = str_field(s, "id", where);
  info.label = str_field(s, "label", where);
  info.split = str_field(s, "split", where);
  info.file = str_field(s, "file", where);
  const json& rows = field(s, "rows", where);
  if (!rows.is_number_unsigned() || rows.get<uint64_t>() == 0)
    throw Error(where + ": \"rows\" must be a positive integer");
  info.rows = rows.get<size_t>();
  info.device = str_field(s, "device", where);
  info.source = str_field(s, "source", where);
  info.created = str_field(s, "created", where);
  auto number = [&](const json& v, const std::string& name) {
    if (!v.is_number() || !std::isfinite(v.get<double>()))
      throw Error(where + ": target '" + name + "' must be a finite number");
    validate_axis_text("target name", name, false);
    info.targets[name] = v.get<double>();
  };
  if (s.contains("target")) number(s.at("target"), "target");
  if (s.contains("targets")) {
    if (!s.at("targets").is_object()) throw Error(where + ": \"targets\" must be an object of numbers by name");
    for (auto it = s.at("targets").begin(); it != s.at("targets").end(); ++it) number(it.value(), it.key());
  }
  validate_sample_id(info.id);
  validate_label(info.label);
  return info;
}

}  // namespace

std::string manifest_text(const Meta& m, const std::vector<SampleInfo>& samples) {
  std::string t = "{\n";
  t += "  \"format\": \"" + std::string(kFormatName) + "\",\n";
  t += "  \"version\": " + std::to_string(kVersion) + ",\n";
  t += "  \"sensor\": " + dump(m.sensor) + ",\n";
  t += "  \"axes\": [";
  for (size_t i = 0; i < m.axes.size(); ++i) {
    ordered_json a;
    a["name"] = m.axes[i].name;
    a["unit"] = m.axes[i].unit;
    t += (i ? ", " : "") + dump(a);
  }
  t += "],\n";
  if (!m.targets.empty()) t += "  \"targets\": " + dump(ordered_json(m.targets)) + ",\n";
  t += "  \"rate_hz\": " + dump(m.rate_hz) + ",\n";
  t += "  \"sample_format\": " + dump(m.sample_format) + ",\n";
  t += "  \"test_percent\": " + std::to_string(m.test_percent) + ",\n";
  t += "  \"samples\": [";
  for (size_t i = 0; i < samples.size(); ++i) t += (i ? ",\n    " : "\n    ") + dump(sample_json(samples[i]));
  t += samples.empty() ? "]\n" : "\n  ]\n";
  t += "}\n";
  return t;
}

Manifest parse_manifest(const std::string& text, const fs::path& file) {
  const std::string f = file.string();
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    throw Error(f + " is not valid JSON (" + e.what() +
                "). The dataset's manifest is damaged; restore it from a backup or version control");
  }
  if (!j.is_object()) throw Error(f + " is not a dataset manifest (not a JSON object)");
  if (!j.contains("format") || j["format"] != kFormatName)
    throw Error(f + " is not a tml dataset manifest (no \"format\": \"tml-dataset\")");
  const json& ver = field(j, "version", f);
  if (!ver.is_number_integer()) throw Error(f + ": \"version\" must be an integer");
  if (ver.get<int64_t>() != kVersion)
    throw Error(f + " has format version " + ver.dump() + "; this tml reads version " + std::to_string(kVersion) +
                (ver.get<int64_t>() > kVersion ? " (the dataset was written by a newer tml)" : ""));
  Manifest m;
  try {
    m.meta = parse_meta(j, f);
  } catch (const Error& e) {
    throw Error(at(f, e.what()));
  }
  const json& samples = field(j, "samples", f);
  if (!samples.is_array()) throw Error(f + ": \"samples\" must be a list");
  std::set<std::string> ids;
  for (size_t index = 1; index <= samples.size(); ++index) {
    const std::string where = f + " sample #" + std::to_string(index);
    SampleInfo info;
    try {
      info = parse_sample(samples[index - 1], where);
    } catch (const Error& e) {
      throw Error(at(where, e.what()));
    }
    const std::string stem = "data/" + info.label + "/" + info.id;
    if (info.file != stem + ".csv" && info.file != stem + ".wav")
      throw Error(where + " (" + info.id + "): file \"" + shown(info.file) + "\" must be " + stem + ".csv or .wav");
    check_split(info.split, where + " (" + info.id + ")");
    for (const auto& [name, value] : info.targets)
      for (const auto& a : m.meta.axes)
        if (a.name == name) throw Error(where + " (" + info.id + "): target '" + name + "' has an axis's name");
    if (!ids.insert(info.id).second) throw Error(where + ": sample id '" + info.id + "' appears twice");
    m.samples.push_back(std::move(info));
  }
  return m;
}

std::string read_manifest(const fs::path& dir) {
  const fs::path file = dir / kManifest;
  std::error_code ec;
  if (!fs::exists(dir, ec)) throw Error("no dataset at " + dir.string() + ": the folder does not exist");
  if (!fs::is_directory(dir, ec)) throw Error("no dataset at " + dir.string() + ": it is not a folder");
  if (!fs::exists(file, ec))
    throw Error("no dataset at " + dir.string() + " (it has no " + kManifest +
                "); create one with `tml capture` or `tml dataset import`");
  if (!fs::is_regular_file(file, ec)) throw Error(file.string() + " is not a regular file");
  return read_file(file);
}

}  // namespace tml::dataset
