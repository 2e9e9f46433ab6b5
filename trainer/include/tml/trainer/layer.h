// The layer interface of the trainer, and the types every layer shares.
//
// Activations are per-example tensors of shape [time][channels], stored time-major (index t * channels + c,
// "NWC"); a batch is `batch` such tensors one after the other. A flat vector of n features is [1][n]
// (Flatten turns [T][C] into [1][T*C] without moving data: feature t * C + c).
//
// A layer is built once for an input shape (build()), which fixes its output shape and allocates its
// parameters; forward() and backward() then run on whole batches through caller-owned buffers. Layers keep
// what backward() needs (pooling arg-max, dropout mask, batch statistics) in workspaces sized by reserve().
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tml::trainer {

class Rng;

// Per-example activation shape: `time` steps of `channels` values, time-major. Flat vectors have time 1.
struct Shape {
  int time = 0;
  int channels = 0;

  int64_t size() const { return int64_t{time} * channels; }
  bool flat() const { return time == 1; }
  bool operator==(const Shape& o) const { return time == o.time && channels == o.channels; }
  bool operator!=(const Shape& o) const { return !(*this == o); }
  std::string str() const;  // "[208][3]", or "[624]" when flat
};

// A parameter tensor: values, row-major in the documented shape of its layer, and the gradient of the
// loss for the last batch (same size). Non-trainable parameters (BatchNorm's moving statistics) have no
// gradient and are left alone by the optimizers.
struct Param {
  std::string name;          // "weights", "bias", "gamma", "beta", "moving_mean", "moving_var"
  std::vector<int> shape;    // e.g. {out, in} for Dense weights
  std::vector<float> value;
  std::vector<float> grad;   // empty when not trainable
  bool trainable = true;

  int64_t size() const { return static_cast<int64_t>(value.size()); }
};

enum class LayerKind {
  Dense,
  Conv1D,
  MaxPool1D,
  AvgPool1D,
  GlobalAveragePool1D,
  Flatten,
  ReLU,
  Softmax,
  Dropout,
  BatchNorm,
  DepthwiseConv1D,
};

// The type name used in architecture and model files: "dense", "conv1d", "maxpool1d", "avgpool1d",
// "globalavgpool1d", "flatten", "relu", "softmax", "dropout", "batchnorm", "depthwise_conv1d".
const char* layer_kind_name(LayerKind kind);

enum class Mode {
  Train,  // dropout drops, batch norm uses and updates batch statistics; backward() may follow
  Infer,  // deterministic: dropout is the identity, batch norm uses its moving statistics
};

class Layer {
 public:
  explicit Layer(LayerKind kind) : kind_(kind) {}
  virtual ~Layer() = default;
  Layer(const Layer&) = delete;
  Layer& operator=(const Layer&) = delete;

  LayerKind kind() const { return kind_; }
  const char* type_name() const { return layer_kind_name(kind_); }

  // Fixes the input shape, computes the output shape and allocates the parameters (zeros). Throws Error
  // with a message naming the layer when it cannot take this input (e.g. a kernel longer than the input).
  void build(Shape input);
  bool built() const { return built_; }
  Shape input_shape() const { return input_; }
  Shape output_shape() const { return output_; }

  // Multiply-accumulates per example in forward(): Dense in*out, Conv1D out_time*filters*kernel*in_ch,
  // DepthwiseConv1D out_time*channels*kernel,
  // BatchNorm one per element (it is folded into the previous layer at quantization); others 0.
  virtual int64_t macs() const { return 0; }

  int64_t param_count() const;  // trainable values (what MODELS.md counts)
  std::vector<Param>& params() { return params_; }
  const std::vector<Param>& params() const { return params_; }
  Param& param(const std::string& name);  // throws Error if absent
  const Param& param(const std::string& name) const;

  // Draws initial parameter values.
  virtual void init(Rng& rng);

  // Sizes the workspaces for batches of up to max_batch examples.
  virtual void reserve(int max_batch);

  // y = layer(x) for `batch` examples (x: batch * input size floats, y: batch * output size).
  virtual void forward(const float* x, float* y, int batch, Mode mode) = 0;

  // Given x, y of the last forward(..., Mode::Train) and dy = dL/dy: overwrites every trainable
  // parameter's grad with dL/dparam and, unless dx is null, writes dx = dL/dx.
  virtual void backward(const float* x, const float* y, const float* dy, float* dx, int batch) = 0;

 protected:
  virtual Shape compute_output(Shape input) const = 0;
  virtual void allocate() {}
  Param& add_param(std::string name, std::vector<int> shape, bool trainable = true);
  std::string where() const;  // "conv1d layer" with its input shape, for messages

  Shape input_;
  Shape output_;

 private:
  LayerKind kind_;
  bool built_ = false;
  std::vector<Param> params_;
};

}  // namespace tml::trainer
