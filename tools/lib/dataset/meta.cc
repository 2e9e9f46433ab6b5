#include "dataset/meta.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <set>

#include "dataset/csv_text.h"
#include "dataset/names.h"
#include "tml/trainer/error.h"

namespace tml::dataset {

void validate_meta(const Meta& m) {
  if (m.sensor.empty()) throw Error("the sensor name is empty");
  for (unsigned char c : m.sensor)
    if (c < 0x20 || c == 0x7f) throw Error("the sensor name '" + shown(m.sensor) + "' contains a control character");
  if (m.axes.empty()) throw Error("a dataset needs at least one axis");
  std::set<std::string> names;
  for (const auto& a : m.axes) {
    validate_axis_text("axis name", a.name, false);
    validate_axis_text("unit", a.unit, true);
    if (!names.insert(a.name).second) throw Error("axis '" + a.name + "' appears twice");
  }
  std::set<std::string> targets;
  for (const auto& t : m.targets) {
    if (!names.count(t)) throw Error("target '" + shown(t) + "' is not one of the axes");
    if (!targets.insert(t).second) throw Error("target '" + t + "' appears twice");
  }
  if (targets.size() >= m.axes.size()) throw Error("every axis is a target: a dataset needs at least one input axis");
  if (!std::isfinite(m.rate_hz) || m.rate_hz <= 0)
    throw Error("the sample rate must be a positive number of Hz, not " + format_double(m.rate_hz));
  if (m.sample_format != "f32" && m.sample_format != "i16")
    throw Error("sample format '" + shown(m.sample_format) + "' is not \"f32\" or \"i16\"");
  if (m.test_percent < 0 || m.test_percent > 100)
    throw Error("test_percent must be within 0..100, not " + std::to_string(m.test_percent));
}

std::string describe(const std::vector<Axis>& axes) {
  std::string s;
  for (const auto& a : axes) s += (s.empty() ? "" : ", ") + a.name + (a.unit.empty() ? "" : " (" + a.unit + ")");
  return s;
}

std::string describe(const Meta& m) {
  std::string targets;
  for (const auto& t : m.targets) targets += (targets.empty() ? "" : ", ") + t;
  return m.sensor + ": " + describe(m.axes) + " at " + format_double(m.rate_hz) + " Hz, " + m.sample_format +
         (targets.empty() ? "" : "; targets: " + targets);
}

bool same_axes_and_rate(const Meta& a, const Meta& b) {
  return a.axes == b.axes && a.targets == b.targets && std::fabs(a.rate_hz - b.rate_hz) <= 1e-9 * std::max(a.rate_hz, b.rate_hz);
}

bool stores_wav(const Meta& m) {
  return m.sensor == "microphone" && m.axes.size() == 1 && m.sample_format == "i16" &&
         m.rate_hz == std::floor(m.rate_hz) && m.rate_hz <= std::numeric_limits<uint32_t>::max();
}

}  // namespace tml::dataset
