#include "tml/trainer/layer.h"

#include <string>

#include "tml/trainer/error.h"

namespace tml::trainer {

std::string Shape::str() const {
  if (flat()) return "[" + std::to_string(channels) + "]";
  return "[" + std::to_string(time) + "][" + std::to_string(channels) + "]";
}

const char* layer_kind_name(LayerKind kind) {
  switch (kind) {
    case LayerKind::Dense: return "dense";
    case LayerKind::Conv1D: return "conv1d";
    case LayerKind::MaxPool1D: return "maxpool1d";
    case LayerKind::AvgPool1D: return "avgpool1d";
    case LayerKind::GlobalAveragePool1D: return "globalavgpool1d";
    case LayerKind::Flatten: return "flatten";
    case LayerKind::ReLU: return "relu";
    case LayerKind::Softmax: return "softmax";
    case LayerKind::Dropout: return "dropout";
    case LayerKind::BatchNorm: return "batchnorm";
    case LayerKind::DepthwiseConv1D: return "depthwise_conv1d";
  }
  return "?";
}

void Layer::build(Shape input) {
  if (input.time < 1 || input.channels < 1)
    throw Error(std::string(type_name()) + " layer: empty input shape " + input.str());
  input_ = input;
  output_ = compute_output(input);
  params_.clear();
  allocate();
  built_ = true;
}

int64_t Layer::param_count() const {
  int64_t n = 0;
  for (const auto& p : params_)
    if (p.trainable) n += p.size();
  return n;
}

Param& Layer::param(const std::string& name) {
  for (auto& p : params_)
    if (p.name == name) return p;
  throw Error(std::string(type_name()) + " layer has no parameter '" + name + "'");
}

const Param& Layer::param(const std::string& name) const { return const_cast<Layer*>(this)->param(name); }

void Layer::init(Rng&) {}

void Layer::reserve(int) {}

Param& Layer::add_param(std::string name, std::vector<int> shape, bool trainable) {
  Param p;
  p.name = std::move(name);
  int64_t n = 1;
  for (int d : shape) n *= d;
  p.shape = std::move(shape);
  p.value.assign(static_cast<size_t>(n), 0.0f);
  if (trainable) p.grad.assign(static_cast<size_t>(n), 0.0f);
  p.trainable = trainable;
  params_.push_back(std::move(p));
  return params_.back();
}

std::string Layer::where() const { return std::string(type_name()) + " layer (input " + input_.str() + ")"; }

}  // namespace tml::trainer
