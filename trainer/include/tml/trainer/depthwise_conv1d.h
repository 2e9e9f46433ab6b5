// DepthwiseConv1D over time, time-major, depth multiplier 1: x [T][C] -> y [T_out][C], each channel
// convolved with its own filter,
//   y[t][c] = b[c] + sum_{k < kernel} W[k][c] * x[t * stride + k - pad_left][c]
// (x outside [0, T) reads as 0). Padding as Conv1D: valid, T_out = (T - kernel) / stride + 1; same,
// T_out = ceil(T / stride) with TensorFlow's split of the padding. The weights are [kernel][channels],
// the layout of the int8 kernel (tml_depthwise_conv1d_s8), so quantization keeps them as they are.
// Followed by a Conv1D with kernel 1 (pointwise) it is a depthwise-separable convolution.
#pragma once

#include "tml/trainer/conv1d.h"
#include "tml/trainer/layer.h"

namespace tml::trainer {

class DepthwiseConv1D : public Layer {
 public:
  explicit DepthwiseConv1D(int kernel, int stride = 1, Padding padding = Padding::Valid);

  int kernel() const { return kernel_; }
  int stride() const { return stride_; }
  Padding padding() const { return padding_; }
  int pad_left() const { return pad_left_; }  // valid after build()
  int pad_right() const { return pad_right_; }
  Param& weights() { return params()[0]; }  // [kernel][channels]
  Param& bias() { return params()[1]; }     // [channels]
  const Param& weights() const { return params()[0]; }
  const Param& bias() const { return params()[1]; }

  int64_t macs() const override;
  void init(Rng& rng) override;  // Glorot-uniform weights (fan in = fan out = kernel), zero bias
  void forward(const float* x, float* y, int batch, Mode mode) override;
  void backward(const float* x, const float* y, const float* dy, float* dx, int batch) override;

 protected:
  Shape compute_output(Shape input) const override;
  void allocate() override;

 private:
  int kernel_, stride_;
  Padding padding_;
  int pad_left_ = 0, pad_right_ = 0;
};

}  // namespace tml::trainer
