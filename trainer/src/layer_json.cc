#include "layer_json.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tml/trainer/activation.h"
#include "tml/trainer/batchnorm.h"
#include "tml/trainer/conv1d.h"
#include "tml/trainer/dense.h"
#include "tml/trainer/depthwise_conv1d.h"
#include "tml/trainer/dropout.h"
#include "tml/trainer/error.h"
#include "tml/trainer/flatten.h"
#include "tml/trainer/format.h"
#include "tml/trainer/pooling.h"

namespace tml::trainer::detail {
namespace {

using nlohmann::json;

std::string show(const json& v) {
  std::string s = v.dump();
  return s.size() > 40 ? s.substr(0, 37) + "..." : s;
}

// Settings of one layer object, with checks that name the setting.
class Settings {
 public:
  Settings(const json& j, const std::string& type) : j_(j), type_(type) {}

  bool has(const char* key) const { return j_.contains(key); }

  int whole(const char* key, int min) const {
    const json& v = j_.at(key);
    if (!v.is_number_integer() || v.get<long long>() < min || v.get<long long>() > 1000000)
      throw Error("'" + std::string(key) + "' must be a whole number from " + std::to_string(min) + " to 1000000, got " +
                  show(v));
    return v.get<int>();
  }
  int whole(const char* key, int min, int fallback) const { return has(key) ? whole(key, min) : fallback; }
  int required_whole(const char* key, int min) const {
    if (!has(key)) throw Error("'" + std::string(key) + "' is required");
    return whole(key, min);
  }

  float number(const char* key, float fallback) const {
    if (!has(key)) return fallback;
    const json& v = j_.at(key);
    if (!v.is_number()) throw Error("'" + std::string(key) + "' must be a number, got " + show(v));
    return v.get<float>();
  }

  std::string word(const char* key, const std::string& fallback, const std::vector<std::string>& choices) const {
    if (!has(key)) return fallback;
    const json& v = j_.at(key);
    std::string list;
    for (const auto& c : choices) list += (list.empty() ? "" : ", ") + ("\"" + c + "\"");
    if (v.is_string())
      for (const auto& c : choices)
        if (v.get<std::string>() == c) return c;
    throw Error("'" + std::string(key) + "' must be one of " + list + ", got " + show(v));
  }

  void only(std::vector<std::string> keys, const std::vector<std::string>& extra) const {
    keys.push_back("type");
    keys.insert(keys.end(), extra.begin(), extra.end());
    for (auto it = j_.begin(); it != j_.end(); ++it) {
      bool known = false;
      for (const auto& k : keys) known = known || it.key() == k;
      if (known) continue;
      std::string list;
      for (const auto& k : keys)
        if (k != "type" && k != "params" && k != "output") list += (list.empty() ? "" : ", ") + k;
      throw Error("unknown setting '" + it.key() + "'" +
                  (list.empty() ? std::string(" (this layer has no settings)") : " (expected: " + list + ")"));
    }
  }

 private:
  const json& j_;
  std::string type_;
};

}  // namespace

json layer_settings(const Layer& layer) {
  json j;
  j["type"] = layer.type_name();
  switch (layer.kind()) {
    case LayerKind::Dense:
      j["units"] = static_cast<const Dense&>(layer).units();
      break;
    case LayerKind::Conv1D: {
      const auto& c = static_cast<const Conv1D&>(layer);
      j["filters"] = c.filters();
      j["kernel"] = c.kernel();
      j["stride"] = c.stride();
      j["padding"] = padding_name(c.padding());
      break;
    }
    case LayerKind::DepthwiseConv1D: {
      const auto& c = static_cast<const DepthwiseConv1D&>(layer);
      j["kernel"] = c.kernel();
      j["stride"] = c.stride();
      j["padding"] = padding_name(c.padding());
      break;
    }
    case LayerKind::MaxPool1D: {
      const auto& p = static_cast<const MaxPool1D&>(layer);
      j["pool"] = p.pool();
      j["stride"] = p.stride();
      break;
    }
    case LayerKind::AvgPool1D: {
      const auto& p = static_cast<const AvgPool1D&>(layer);
      j["pool"] = p.pool();
      j["stride"] = p.stride();
      break;
    }
    case LayerKind::Dropout:
      j["rate"] = shortest(static_cast<const Dropout&>(layer).rate());
      break;
    case LayerKind::BatchNorm: {
      const auto& b = static_cast<const BatchNorm&>(layer);
      j["momentum"] = shortest(b.momentum());
      j["epsilon"] = shortest(b.epsilon());
      break;
    }
    default:
      break;
  }
  return j;
}

std::vector<std::unique_ptr<Layer>> layers_from_json(const json& j, int classes,
                                                     const std::vector<std::string>& extra) {
  if (!j.is_object()) throw Error("a layer must be a JSON object like {\"type\": \"dense\", \"units\": 16}, got " + show(j));
  if (!j.contains("type") || !j.at("type").is_string())
    throw Error("a layer needs a \"type\" (dense, conv1d, depthwise_conv1d, maxpool1d, avgpool1d, globalavgpool1d, "
                "flatten, relu, softmax, dropout, batchnorm)");
  const std::string type = j.at("type").get<std::string>();
  const Settings s(j, type);
  std::vector<std::unique_ptr<Layer>> out;
  std::string activation = "none";
  const std::vector<std::string> activations = {"none", "relu", "softmax"};

  if (type == "dense") {
    s.only({"units", "activation"}, extra);
    int units = 0;
    if (!s.has("units")) throw Error("'units' is required (a number, or \"classes\" for the output layer)");
    if (j.at("units").is_string() && j.at("units").get<std::string>() == "classes")
      units = classes;
    else if (j.at("units").is_string())
      throw Error("'units' must be a whole number from 1 to 1000000 or \"classes\", got " + show(j.at("units")));
    else
      units = s.whole("units", 1);
    activation = s.word("activation", "none", activations);
    out.push_back(std::make_unique<Dense>(units));
  } else if (type == "conv1d") {
    s.only({"filters", "kernel", "stride", "padding", "activation"}, extra);
    const int filters = s.required_whole("filters", 1);
    const int kernel = s.required_whole("kernel", 1);
    const int stride = s.whole("stride", 1, 1);
    const Padding padding = s.word("padding", "valid", {"valid", "same"}) == "same" ? Padding::Same : Padding::Valid;
    activation = s.word("activation", "none", activations);
    out.push_back(std::make_unique<Conv1D>(filters, kernel, stride, padding));
  } else if (type == "depthwise_conv1d") {
    s.only({"kernel", "stride", "padding", "activation"}, extra);
    const int kernel = s.required_whole("kernel", 1);
    const int stride = s.whole("stride", 1, 1);
    const Padding padding = s.word("padding", "valid", {"valid", "same"}) == "same" ? Padding::Same : Padding::Valid;
    activation = s.word("activation", "none", activations);
    out.push_back(std::make_unique<DepthwiseConv1D>(kernel, stride, padding));
  } else if (type == "maxpool1d" || type == "avgpool1d") {
    s.only({"pool", "stride"}, extra);
    const int pool = s.required_whole("pool", 1);
    const int stride = s.whole("stride", 1, pool);
    if (type == "maxpool1d")
      out.push_back(std::make_unique<MaxPool1D>(pool, stride));
    else
      out.push_back(std::make_unique<AvgPool1D>(pool, stride));
  } else if (type == "globalavgpool1d") {
    s.only({}, extra);
    out.push_back(std::make_unique<GlobalAveragePool1D>());
  } else if (type == "flatten") {
    s.only({}, extra);
    out.push_back(std::make_unique<Flatten>());
  } else if (type == "relu") {
    s.only({}, extra);
    out.push_back(std::make_unique<ReLU>());
  } else if (type == "softmax") {
    s.only({}, extra);
    out.push_back(std::make_unique<Softmax>());
  } else if (type == "dropout") {
    s.only({"rate"}, extra);
    if (!s.has("rate")) throw Error("'rate' is required (the share of values dropped, e.g. 0.2)");
    const float rate = s.number("rate", 0.0f);
    if (!(rate >= 0.0f && rate < 1.0f)) throw Error("'rate' must be in [0, 1), got " + show(j.at("rate")));
    out.push_back(std::make_unique<Dropout>(rate));
  } else if (type == "batchnorm") {
    s.only({"momentum", "epsilon"}, extra);
    const float momentum = s.number("momentum", 0.1f);
    const float epsilon = s.number("epsilon", 1e-5f);
    if (!(momentum > 0.0f && momentum <= 1.0f)) throw Error("'momentum' must be in (0, 1], got " + show(j.at("momentum")));
    if (!(epsilon > 0.0f)) throw Error("'epsilon' must be positive, got " + show(j.at("epsilon")));
    out.push_back(std::make_unique<BatchNorm>(momentum, epsilon));
  } else {
    throw Error("unknown layer type \"" + type +
                "\" (expected dense, conv1d, depthwise_conv1d, maxpool1d, avgpool1d, globalavgpool1d, flatten, relu, "
                "softmax, dropout, batchnorm)");
  }
  if (activation == "relu") out.push_back(std::make_unique<ReLU>());
  if (activation == "softmax") out.push_back(std::make_unique<Softmax>());
  return out;
}

}  // namespace tml::trainer::detail
