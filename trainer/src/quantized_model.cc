#include "tml/trainer/quantized_model.h"

#include "tml/model_format.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

#include "json_util.h"
#include "model_file.h"
#include "layer_json.h"
#include "tml/model.h"
#include "tml/protocol/messages.h"
#include "tml/trainer/blob.h"
#include "tml/trainer/error.h"
#include "tml/trainer/format.h"

namespace tml::trainer {

using nlohmann::json;
using ordered = nlohmann::ordered_json;
using detail::field;
using detail::integer;
using detail::number;
using detail::text;
using detail::base64;
using detail::from_base64;

namespace {

constexpr detail::ModelFileKind kFile{"tml-quantized-model", kQModelFormatVersion, "quantized model"};
ordered range_json(const Range& r) { return ordered::array({r.min, r.max}); }

Range range_of(const json& j) {
  if (j.is_array() && j.size() == 2 && j[0].is_number() && j[1].is_number()) return Range{j[0].get<double>(), j[1].get<double>()};
  return Range{};
}

}  // namespace

void QModel::validate() const {
  const Blob b(blob);
  const tml_model_header& h = b.header();
  const uint32_t classes = tml_model_class_count(&b.model());
  if (labels.size() != classes)
    throw Error("there are " + std::to_string(labels.size()) + " labels but the blob has " + std::to_string(classes) +
                " class outputs");
  const std::vector<std::string> in_blob = b.labels(), names = b.value_names();
  if (values.size() != names.size())
    throw Error("there are " + std::to_string(values.size()) + " value heads but the blob has " +
                std::to_string(names.size()));
  for (size_t i = 0; i < names.size(); ++i)
    if (values[i].name != names[i])
      throw Error("value head " + std::to_string(i + 1) + " is '" + values[i].name + "' but the blob says '" +
                  names[i] + "'");
  for (uint32_t i = 0; i < classes; ++i)
    if (!in_blob[i].empty() && labels[i] != in_blob[i])
      throw Error("label " + std::to_string(i + 1) + " is '" + labels[i] + "' but the blob says '" + in_blob[i] + "'");
  if (window != h.input_time)
    throw Error("the window is " + std::to_string(window) + " rows but the blob takes " + std::to_string(h.input_time));
  if (axes.size() != h.input_channels)
    throw Error("there are " + std::to_string(axes.size()) + " axes but the blob takes " + std::to_string(h.input_channels));
  if (stride < 1 || stride > window) throw Error("the stride must be 1 to " + std::to_string(window) + " rows");
  if (front_end.present() != (b.model().features.kind != 0))
    throw Error(front_end.present() ? "the model names a front end but the blob has none"
                                    : "the blob has a front end but the model names none");
  if (front_end.present()) front_end.validate(window, axes.size());
  if (!(rate_hz > 0) || !std::isfinite(rate_hz)) throw Error("the sample rate must be positive");
  const int kind = b.model().anomaly.kind;
  const char* block = kind == TML_ANOMALY_KMEANS ? "kmeans" : kind == TML_ANOMALY_AUTOENCODER ? "autoencoder" : "";
  if (!anomaly.method.empty() && anomaly.method != block)
    throw Error("anomaly: the method is '" + anomaly.method + "' but the blob's anomaly block is " +
                (*block ? "'" + std::string(block) + "'" : std::string("absent")));
  if (!float_model.empty()) {
    const Model f = model_from_json(float_model, "float_model");
    bool same_values = f.values.size() == values.size();
    for (size_t i = 0; same_values && i < values.size(); ++i) same_values = f.values[i].name == values[i].name;
    if (f.labels != labels || !same_values || f.window != window || f.axes.size() != axes.size())
      throw Error("float_model: its labels, value heads, window or axes are not the quantized model's");
  }
}

std::string qmodel_to_json(const QModel& m) {
  m.validate();
  const tml_model_header h = Blob(m.blob).header();

  ordered j;
  j["format"] = kFile.format;
  j["version"] = kFile.version;
  j["labels"] = m.labels;
  if (!m.values.empty()) j["values"] = detail::values_json(m.values);
  j["input"] = detail::input_json(m.window, m.stride, m.rate_hz, m.axes, ordered{{"sensor", m.sensor}});
  if (m.front_end.present()) j["front_end"] = detail::front_end_json(m.front_end, false);
  ordered cal = {{"method", calibration_method_name(m.calibration.method)}};
  if (m.calibration.method == CalibrationMethod::Percentile) cal["percentile"] = m.calibration.percentile;
  cal["split"] = "train";
  cal["windows"] = m.calibration_windows;
  ordered layers = ordered::array();
  for (const auto& l : m.layers) {
    ordered lj = {{"kind", l.kind}, {"name", l.name}, {"from", l.description}, {"source_layers", l.sources}};
    if (l.kind == "conv1d" || l.kind == "fully_connected" || l.kind == "depthwise_conv1d")
      lj["range"] = range_json(l.range);
    lj["scale"] = shortest(l.output.scale);
    lj["zero_point"] = l.output.zero_point;
    layers.push_back(lj);
  }
  j["quantization"] = ordered{{"scheme", "TFLite int8: per-channel symmetric int8 weights, asymmetric int8 "
                                         "activations, int32 bias, Q31 multiplier and shift"},
                              {"calibration", cal},
                              {"input", ordered{{"range", range_json(m.input_range)},
                                                {"scale", shortest(h.input_scale)},
                                                {"zero_point", h.input_zero_point}}},
                              {"layers", layers}};
  if (!m.eval_split.empty()) {
    ordered acc = {{"split", m.eval_split}, {"windows", m.eval_windows}};
    if (m.float_accuracy >= 0) acc["float"] = m.float_accuracy;
    if (m.int8_accuracy >= 0) acc["int8"] = m.int8_accuracy;
    if (m.float_mae >= 0) acc["float_mae"] = m.float_mae;
    if (m.int8_mae >= 0) acc["int8_mae"] = m.int8_mae;
    j["accuracy"] = acc;
  }
  if (!m.anomaly.method.empty()) {
    const Blob b(m.blob);
    ordered a = {{"method", m.anomaly.method},
                 {"normal", m.anomaly.normal},
                 {"false_alarm_rate", m.anomaly.false_alarm_rate},
                 {"threshold", b.model().anomaly.record.threshold / 65536.0}};
    if (m.anomaly.clusters) a["clusters"] = m.anomaly.clusters;
    if (!m.anomaly.hidden.empty()) a["hidden"] = m.anomaly.hidden;
    a["train_windows"] = m.anomaly.train_windows;
    a["validation_windows"] = m.anomaly.validation_windows;
    j["anomaly"] = a;
  }
  j["source"] = ordered{{"model", m.source_model},
                        {"architecture", m.architecture},
                        {"dataset", m.dataset},
                        {"created", m.created},
                        {"tool", m.tool}};
  j["blob"] = ordered{{"size", m.blob.size()},
                      {"hash", "0x" + hex32(h.hash)},
                      {"arena", h.arena_size},
                      {"base64", base64(m.blob)}};
  if (!m.float_model.empty()) j["float_model"] = ordered::parse(m.float_model);
  std::string out;
  detail::pretty(j, 0, out);
  return out + "\n";
}

std::string model_file_format(const std::string& text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("format") || !j.at("format").is_string()) return "";
  return j.at("format").get<std::string>();
}

QModel qmodel_from_json(const std::string& src, const std::string& origin) {
  return detail::read_model_file<QModel>(src, origin, kFile, [&](const json& j, QModel& m) {
    m.labels = detail::read_labels(j, origin);
    m.values = detail::read_values(j, origin);
    const std::string in_where = origin + ": input";
    const json& input = field(j, "input", origin);
    const detail::InputBlock in = detail::read_input(input, in_where, 65535, 65535, "1 to 65535 rows");
    m.window = in.window;
    m.stride = in.stride;
    m.rate_hz = in.rate_hz;
    m.axes = in.axes;
    m.sensor = text(input, "sensor", in_where);

    const json& blob = field(j, "blob", origin);
    if (!from_base64(text(blob, "base64", origin + ": blob"), m.blob))
      throw Error(origin + ": blob: \"base64\" is not valid base64");
    if (blob.contains("size") && (!blob.at("size").is_number_unsigned() || blob.at("size").get<uint64_t>() != m.blob.size()))
      throw Error(origin + ": blob: \"size\" says " + blob.at("size").dump() + " bytes but the blob has " +
                  std::to_string(m.blob.size()));
    if (j.contains("front_end")) {
      const Blob b(m.blob);
      const tml_model_header& h = b.header();
      if (!h.features_offset) throw Error(origin + ": front_end: the blob has no front end");
      const uint8_t* at = b.data() + h.features_offset;
      const std::vector<uint8_t> section(at, at + b.model().features.record.audio.size);
      m.front_end = detail::read_front_end(j.at("front_end"), origin + ": front_end", &section);
    }

    // Informational fields: read when present and well-formed.
    using detail::optional_number;
    using detail::optional_text;
    const json none = json::object();
    const json& source = j.contains("source") ? j.at("source") : none;
    m.source_model = optional_text(source, "model");
    m.architecture = optional_text(source, "architecture");
    m.dataset = optional_text(source, "dataset");
    m.created = optional_text(source, "created");
    m.tool = optional_text(source, "tool");
    const json& quant = j.contains("quantization") ? j.at("quantization") : none;
    const json& cal = quant.is_object() && quant.contains("calibration") ? quant.at("calibration") : none;
    if (optional_text(cal, "method") == "percentile") {
      m.calibration.method = CalibrationMethod::Percentile;
      m.calibration.percentile = optional_number(cal, "percentile", 99.99);
    }
    m.calibration_windows = static_cast<int64_t>(optional_number(cal, "windows", 0));
    if (quant.is_object() && quant.contains("input") && quant.at("input").is_object() && quant.at("input").contains("range"))
      m.input_range = range_of(quant.at("input").at("range"));
    if (quant.is_object() && quant.contains("layers") && quant.at("layers").is_array())
      for (const auto& lj : quant.at("layers")) {
        QLayerInfo l;
        l.kind = optional_text(lj, "kind");
        l.name = optional_text(lj, "name");
        l.description = optional_text(lj, "from");
        if (lj.is_object() && lj.contains("source_layers") && lj.at("source_layers").is_array())
          for (const auto& s : lj.at("source_layers"))
            if (s.is_number_integer()) l.sources.push_back(s.get<int>());
        if (lj.is_object() && lj.contains("range")) l.range = range_of(lj.at("range"));
        l.output.scale = static_cast<float>(optional_number(lj, "scale", 1));
        l.output.zero_point = static_cast<int>(optional_number(lj, "zero_point", 0));
        m.layers.push_back(l);
      }
    if (j.contains("float_model"))  // in its own key order, so it is written back as it was
      m.float_model = ordered::parse(src).at("float_model").dump();
    const json& acc = j.contains("accuracy") ? j.at("accuracy") : none;
    m.eval_split = optional_text(acc, "split");
    m.eval_windows = static_cast<int64_t>(optional_number(acc, "windows", 0));
    m.float_accuracy = optional_number(acc, "float", -1);
    m.int8_accuracy = optional_number(acc, "int8", -1);
    m.float_mae = optional_number(acc, "float_mae", -1);
    m.int8_mae = optional_number(acc, "int8_mae", -1);
    const json& an = j.contains("anomaly") ? j.at("anomaly") : none;
    m.anomaly.method = optional_text(an, "method");
    if (an.is_object() && an.contains("normal") && an.at("normal").is_array())
      for (const auto& l : an.at("normal"))
        if (l.is_string()) m.anomaly.normal.push_back(l.get<std::string>());
    if (an.is_object() && an.contains("hidden") && an.at("hidden").is_array())
      for (const auto& h : an.at("hidden"))
        if (h.is_number_integer()) m.anomaly.hidden.push_back(h.get<int>());
    m.anomaly.false_alarm_rate = optional_number(an, "false_alarm_rate", 0);
    m.anomaly.clusters = static_cast<int>(optional_number(an, "clusters", 0));
    m.anomaly.train_windows = static_cast<int64_t>(optional_number(an, "train_windows", 0));
    m.anomaly.validation_windows = static_cast<int64_t>(optional_number(an, "validation_windows", 0));
  });
}

}  // namespace tml::trainer
