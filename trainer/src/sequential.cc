#include "tml/trainer/sequential.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "layer_json.h"
#include "tml/trainer/activation.h"
#include "tml/trainer/batchnorm.h"
#include "tml/trainer/conv1d.h"
#include "tml/trainer/dense.h"
#include "tml/trainer/depthwise_conv1d.h"
#include "tml/trainer/dropout.h"
#include "tml/trainer/error.h"
#include "tml/trainer/pooling.h"
#include "tml/trainer/random.h"

namespace tml::trainer {

void Sequential::add(std::unique_ptr<Layer> layer) {
  layers_.push_back(std::move(layer));
  built_ = false;
}

Sequential Sequential::copy_layers() const {
  Sequential out;
  for (const auto& l : layers_)
    for (auto& made : detail::layers_from_json(detail::layer_settings(*l), 0, {})) out.add(std::move(made));
  return out;
}

void Sequential::build(Shape input) {
  if (layers_.empty()) throw Error("the network has no layers");
  input_ = input;
  Shape shape = input;
  for (size_t i = 0; i < layers_.size(); ++i) {
    try {
      layers_[i]->build(shape);
    } catch (const Error& e) {
      throw Error("layer " + std::to_string(i + 1) + ": " + e.what());
    }
    shape = layers_[i]->output_shape();
  }
  built_ = true;
  capacity_ = 0;
  acts_.clear();
}

Shape Sequential::output_shape() const { return layers_.empty() ? input_ : layers_.back()->output_shape(); }

int64_t Sequential::param_count() const {
  int64_t n = 0;
  for (const auto& l : layers_) n += l->param_count();
  return n;
}

int64_t Sequential::macs() const {
  int64_t n = 0;
  for (const auto& l : layers_) n += l->macs();
  return n;
}

void Sequential::init(uint64_t seed) {
  Rng rng(seed);
  for (auto& l : layers_) {
    Rng layer_rng(rng.split());
    l->init(layer_rng);
  }
}

std::vector<Param*> Sequential::trainable_params() {
  std::vector<Param*> out;
  for (auto& l : layers_)
    for (auto& p : l->params())
      if (p.trainable) out.push_back(&p);
  return out;
}

size_t Sequential::logits_end() const {
  if (!layers_.empty() && layers_.back()->kind() == LayerKind::Softmax) return layers_.size() - 1;
  return layers_.size();
}

void Sequential::reserve(int max_batch) {
  if (!built_) throw Error("the network must be built before use");
  if (max_batch <= capacity_) return;
  acts_.resize(layers_.size());
  size_t largest = static_cast<size_t>(input_.size());
  for (size_t i = 0; i < layers_.size(); ++i) {
    const size_t n = static_cast<size_t>(layers_[i]->output_shape().size());
    acts_[i].assign(n * max_batch, 0.0f);
    largest = std::max(largest, n);
    layers_[i]->reserve(max_batch);
  }
  grad_a_.assign(largest * max_batch, 0.0f);
  grad_b_.assign(largest * max_batch, 0.0f);
  capacity_ = max_batch;
}

// A ReLU followed by max pooling runs as one pass of the pooling layer (MaxPool1D::forward_relu), and a
// batch norm followed by a ReLU as one pass of the batch norm (BatchNorm::forward_relu): the same values
// and gradients without writing the first layer's output.
const float* Sequential::forward(const float* x, int batch, Mode mode, size_t end) {
  if (batch > capacity_) reserve(batch);
  x_ = x;
  fused_.assign(layers_.size(), 0);
  const float* in = x;
  for (size_t i = 0; i < end; ++i) {
    const bool next_relu = i + 1 < end && layers_[i + 1]->kind() == LayerKind::ReLU;
    if (layers_[i]->kind() == LayerKind::BatchNorm && next_relu) {
      static_cast<BatchNorm&>(*layers_[i]).forward_relu(in, acts_[i + 1].data(), batch, mode);
      fused_[i] = kBatchNormRelu;
      in = acts_[++i].data();
      continue;
    }
    if (layers_[i]->kind() == LayerKind::ReLU && i + 1 < end && layers_[i + 1]->kind() == LayerKind::MaxPool1D) {
      static_cast<MaxPool1D&>(*layers_[i + 1]).forward_relu(in, acts_[i + 1].data(), batch, mode);
      fused_[i] = kReluMaxPool;
      in = acts_[++i].data();
      continue;
    }
    layers_[i]->forward(in, acts_[i].data(), batch, mode);
    in = acts_[i].data();
  }
  return in;
}

void Sequential::backward(const float* d, int batch, size_t end) {
  const float* dy = d;
  for (size_t i = end; i-- > 0;) {
    const bool fused = i > 0 && fused_[i - 1];
    const size_t first = fused ? i - 1 : i;  // the first layer this step covers
    const float* x = first == 0 ? x_ : acts_[first - 1].data();
    float* dx = first == 0 ? nullptr : (dy == grad_a_.data() ? grad_b_.data() : grad_a_.data());
    if (fused && fused_[i - 1] == kBatchNormRelu)
      static_cast<BatchNorm&>(*layers_[i - 1]).backward_relu(x, dy, dx, batch);
    else if (fused)
      static_cast<MaxPool1D&>(*layers_[i]).backward_relu(acts_[i].data(), dy, dx, batch);
    else
      layers_[i]->backward(x, acts_[i].data(), dy, dx, batch);
    dy = dx;
    i = first;
  }
}

std::string describe(const Layer& layer) {
  std::string s = layer.type_name();
  switch (layer.kind()) {
    case LayerKind::Dense:
      s += " " + std::to_string(static_cast<const Dense&>(layer).units()) + " units";
      break;
    case LayerKind::Conv1D: {
      const auto& c = static_cast<const Conv1D&>(layer);
      s += " " + std::to_string(c.filters()) + " filters, kernel " + std::to_string(c.kernel()) + ", stride " +
           std::to_string(c.stride()) + ", " + padding_name(c.padding());
      break;
    }
    case LayerKind::DepthwiseConv1D: {
      const auto& c = static_cast<const DepthwiseConv1D&>(layer);
      s += " kernel " + std::to_string(c.kernel()) + ", stride " + std::to_string(c.stride()) + ", " +
           padding_name(c.padding());
      break;
    }
    case LayerKind::MaxPool1D: {
      const auto& p = static_cast<const MaxPool1D&>(layer);
      s += " pool " + std::to_string(p.pool()) + ", stride " + std::to_string(p.stride());
      break;
    }
    case LayerKind::AvgPool1D: {
      const auto& p = static_cast<const AvgPool1D&>(layer);
      s += " pool " + std::to_string(p.pool()) + ", stride " + std::to_string(p.stride());
      break;
    }
    case LayerKind::Dropout: {
      char buf[32];
      std::snprintf(buf, sizeof buf, " rate %g", static_cast<double>(static_cast<const Dropout&>(layer).rate()));
      s += buf;
      break;
    }
    case LayerKind::BatchNorm: {
      const auto& b = static_cast<const BatchNorm&>(layer);
      char buf[64];
      std::snprintf(buf, sizeof buf, " momentum %g, epsilon %g", static_cast<double>(b.momentum()),
                    static_cast<double>(b.epsilon()));
      s += buf;
      break;
    }
    default:
      break;
  }
  return s;
}

std::string Sequential::summary() const {
  std::string out;
  char line[160];
  std::snprintf(line, sizeof line, "  %-3s %-44s %-12s %9s %10s\n", "#", "layer", "output", "params", "MACs");
  out += line;
  std::snprintf(line, sizeof line, "  %-3s %-44s %-12s %9s %10s\n", "", "input", input_.str().c_str(), "", "");
  out += line;
  for (size_t i = 0; i < layers_.size(); ++i) {
    const Layer& l = *layers_[i];
    std::snprintf(line, sizeof line, "  %-3zu %-44s %-12s %9lld %10lld\n", i + 1, describe(l).c_str(),
                  l.output_shape().str().c_str(), static_cast<long long>(l.param_count()),
                  static_cast<long long>(l.macs()));
    out += line;
  }
  std::snprintf(line, sizeof line, "  %-3s %-44s %-12s %9lld %10lld\n", "", "total", "",
                static_cast<long long>(param_count()), static_cast<long long>(macs()));
  out += line;
  return out;
}

}  // namespace tml::trainer
