#include "formats/ei_json.h"

#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>

#include "dataset/csv_text.h"
#include "tml/trainer/error.h"
#include "util/atomic_file.h"
#include "util/utc_time.h"

namespace tml::dataset {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Builds the JSON document like nlohmann's own DOM parser, except payload.values: its numbers go
// straight from their text into a float vector (and the DOM gets an empty list in their place).
class EiSax {
 public:
  json root;
  std::vector<float> values;
  size_t rows = 0;
  size_t width = 0;
  bool have_values = false;
  std::string error;

  bool null() { return in_values_ ? not_a_number("null") : put(json(nullptr)); }
  bool boolean(bool b) { return in_values_ ? not_a_number(b ? "true" : "false") : put(json(b)); }
  bool number_integer(json::number_integer_t v) {
    return in_values_ ? number(static_cast<float>(v)) : put(json(v));
  }
  bool number_unsigned(json::number_unsigned_t v) {
    return in_values_ ? number(static_cast<float>(v)) : put(json(v));
  }
  bool number_float(json::number_float_t v, const std::string& text) {
    if (!in_values_) return put(json(v));
    auto f = parse_float(text);
    if (!f) return fail("payload.values: " + text + " is outside the float32 range");
    return number(*f);
  }
  bool string(std::string& s) { return in_values_ ? not_a_number("\"" + s + "\"") : put(json(s)); }
  bool binary(json::binary_t&) { return fail("unexpected binary value"); }
  bool start_object(std::size_t) { return in_values_ ? not_a_number("an object") : open(json::object()); }
  bool key(std::string& k) {
    stack_.back().key = k;
    return true;
  }
  bool end_object() {
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t) {
    if (in_values_) {
      if (depth_ != 1) return fail("payload.values: rows must hold numbers, not lists");
      if (flat_) return fail("payload.values mixes numbers and rows");
      depth_ = 2;
      row_start_ = values.size();
      return true;
    }
    if (stack_.size() == 2 && stack_[0].key == "payload" && stack_[1].key == "values" && stack_[1].node->is_object()) {
      put(json::array());
      in_values_ = true;
      have_values = true;
      depth_ = 1;
      return true;
    }
    return open(json::array());
  }
  bool end_array() {
    if (!in_values_) {
      stack_.pop_back();
      return true;
    }
    if (depth_ == 1) {
      in_values_ = false;
      depth_ = 0;
      return true;
    }
    const size_t w = values.size() - row_start_;
    const std::string row = "payload.values row " + std::to_string(rows + 1);
    if (w == 0) return fail(row + " is empty");
    if (rows == 0) width = w;
    if (w != width)
      return fail(row + " has " + std::to_string(w) + " values; row 1 has " + std::to_string(width));
    ++rows;
    depth_ = 1;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const json::exception& e) {
    error = std::string("not valid JSON: ") + e.what();
    return false;
  }

 private:
  struct Frame {
    json* node;
    std::string key;
  };

  bool fail(const std::string& why) {
    error = why;
    return false;
  }
  bool not_a_number(const std::string& what) {
    return fail("payload.values row " + std::to_string(rows + 1) + ": " + what + " is not a number");
  }
  bool number(float v) {
    if (depth_ == 1) {
      if (rows > 0 && !flat_) return fail("payload.values mixes numbers and rows");
      flat_ = true;
      width = 1;
      ++rows;
    }
    values.push_back(v);
    return true;
  }
  json* insert(json v) {
    if (stack_.empty()) {
      root = std::move(v);
      return &root;
    }
    json* top = stack_.back().node;
    if (top->is_array()) {
      top->push_back(std::move(v));
      return &top->back();
    }
    return &((*top)[stack_.back().key] = std::move(v));
  }
  bool put(json v) {
    insert(std::move(v));
    return true;
  }
  bool open(json v) {
    stack_.push_back({insert(std::move(v)), ""});
    return true;
  }

  std::vector<Frame> stack_;
  bool in_values_ = false;
  bool flat_ = false;
  int depth_ = 0;
  size_t row_start_ = 0;
};

std::string dump(const std::string& s) { return json(s).dump(-1, ' ', false, json::error_handler_t::replace); }

// "circle.json.6600enq7.ingestion-5758845749-fvlcj.json" -> "circle.6600enq7" (Edge Impulse's own
// sample name); "circle.6600enq7.json" -> "circle.6600enq7".
std::string id_from_file_name(const std::string& name) {
  std::string stem = name;
  if (stem.size() > 5 && stem.compare(stem.size() - 5, 5, ".json") == 0) stem.resize(stem.size() - 5);
  const size_t a = stem.find(".json.");
  if (a != std::string::npos && a > 0) {
    const size_t b = stem.find('.', a + 6);
    if (b != std::string::npos && b > a + 6) return stem.substr(0, a) + "." + stem.substr(a + 6, b - a - 6);
  }
  return stem;
}


struct Entry {
  fs::path path;
  std::string label, id, split;
};

std::vector<Entry> entries_from_info_labels(const fs::path& folder, const ImportOptions& opt) {
  const fs::path file = folder / "info.labels";
  const std::string where = file.string();
  json j;
  try {
    j = json::parse(read_file(file));
  } catch (const json::exception& e) {
    throw Error(where + " is not valid JSON: " + e.what());
  }
  if (!j.is_object() || !j.contains("files") || !j["files"].is_array())
    throw Error(where + " has no \"files\" list; it is not an Edge Impulse info.labels file");
  std::vector<Entry> out;
  size_t n = 0;
  for (const auto& f : j["files"]) {
    ++n;
    const std::string at = where + " entry " + std::to_string(n);
    if (!f.is_object() || !f.contains("path") || !f["path"].is_string())
      throw Error(at + " has no \"path\"");
    Entry e;
    const std::string rel = f["path"].get<std::string>();
    const fs::path p = fs::path(rel).lexically_normal();
    if (rel.empty() || p.is_absolute() || *p.begin() == "..")
      throw Error(at + ": path '" + rel + "' must be inside " + folder.string());
    e.path = folder / p;
    std::error_code ec;
    if (!fs::is_regular_file(e.path, ec)) throw Error(where + " names " + rel + ", which is missing");
    e.id = f.contains("name") && f["name"].is_string() ? f["name"].get<std::string>() : "";
    if (e.id.empty()) e.id = id_from_file_name(e.path.filename().string());
    if (f.contains("category") && f["category"].is_string())
      e.split = split_from_category(f["category"].get<std::string>(), at);
    const json* label = f.contains("label") ? &f["label"] : nullptr;
    const std::string type = label && label->is_object() && label->contains("type") && (*label)["type"].is_string()
                                 ? (*label)["type"].get<std::string>()
                                 : "";
    if (type == "label" && (*label).contains("label") && (*label)["label"].is_string()) {
      e.label = (*label)["label"].get<std::string>();
    } else if (opt.label.empty()) {
      throw Error(at + " (" + rel + ") has " + (type == "multi-label" ? "several labels (multi-label samples are "
                                                                      "not supported)"
                                                                    : "no label") +
                  "; give one with --label");
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

EiSample parse_ei_json(std::string_view text, const std::string& origin) {
  EiSax sax;
  if (!json::sax_parse(text, &sax) || !sax.error.empty())
    throw Error(origin + ": " + (sax.error.empty() ? std::string("not valid JSON") : sax.error));
  const json& root = sax.root;
  auto bad = [&](const std::string& why) { return Error(origin + ": " + why + " (not Edge Impulse data acquisition JSON?)"); };
  if (!root.is_object() || !root.contains("payload") || !root["payload"].is_object()) throw bad("no \"payload\" object");
  const json& p = root["payload"];
  EiSample s;
  if (!p.contains("interval_ms") || !p["interval_ms"].is_number()) throw bad("payload has no numeric \"interval_ms\"");
  s.interval_ms = p["interval_ms"].get<double>();
  if (!(s.interval_ms > 0) || !std::isfinite(s.interval_ms))
    throw Error(origin + ": payload.interval_ms must be a positive number of milliseconds");
  if (!p.contains("sensors") || !p["sensors"].is_array() || p["sensors"].empty())
    throw bad("payload has no \"sensors\" list");
  for (const auto& sensor : p["sensors"]) {
    if (!sensor.is_object() || !sensor.contains("name") || !sensor["name"].is_string())
      throw bad("each payload.sensors entry needs a \"name\"");
    Axis a;
    a.name = sensor["name"].get<std::string>();
    if (sensor.contains("units") && sensor["units"].is_string()) a.unit = sensor["units"].get<std::string>();
    s.sensors.push_back(std::move(a));
  }
  if (!sax.have_values) throw bad("payload has no \"values\" list");
  if (sax.rows == 0) throw Error(origin + ": payload.values is empty (no samples)");
  if (sax.width != s.sensors.size())
    throw Error(origin + ": payload.values rows have " + std::to_string(sax.width) + " values but payload.sensors names " +
                std::to_string(s.sensors.size()) + " sensors");
  s.values = std::move(sax.values);
  auto str = [&](const char* key) { return p.contains(key) && p[key].is_string() ? p[key].get<std::string>() : ""; };
  s.device_name = str("device_name");
  s.device_type = str("device_type");
  if (root.contains("protected") && root["protected"].is_object() && root["protected"].contains("iat") &&
      root["protected"]["iat"].is_number_integer())
    s.iat = root["protected"]["iat"].get<int64_t>();
  return s;
}

std::string format_ei_json(const EiSample& s, int64_t iat) {
  std::string o;
  o.reserve(s.values.size() * 9 + 512);
  o += "{\"protected\":{\"ver\":\"v1\",\"alg\":\"none\",\"iat\":" + std::to_string(iat) + "},";
  o += "\"signature\":\"" + std::string(64, '0') + "\",";
  o += "\"payload\":{\"device_name\":" + dump(s.device_name) + ",\"device_type\":" + dump(s.device_type) +
       ",\"interval_ms\":" + json(s.interval_ms).dump() + ",\"sensors\":[";
  for (size_t i = 0; i < s.sensors.size(); ++i)
    o += std::string(i ? "," : "") + "{\"name\":" + dump(s.sensors[i].name) + ",\"units\":" + dump(s.sensors[i].unit) + "}";
  o += "],\"values\":[";
  const size_t w = s.sensors.size();
  for (size_t i = 0; i < s.values.size(); ++i) {
    if (i) o += ',';
    if (w > 1 && i % w == 0) o += '[';
    if (s.values[i] == 0 && std::signbit(s.values[i]))
      o += "-0.0";  // "-0" is a JSON integer, read back as 0: the sign would be lost
    else
      append_float(o, s.values[i]);
    if (w > 1 && i % w == w - 1) o += ']';
  }
  o += "]}}";
  return o;
}

ImportSet read_ei(const fs::path& input, const ImportOptions& opt) {
  std::vector<Entry> entries;
  std::error_code ec;
  if (fs::is_directory(input, ec) && fs::exists(input / "info.labels", ec)) {
    entries = entries_from_info_labels(input, opt);
  } else {
    for (const auto& f : input_files(input, ".json"))
      entries.push_back(Entry{f.path, label_from_path(f, false), id_from_file_name(f.path.filename().string()),
                              split_from_folders(f)});
  }
  ImportSet set;
  std::string first;
  for (const auto& e : entries) {
    const std::string origin = e.path.string();
    EiSample s = parse_ei_json(read_file(e.path), origin);
    const double rate = rate_from_interval_s(s.interval_ms / 1000);
    if (first.empty()) {
      first = origin;
      set.meta.axes = s.sensors;
      set.meta.rate_hz = rate;
      set.meta.sensor = guess_sensor(s.sensors);
      set.meta.sample_format = "f32";
      try {
        validate_meta(set.meta);
      } catch (const Error& err) {
        throw Error(origin + ": " + err.what());
      }
    } else if (!(s.sensors == set.meta.axes)) {
      throw Error(origin + ": sensors " + describe(s.sensors) + " differ from " + describe(set.meta.axes) + " in " +
                  first + "; import them into separate datasets");
    } else if (rate != set.meta.rate_hz) {
      throw Error(origin + ": interval_ms " + format_double(s.interval_ms) + " gives " + format_double(rate) +
                  " Hz, but " + first + " is " + format_double(set.meta.rate_hz) +
                  " Hz; import them into separate datasets");
    }
    PendingSample p;
    p.origin = origin;
    p.label = e.label;
    p.id = e.id;
    p.split = e.split;
    p.device = s.device_type.empty() ? s.device_name
               : s.device_name.empty() ? s.device_type
                                       : s.device_type + " " + s.device_name;
    if (s.iat) p.created = iso_utc(*s.iat);
    p.values = std::move(s.values);
    set.samples.push_back(std::move(p));
  }
  return set;
}

void export_ei(const Dataset& d, const fs::path& out) {
  for (const char* sub : {"training", "testing"}) fs::create_directories(out / sub);
  std::string labels = "{\"version\":1,\"files\":[";
  bool first = true;
  for (const auto& info : d.samples()) {
    Sample s = d.load(info);
    EiSample e;
    const size_t space = info.device.find(' ');
    e.device_type = space == std::string::npos ? "" : info.device.substr(0, space);
    e.device_name = space == std::string::npos ? info.device : info.device.substr(space + 1);
    e.interval_ms = 1000.0 / d.meta().rate_hz;
    e.sensors = d.meta().axes;
    e.values = std::move(s.values);
    const std::string category = split_folder(info.split);
    const std::string rel = export_path(info, ".json");
    write_file_atomic(out / rel, format_ei_json(e, parse_iso_utc(info.created).value_or(static_cast<int64_t>(std::time(nullptr)))));
    labels += std::string(first ? "" : ",") + "{\"path\":" + dump(rel) + ",\"name\":" + dump(info.id) +
              ",\"category\":\"" + category + "\",\"label\":{\"type\":\"label\",\"label\":" + dump(info.label) + "}}";
    first = false;
  }
  labels += "]}";
  write_file_atomic(out / "info.labels", labels);
}

}  // namespace tml::dataset
