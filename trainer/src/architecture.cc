#include "tml/trainer/architecture.h"

#include <nlohmann/json.hpp>

#include "layer_json.h"
#include "tml/trainer/activation.h"
#include "tml/trainer/batchnorm.h"
#include "tml/trainer/conv1d.h"
#include "tml/trainer/dense.h"
#include "tml/trainer/depthwise_conv1d.h"
#include "tml/trainer/error.h"
#include "tml/trainer/flatten.h"
#include "tml/trainer/pooling.h"

namespace tml::trainer {

std::vector<std::string> preset_names() { return {"conv1d", "dense", "dscnn"}; }

bool is_preset(const std::string& name) { return name == "conv1d" || name == "dense" || name == "dscnn"; }

Sequential make_preset(const std::string& name, int classes, bool softmax) {
  Sequential net;
  if (name == "conv1d") {
    net.add(std::make_unique<Conv1D>(8, 5));
    net.add(std::make_unique<ReLU>());
    net.add(std::make_unique<MaxPool1D>(2));
    net.add(std::make_unique<Conv1D>(16, 5));
    net.add(std::make_unique<ReLU>());
    net.add(std::make_unique<MaxPool1D>(2));
    net.add(std::make_unique<Flatten>());
    net.add(std::make_unique<Dense>(classes));
  } else if (name == "dense") {
    net.add(std::make_unique<Flatten>());
    net.add(std::make_unique<Dense>(32));
    net.add(std::make_unique<ReLU>());
    net.add(std::make_unique<Dense>(16));
    net.add(std::make_unique<ReLU>());
    net.add(std::make_unique<Dense>(classes));
  } else if (name == "dscnn") {
    // The keyword-spotting peer of bench/MODELS.md layer for layer: a stride-2 convolution, four
    // depthwise-separable blocks of 64 channels, global average pooling. "same" padding of the first
    // convolution on 49 frames is the peer's padding 2 on each side (25 steps).
    constexpr int kWidth = 64, kBlocks = 4;
    net.add(std::make_unique<Conv1D>(kWidth, 5, 2, Padding::Same));
    net.add(std::make_unique<BatchNorm>());
    net.add(std::make_unique<ReLU>());
    for (int i = 0; i < kBlocks; ++i) {
      net.add(std::make_unique<DepthwiseConv1D>(3, 1, Padding::Same));
      net.add(std::make_unique<BatchNorm>());
      net.add(std::make_unique<ReLU>());
      net.add(std::make_unique<Conv1D>(kWidth, 1));
      net.add(std::make_unique<BatchNorm>());
      net.add(std::make_unique<ReLU>());
    }
    net.add(std::make_unique<GlobalAveragePool1D>());
    net.add(std::make_unique<Dense>(classes));
  } else {
    throw Error("unknown model preset '" + name +
                "' (presets: conv1d, dense, dscnn; or give an architecture .json file)");
  }
  if (softmax) net.add(std::make_unique<Softmax>());
  return net;
}

Sequential parse_architecture(const std::string& text, int classes) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // a syntax error, or a number too large for a double
    throw Error(std::string("not valid JSON: ") + e.what());
  }
  const nlohmann::json* layers = &j;
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it)
      if (it.key() != "layers" && it.key() != "name" && it.key() != "description")
        throw Error("unknown key '" + it.key() + "' (an architecture file has \"layers\" and optionally \"name\")");
    if (!j.contains("layers")) throw Error("no \"layers\" array");
    layers = &j.at("layers");
  }
  if (!layers->is_array()) throw Error("\"layers\" must be an array of layer objects");
  if (layers->empty()) throw Error("\"layers\" is empty");
  Sequential net;
  for (size_t i = 0; i < layers->size(); ++i) {
    const auto& lj = (*layers)[i];
    std::vector<std::unique_ptr<Layer>> made;
    try {
      made = detail::layers_from_json(lj, classes, {});
    } catch (const Error& e) {
      std::string type = lj.is_object() && lj.contains("type") && lj.at("type").is_string()
                             ? " (" + lj.at("type").get<std::string>() + ")"
                             : "";
      throw Error("layer " + std::to_string(i + 1) + type + ": " + e.what());
    }
    for (auto& l : made) net.add(std::move(l));
  }
  return net;
}

}  // namespace tml::trainer
