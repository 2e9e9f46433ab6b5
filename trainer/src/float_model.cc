#include "tml/trainer/float_model.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "json_util.h"
#include "model_file.h"
#include "layer_json.h"
#include "tml/trainer/error.h"
#include "tml/trainer/format.h"

namespace tml::trainer {

using nlohmann::json;
using detail::field;
using detail::float_array;
using detail::integer;
using detail::number;
using detail::text;
using ordered = nlohmann::ordered_json;

std::string Model::task() const { return values.empty() ? "classify" : labels.empty() ? "regression" : "multi"; }

void Model::validate() const {
  if (labels.empty() && values.empty()) throw Error("a model needs labels (a class head) or value heads");
  if (labels.size() == 1) throw Error("a model's class head needs at least two labels");
  detail::check_values(values, labels);
  std::set<std::string> seen;
  for (const auto& l : labels) {
    if (l.empty()) throw Error("a model label is empty");
    if (!seen.insert(l).second) throw Error("label '" + l + "' appears twice");
  }
  if (window < 1) throw Error("the window must be at least one row");
  if (stride < 1) throw Error("the stride must be at least one row");
  if (!(rate_hz > 0) || !std::isfinite(rate_hz)) throw Error("the sample rate must be positive");
  if (axes.empty()) throw Error("a model needs at least one axis");
  const size_t A = axes.size();
  if (normalization.mean.size() != A || normalization.std.size() != A)
    throw Error("the normalisation must have one mean and one std per axis (" + std::to_string(A) + ")");
  for (size_t a = 0; a < A; ++a) {
    if (!std::isfinite(normalization.mean[a])) throw Error("normalisation mean of axis " + axes[a].name + " is not finite");
    if (!(normalization.std[a] > 0) || !std::isfinite(normalization.std[a]))
      throw Error("normalisation std of axis " + axes[a].name + " must be positive");
  }
  if (front_end.present()) front_end.validate(window, A);
  if (!net.built()) throw Error("the network is not built");
  const Shape in{window, static_cast<int>(A)};
  if (net.input_shape() != in)
    throw Error("the network takes " + net.input_shape().str() + " but the window is " + in.str());
  const Shape out = net.output_shape();
  if (out != Shape{1, outputs()})
    throw Error("the network's output is " + out.str() + " but there are " + std::to_string(labels.size()) +
                " labels and " + std::to_string(values.size()) +
                " value heads; end the network with a dense layer of \"classes\" units");
  if (!values.empty() && net.logits_end() != net.size())
    throw Error("a model with value heads ends with its dense layer, not a softmax");
  for (size_t i = 0; i < net.size(); ++i)
    for (const auto& p : net.layer(i).params())
      for (float v : p.value)
        if (!std::isfinite(v))
          throw Error("layer " + std::to_string(i + 1) + " (" + net.layer(i).type_name() + ") parameter '" + p.name +
                      "' is not finite");
}

namespace {

constexpr detail::ModelFileKind kFile{"tml-model", kModelFormatVersion, "model"};

ordered floats(const std::vector<float>& v) {
  ordered a = ordered::array();
  for (float f : v) a.push_back(shortest(f));
  return a;
}


// The layers, built for the input, with their parameters.
void read_layers(const json& j, Model& m, const std::string& origin) {
  const json& layers = field(j, "layers", origin);
  if (!layers.is_array() || layers.empty()) throw Error(origin + ": \"layers\" must be a non-empty array");
  for (size_t i = 0; i < layers.size(); ++i) {
    const std::string where = origin + ": layer " + std::to_string(i + 1);
    std::vector<std::unique_ptr<Layer>> made;
    try {
      made = detail::layers_from_json(layers[i], m.outputs(), {"params", "output"});
    } catch (const Error& e) {
      throw Error(where + ": " + e.what());
    }
    if (made.size() != 1) throw Error(where + ": \"activation\" is not used in model files; give layers one by one");
    m.net.add(std::move(made[0]));
  }
  try {
    m.net.build(Shape{m.window, static_cast<int>(m.axes.size())});
  } catch (const Error& e) {
    throw Error(origin + ": " + e.what());
  }
  for (size_t i = 0; i < layers.size(); ++i) {
    const std::string where = origin + ": layer " + std::to_string(i + 1) + " (" + m.net.layer(i).type_name() + ")";
    const json& lj = layers[i];
    Layer& l = m.net.layer(i);
    if (lj.contains("output")) {
      const Shape o = l.output_shape();
      const json expect = o.flat() ? json::array({o.channels}) : json::array({o.time, o.channels});
      if (lj.at("output") != expect)
        throw Error(where + ": recorded output shape " + lj.at("output").dump() + " does not match the computed " + expect.dump());
    }
    const json empty = json::object();
    const json& params = lj.contains("params") ? lj.at("params") : empty;
    if (!params.is_object()) throw Error(where + ": \"params\" must be an object");
    for (auto it = params.begin(); it != params.end(); ++it) {
      bool known = false;
      for (const auto& p : l.params()) known = known || p.name == it.key();
      if (!known) throw Error(where + ": unknown parameter '" + it.key() + "'");
    }
    for (auto& p : l.params()) {
      if (!params.contains(p.name)) throw Error(where + ": missing parameter '" + p.name + "'");
      const json& pj = params.at(p.name);
      const json& shape = field(pj, "shape", where + " " + p.name);
      if (shape != json(p.shape))
        throw Error(where + ": parameter '" + p.name + "' has shape " + shape.dump() + ", expected " + json(p.shape).dump());
      std::vector<float> values = float_array(field(pj, "values", where + " " + p.name), where + " " + p.name);
      if (values.size() != p.value.size())
        throw Error(where + ": parameter '" + p.name + "' has " + std::to_string(values.size()) + " values, expected " +
                    std::to_string(p.value.size()));
      p.value = std::move(values);
    }
  }
}

// The record of the training run (informational: read when present and well-formed).
void read_training(const json& t, TrainingInfo& info) {
  auto str = [&](const char* k) { return detail::optional_text(t, k); };
  auto num = [&](const char* k, double d) { return detail::optional_number(t, k, d); };
  info.dataset = str("dataset");
  info.created = str("created");
  info.tool = str("tool");
  info.architecture = str("architecture");
  info.optimizer = str("optimizer");
  info.seed = t.contains("seed") && t.at("seed").is_number_unsigned() ? t.at("seed").get<uint64_t>() : 0;
  info.batch = static_cast<int>(num("batch", 0));
  info.threads = static_cast<int>(num("threads", 0));
  info.epochs = static_cast<int>(num("epochs", 0));
  info.epochs_run = static_cast<int>(num("epochs_run", 0));
  info.best_epoch = static_cast<int>(num("best_epoch", 0));
  info.train_windows = static_cast<int64_t>(num("train_windows", 0));
  info.validation_windows = static_cast<int64_t>(num("validation_windows", 0));
  info.train_seconds = num("train_seconds", 0);
  info.train_accuracy = num("train_accuracy", 0);
  info.validation_accuracy = num("validation_accuracy", -1);
  info.test_accuracy = num("test_accuracy", -1);
  info.task = str("task");
  info.value_loss = str("value_loss");
  info.value_weight = num("value_weight", 1);
  info.train_mae = num("train_mae", -1);
  info.validation_mae = num("validation_mae", -1);
  info.test_mae = num("test_mae", -1);
  if (t.contains("history") && t.at("history").is_array())
    for (const auto& h : t.at("history")) {
      EpochStats e;
      e.epoch = h.value("epoch", 0);
      e.loss = h.value("loss", 0.0);
      e.accuracy = h.value("accuracy", 0.0);
      e.val_loss = h.value("val_loss", -1.0);
      e.val_accuracy = h.value("val_accuracy", -1.0);
      e.mae = h.value("mae", -1.0);
      e.val_mae = h.value("val_mae", -1.0);
      e.seconds = h.value("seconds", 0.0);
      info.history.push_back(e);
    }
}

}  // namespace

std::string model_to_json(const Model& m) {
  m.validate();
  ordered j;
  j["format"] = kFile.format;
  j["version"] = kFile.version;
  j["labels"] = m.labels;
  if (!m.values.empty()) j["values"] = detail::values_json(m.values);
  j["input"] = detail::input_json(m.window, m.stride, m.rate_hz, m.axes);
  if (m.front_end.present()) j["front_end"] = detail::front_end_json(m.front_end, true);
  j["normalization"] = ordered{{"mean", floats(m.normalization.mean)}, {"std", floats(m.normalization.std)}};
  ordered layers = ordered::array();
  for (size_t i = 0; i < m.net.size(); ++i) {
    const Layer& l = m.net.layer(i);
    ordered lj = ordered::parse(detail::layer_settings(l).dump());
    ordered settings = ordered::object();
    settings["type"] = lj["type"];
    for (auto it = lj.begin(); it != lj.end(); ++it)
      if (it.key() != "type") settings[it.key()] = it.value();
    const Shape o = l.output_shape();
    settings["output"] = o.flat() ? ordered::array({o.channels}) : ordered::array({o.time, o.channels});
    if (!l.params().empty()) {
      ordered params = ordered::object();
      for (const auto& p : l.params()) params[p.name] = ordered{{"shape", p.shape}, {"values", floats(p.value)}};
      settings["params"] = params;
    }
    layers.push_back(settings);
  }
  j["layers"] = layers;
  const TrainingInfo& t = m.training;
  ordered tj = {{"dataset", t.dataset},
                {"created", t.created},
                {"tool", t.tool},
                {"architecture", t.architecture},
                {"seed", t.seed},
                {"optimizer", t.optimizer},
                {"batch", t.batch},
                {"threads", t.threads},
                {"epochs", t.epochs},
                {"epochs_run", t.epochs_run},
                {"best_epoch", t.best_epoch},
                {"train_windows", t.train_windows},
                {"validation_windows", t.validation_windows},
                {"train_seconds", t.train_seconds},
                {"train_accuracy", t.train_accuracy}};
  if (t.validation_accuracy >= 0) tj["validation_accuracy"] = t.validation_accuracy;
  if (t.test_accuracy >= 0) tj["test_accuracy"] = t.test_accuracy;
  if (!t.task.empty()) tj["task"] = t.task;
  if (!t.value_loss.empty()) {
    tj["value_loss"] = t.value_loss;
    tj["value_weight"] = t.value_weight;
  }
  if (t.train_mae >= 0) tj["train_mae"] = t.train_mae;
  if (t.validation_mae >= 0) tj["validation_mae"] = t.validation_mae;
  if (t.test_mae >= 0) tj["test_mae"] = t.test_mae;
  ordered history = ordered::array();
  for (const EpochStats& e : t.history) {
    ordered h = {{"epoch", e.epoch}, {"loss", e.loss}, {"accuracy", e.accuracy}};
    if (e.val_loss >= 0) h["val_loss"] = e.val_loss;
    if (e.val_accuracy >= 0) h["val_accuracy"] = e.val_accuracy;
    if (e.mae >= 0) h["mae"] = e.mae;
    if (e.val_mae >= 0) h["val_mae"] = e.val_mae;
    h["seconds"] = e.seconds;
    history.push_back(h);
  }
  tj["history"] = history;
  j["training"] = tj;
  std::string out;
  detail::pretty(j, 0, out);
  return out + "\n";
}

Model model_from_json(const std::string& src, const std::string& origin) {
  return detail::read_model_file<Model>(src, origin, kFile, [&](const json& j, Model& m) {
    m.labels = detail::read_labels(j, origin);
    m.values = detail::read_values(j, origin);
    const detail::InputBlock in =
        detail::read_input(field(j, "input", origin), origin + ": input", 100000000, 4096, "1 to 100000000 rows");
    m.window = in.window;
    m.stride = in.stride;
    m.rate_hz = in.rate_hz;
    m.axes = in.axes;
    if (j.contains("front_end")) m.front_end = detail::read_front_end(j.at("front_end"), origin + ": front_end", nullptr);
    const json& norm = field(j, "normalization", origin);
    m.normalization.mean = float_array(field(norm, "mean", origin + ": normalization"), origin + ": normalization mean");
    m.normalization.std = float_array(field(norm, "std", origin + ": normalization"), origin + ": normalization std");
    if (m.normalization.mean.size() != m.axes.size() || m.normalization.std.size() != m.axes.size())
      throw Error(origin + ": the normalisation must have one mean and one std per axis (" +
                  std::to_string(m.axes.size()) + ")");
    read_layers(j, m, origin);
    if (j.contains("training") && j.at("training").is_object()) read_training(j.at("training"), m.training);
  });
}

}  // namespace tml::trainer
