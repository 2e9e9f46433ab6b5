// Conv1D over time, time-major: x [T][C] -> y [T_out][filters],
//   y[t][f] = b[f] + sum_{k < kernel, c < C} W[f][k][c] * x[t * stride + k - pad_left][c]
// (x outside [0, T) reads as 0).
//   valid: no padding, T_out = (T - kernel) / stride + 1 (needs T >= kernel).
//   same:  T_out = ceil(T / stride); total padding max((T_out - 1) * stride + kernel - T, 0), of which
//          pad_left = total / 2 and the rest on the right (TensorFlow's convention).
#pragma once

#include <vector>

#include "tml/trainer/layer.h"

namespace tml::trainer {

enum class Padding { Valid, Same };
const char* padding_name(Padding padding);  // "valid", "same"

class Conv1D : public Layer {
 public:
  Conv1D(int filters, int kernel, int stride = 1, Padding padding = Padding::Valid);

  int filters() const { return filters_; }
  int kernel() const { return kernel_; }
  int stride() const { return stride_; }
  Padding padding() const { return padding_; }
  int pad_left() const { return pad_left_; }    // valid after build()
  int pad_right() const { return pad_right_; }
  Param& weights() { return params()[0]; }  // [filters][kernel][in_channels]
  Param& bias() { return params()[1]; }     // [filters]
  const Param& weights() const { return params()[0]; }
  const Param& bias() const { return params()[1]; }

  int64_t macs() const override;
  void init(Rng& rng) override;  // Glorot-uniform weights (fan in kernel*C, fan out kernel*filters), zero bias
  void reserve(int max_batch) override;
  void forward(const float* x, float* y, int batch, Mode mode) override;
  void backward(const float* x, const float* y, const float* dy, float* dx, int batch) override;

 protected:
  Shape compute_output(Shape input) const override;
  void allocate() override;

 private:
  const float* padded_input(const float* x, int batch);  // x itself when there is no padding
  bool pointwise() const { return kernel_ == 1 && stride_ == 1; }  // kernel 1, stride 1: never padded

  int filters_, kernel_, stride_;
  Padding padding_;
  int pad_left_ = 0, pad_right_ = 0;
  std::vector<float> wt_;      // weights transposed: [kernel * C][filters]
  std::vector<float> dwt_;     // gradient in the same layout
  std::vector<float> xpad_;    // padded input batch [batch][T + pads][C] (same padding only)
  std::vector<float> dxpad_;
  std::vector<float> scratch_;
};

}  // namespace tml::trainer
