#include "dataset/summary.h"

#include <filesystem>

#include <algorithm>
#include <cstdint>

#include "dataset/csv_text.h"
#include "tml/trainer/format.h"

namespace tml::dataset {
namespace {

std::string seconds_text(double seconds) { return format("%.1f s", seconds); }

std::string duration_text(double seconds) {
  return seconds < 120 ? seconds_text(seconds) : seconds_text(seconds) + format(" (%.1f min)", seconds / 60);
}

std::string pad(const std::string& s, size_t width) {
  return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}
std::string rpad(const std::string& s, size_t width) {
  return s.size() >= width ? " " + s : std::string(width - s.size(), ' ') + s;
}

}  // namespace

Summary summarize(const Dataset& d, const std::string& name) {
  Summary s;
  s.name = name;
  s.meta = d.meta();
  s.samples = d.samples().size();
  size_t min_rows = SIZE_MAX;
  for (const auto& info : d.samples()) {
    auto& l = s.labels[info.label];
    (info.split == "test" ? l.test : l.train)++;
    (info.split == "test" ? s.test : s.train)++;
    l.rows += info.rows;
    s.rows += info.rows;
    min_rows = std::min(min_rows, info.rows);
    s.max_rows = std::max(s.max_rows, info.rows);
    s.devices[info.device.empty() ? "(not recorded)" : info.device]++;
    s.sources[info.source]++;
  }
  s.min_rows = d.samples().empty() ? 0 : min_rows;
  s.orphans = d.orphans();
  for (const auto& m : d.missing()) s.missing.push_back(m.file);
  return s;
}

std::string format_summary(const Summary& s) {
  const Meta& m = s.meta;
  std::string o = "Dataset " + s.name + "\n";
  o += "  sensor    " + m.sensor + "\n";
  o += "  axes      " + describe(m.axes) + "\n";
  if (!m.targets.empty()) {
    std::string t;
    for (const auto& name : m.targets) t += (t.empty() ? "" : ", ") + name;
    o += "  targets   " + t + " (numeric targets: not model inputs)\n";
  }
  o += "  rate      " + format_double(m.rate_hz) + " Hz, " + m.sample_format + " samples\n";
  o += "  samples   " + std::to_string(s.samples) + " (" + std::to_string(s.train) + " train, " +
       std::to_string(s.test) + " test), " + duration_text(static_cast<double>(s.rows) / m.rate_hz) + " in all, ";
  o += s.min_rows == s.max_rows ? std::to_string(s.min_rows) + " rows each\n"
                                : std::to_string(s.min_rows) + " to " + std::to_string(s.max_rows) + " rows\n";
  o += "  devices   ";
  bool first = true;
  for (const auto& [name, n] : s.devices) {
    o += (first ? "" : "; ") + name + " (" + std::to_string(n) + ")";
    first = false;
  }
  o += s.devices.empty() ? "none\n" : "\n";
  if (!s.labels.empty()) {
    size_t w = 8;
    for (const auto& [name, l] : s.labels) w = std::max(w, name.size() + 2);
    o += "\n  " + pad("label", w) + rpad("train", 6) + rpad("test", 6) + rpad("total", 7) + rpad("duration", 12) + "\n";
    for (const auto& [name, l] : s.labels)
      o += "  " + pad(name, w) + rpad(std::to_string(l.train), 6) + rpad(std::to_string(l.test), 6) +
           rpad(std::to_string(l.train + l.test), 7) + rpad(seconds_text(static_cast<double>(l.rows) / m.rate_hz), 12) +
           "\n";
  }
  o += "\n";
  if (s.orphans.empty()) {
    o += "  orphans   none\n";
  } else {
    o += "  orphans   " + std::to_string(s.orphans.size()) +
         " file(s) that no manifest entry names, left by an interrupted write; safe to delete:\n";
    for (const auto& f : s.orphans) o += "            " + f + "\n";
  }
  if (!s.missing.empty()) {
    o += "  MISSING   " + std::to_string(s.missing.size()) + " sample file(s) named by the manifest do not exist:\n";
    for (const auto& f : s.missing) o += "            " + f + "\n";
  }
  return o;
}

nlohmann::ordered_json summary_json(const Summary& s) {
  const Meta& m = s.meta;
  nlohmann::ordered_json j;
  j["dataset"] = s.name;
  j["sensor"] = m.sensor;
  j["axes"] = nlohmann::ordered_json::array();
  for (const auto& a : m.axes) j["axes"].push_back({{"name", a.name}, {"unit", a.unit}});
  if (!m.targets.empty()) j["targets"] = m.targets;
  j["rate_hz"] = m.rate_hz;
  j["sample_format"] = m.sample_format;
  j["test_percent"] = m.test_percent;
  j["samples"] = s.samples;
  j["train"] = s.train;
  j["test"] = s.test;
  j["rows"] = s.rows;
  j["min_rows"] = s.min_rows;
  j["max_rows"] = s.max_rows;
  j["duration_s"] = static_cast<double>(s.rows) / m.rate_hz;
  j["labels"] = nlohmann::ordered_json::array();
  for (const auto& [name, l] : s.labels)
    j["labels"].push_back({{"label", name},
                           {"train", l.train},
                           {"test", l.test},
                           {"samples", l.train + l.test},
                           {"rows", l.rows},
                           {"duration_s", static_cast<double>(l.rows) / m.rate_hz}});
  j["devices"] = nlohmann::ordered_json::array();
  for (const auto& [name, n] : s.devices) j["devices"].push_back({{"device", name}, {"samples", n}});
  j["sources"] = nlohmann::ordered_json::array();
  for (const auto& [name, n] : s.sources) j["sources"].push_back({{"source", name}, {"samples", n}});
  j["orphans"] = s.orphans;
  j["missing"] = s.missing;
  return j;
}

CheckResult check_samples(const Dataset& d) {
  CheckResult c;
  for (const SampleInfo& info : d.samples()) {
    ++c.samples;
    const std::string at = "sample '" + info.id + "' (" + info.file + "): ";
    std::error_code ec;
    if (std::filesystem::is_symlink(d.dir() / info.file, ec)) {
      c.problems.push_back(at + "is a symbolic link; a dataset holds its own files (copy the file in its place)");
      continue;
    }
    try {
      d.load(info);  // parses every value (finite numbers only) and checks the row count and columns
    } catch (const Error& e) {
      c.problems.push_back(at + e.what());
    }
  }
  return c;
}

std::string format_check(const CheckResult& c) {
  if (c.problems.empty())
    return "Checked " + std::to_string(c.samples) +
           " sample file(s): all readable, the manifest's row counts, every value finite.\n";
  std::string o = "Checked " + std::to_string(c.samples) + " sample file(s): " + std::to_string(c.problems.size()) +
                  " problem(s):\n";
  for (const auto& p : c.problems) o += "  " + p + "\n";
  return o;
}

}  // namespace tml::dataset
