#include "model_file.h"

#include <cmath>
#include <cstring>

#include "json_util.h"
#include "tml/features.h"
#include "tml/trainer/format.h"

namespace tml::trainer::detail {

using nlohmann::json;
using ordered = nlohmann::ordered_json;

json open_model_file(const std::string& text, const std::string& origin, const ModelFileKind& kind) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {  // a syntax error, or a number too large for a double (out_of_range)
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

ordered values_json(const std::vector<ValueHead>& values) {
  ordered a = ordered::array();
  for (const ValueHead& v : values)
    a.push_back(ordered{{"name", v.name}, {"unit", v.unit}, {"mean", shortest(v.mean)}, {"std", shortest(v.std)}});
  return a;
}

std::vector<ValueHead> read_values(const json& j, const std::string& origin) {
  std::vector<ValueHead> out;
  if (!j.contains("values")) return out;
  const json& values = j.at("values");
  if (!values.is_array()) throw Error(origin + ": \"values\" must be an array of value heads");
  for (const auto& v : values) {
    const std::string where = origin + ": value head";
    ValueHead h;
    h.name = text(v, "name", where);
    h.unit = text(v, "unit", where);
    h.mean = static_cast<float>(number(v, "mean", where));
    h.std = static_cast<float>(number(v, "std", where));
    out.push_back(h);
  }
  return out;
}

void check_values(const std::vector<ValueHead>& values, const std::vector<std::string>& labels) {
  if (values.size() > 8) throw Error("a model has at most 8 value heads (this one " + std::to_string(values.size()) + ")");
  for (size_t i = 0; i < values.size(); ++i) {
    const ValueHead& v = values[i];
    if (v.name.empty() || v.name.size() > 31) throw Error("value head names are 1 to 31 bytes ('" + v.name + "')");
    for (unsigned char c : v.name)
      if (c < 0x20 || c > 0x7e) throw Error("value head '" + v.name + "': names are printable ASCII");
    for (size_t k = 0; k < i; ++k)
      if (values[k].name == v.name) throw Error("value head '" + v.name + "' appears twice");
    for (const auto& l : labels)
      if (l == v.name) throw Error("value head '" + v.name + "' has a label's name");
    if (!std::isfinite(v.mean)) throw Error("value head '" + v.name + "': the mean is not finite");
    if (!(v.std > 0) || !std::isfinite(v.std)) throw Error("value head '" + v.name + "': the std must be positive");
  }
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

namespace {

// The section validated by the firmware, copied to an aligned buffer.
tml_features init_features(const std::vector<uint8_t>& section, std::vector<uint32_t>& aligned) {
  aligned.assign((section.size() + 3) / 4, 0);
  std::memcpy(aligned.data(), section.data(), section.size());
  tml_features fe;
  check_status(tml_features_init(&fe, aligned.data(), section.size()), "the front-end section is invalid");
  return fe;
}

}  // namespace

}  // namespace tml::trainer::detail

namespace tml::trainer {

void FrontEndInput::validate(int window, size_t channels) const {
  std::vector<uint32_t> aligned;
  const tml_features fe = detail::init_features(section, aligned);
  const tml_audio_features_record& a = fe.record.audio;  // the fields every kind shares
  if (a.out_time != window || a.out_channels != channels)
    throw Error("the front end computes [" + std::to_string(a.out_time) + "][" + std::to_string(a.out_channels) +
                "] but the network input is [" + std::to_string(window) + "][" + std::to_string(channels) + "]");
  if (axes.size() != a.raw_axes)
    throw Error("the front end reads " + std::to_string(a.raw_axes) + " axes but " + std::to_string(axes.size()) +
                " are named");
  if (stride < 1 || stride > a.raw_rows)
    throw Error("the front end's stride must be 1 to " + std::to_string(a.raw_rows) + " rows");
  if ((fe.kind == TML_FEATURES_MFE || fe.kind == TML_FEATURES_MFCC) && stride % a.frame_step)
    throw Error("the stride (" + std::to_string(stride) + " samples) must be a multiple of the hop (" +
                std::to_string(a.frame_step) + " samples)");
}

int FrontEndInput::raw_rows() const {
  std::vector<uint32_t> aligned;
  return detail::init_features(section, aligned).record.audio.raw_rows;
}

double FrontEndInput::rate_hz() const {
  std::vector<uint32_t> aligned;
  const tml_features fe = detail::init_features(section, aligned);
  return fe.kind == TML_FEATURES_SPECTRAL ? fe.record.spectral.sample_rate : fe.record.audio.sample_rate;
}

std::string FrontEndInput::kind() const {
  std::vector<uint32_t> aligned;
  const uint32_t k = detail::init_features(section, aligned).kind;
  return k == TML_FEATURES_MFCC ? "mfcc" : k == TML_FEATURES_MFE ? "mfe" : "spectral";
}

}  // namespace tml::trainer

namespace tml::trainer::detail {

ordered front_end_json(const FrontEndInput& f, bool with_section) {
  std::vector<uint32_t> aligned;
  const tml_features fe = init_features(f.section, aligned);
  const tml_audio_features_record& a = fe.record.audio;
  ordered list = ordered::array();
  for (const auto& ax : f.axes) list.push_back(ordered{{"name", ax.name}, {"unit", ax.unit}});
  ordered j = {{"kind", f.kind()}, {"rate_hz", f.rate_hz()}, {"window", a.raw_rows}, {"stride", f.stride},
               {"axes", list}};
  if (fe.kind == TML_FEATURES_MFE || fe.kind == TML_FEATURES_MFCC) {
    j["frame_length"] = a.frame_length;
    j["frame_step"] = a.frame_step;
    j["frame_offset"] = a.frame_offset;
    j["fft_size"] = a.fft_size;
    j["mel_bands"] = a.mel_bands;
    if (fe.kind == TML_FEATURES_MFCC) j["coefficients"] = a.out_channels;
    j["preemphasis"] = shortest(a.preemphasis);
  }
  j["output"] = ordered::array({a.out_time, a.out_channels});
  if (with_section) j["section"] = base64(f.section);
  return j;
}

FrontEndInput read_front_end(const json& j, const std::string& where, const std::vector<uint8_t>* blob_section) {
  if (!j.is_object()) throw Error(where + " must be an object");
  FrontEndInput f;
  if (blob_section) {
    f.section = *blob_section;
  } else if (!from_base64(text(j, "section", where), f.section)) {
    throw Error(where + ": \"section\" is not valid base64");
  }
  const long long stride = integer(j, "stride", where);
  if (stride < 1 || stride > 1000000000) throw Error(where + ": \"stride\" must be at least 1");
  f.stride = static_cast<int>(stride);
  const json& axes = field(j, "axes", where);
  if (!axes.is_array() || axes.empty() || axes.size() > 65535) throw Error(where + ": \"axes\" must be a non-empty array");
  for (const auto& a : axes) f.axes.push_back(Axis{text(a, "name", where + " axis"), text(a, "unit", where + " axis")});
  return f;
}

std::string optional_text(const json& o, const char* key) {
  return o.is_object() && o.contains(key) && o.at(key).is_string() ? o.at(key).get<std::string>() : std::string();
}

double optional_number(const json& o, const char* key, double fallback) {
  if (!o.is_object() || !o.contains(key) || !o.at(key).is_number()) return fallback;
  const double v = o.at(key).get<double>();
  // Callers keep these in an int, an int64_t or a float: a value none of them holds would make the
  // conversion undefined (found by fuzz_model_file: "best_epoch": 7777777771).
  return std::fabs(v) < 2147483648.0 ? v : fallback;
}

}  // namespace tml::trainer::detail
