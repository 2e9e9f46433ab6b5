// A stack of layers, each feeding the next, with the activation buffers a batch pass needs.
//
//   Sequential net;
//   net.add(std::make_unique<Conv1D>(8, 5));
//   ...
//   net.build({208, 3});      // shapes checked layer by layer
//   net.init(seed);           // initial weights
//   net.reserve(32);          // buffers for batches of up to 32
//   const float* logits = net.forward(x, 32, Mode::Train, net.logits_end());
//   net.backward(dlogits, 32, net.logits_end());   // fills every trainable Param::grad
//
// Walking a model (e.g. for quantization): for (size_t i = 0; i < net.size(); ++i) switch on
// net.layer(i).kind() and cast to the concrete class (Dense, Conv1D, ...) for its settings and parameters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tml/trainer/layer.h"

namespace tml::trainer {

class Sequential {
 public:
  Sequential() = default;
  Sequential(Sequential&&) = default;
  Sequential& operator=(Sequential&&) = default;

  void add(std::unique_ptr<Layer> layer);

  // A network of the same layers with the same settings, not built (no parameters yet).
  Sequential copy_layers() const;

  // Builds every layer for this input shape; throws Error naming the first layer that cannot take its input.
  void build(Shape input);
  bool built() const { return built_; }
  Shape input_shape() const { return input_; }
  Shape output_shape() const;

  size_t size() const { return layers_.size(); }
  Layer& layer(size_t i) { return *layers_[i]; }
  const Layer& layer(size_t i) const { return *layers_[i]; }

  int64_t param_count() const;  // trainable values, all layers
  int64_t macs() const;         // per example, all layers

  // Initial parameters of every layer from one seed.
  void init(uint64_t seed);
  std::vector<Param*> trainable_params();

  // Layers [0, logits_end()) produce the logits a loss works on: every layer but a final Softmax.
  size_t logits_end() const;

  // Buffers for batches of up to max_batch examples (forward() grows them as needed, once).
  void reserve(int max_batch);

  // Runs layers [0, end) on `batch` examples of x (batch * input size floats, which must stay valid until
  // backward()). Returns the output of layer end - 1, owned by the network, valid until the next call.
  const float* forward(const float* x, int batch, Mode mode, size_t end);
  const float* forward(const float* x, int batch, Mode mode) { return forward(x, batch, mode, size()); }

  // After forward(x, batch, Mode::Train, end): given d = dL/d(output of layer end - 1), fills the grad of
  // every trainable parameter of layers [0, end). The input gradient of layer 0 is not computed.
  void backward(const float* d, int batch, size_t end);

  // A table of layers: type, settings, output shape, parameters, MACs; totals at the end.
  std::string summary() const;

 private:
  std::vector<std::unique_ptr<Layer>> layers_;
  Shape input_;
  bool built_ = false;
  int capacity_ = 0;
  const float* x_ = nullptr;
  std::vector<std::vector<float>> acts_;  // acts_[i]: output of layer i
  // fused_[i]: kReluMaxPool, ReLU i ran inside MaxPool1D i + 1; kBatchNormRelu, BatchNorm i ran with
  // ReLU i + 1 (acts_[i] unused in both); else 0.
  static constexpr char kReluMaxPool = 1, kBatchNormRelu = 2;
  std::vector<char> fused_;
  std::vector<float> grad_a_, grad_b_;    // ping-pong buffers for activation gradients
};

// One line describing a layer's settings: "conv1d 8 filters, kernel 5, stride 1, valid".
std::string describe(const Layer& layer);

}  // namespace tml::trainer
