#include "tml/trainer/depthwise_conv1d.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "tml/trainer/channel_kernels.h"
#include "tml/trainer/error.h"
#include "tml/trainer/random.h"

// Forward and backward run in the depthwise kernels (kernels/channel_impl.h), channels as the vector
// dimension, padding taps skipped rather than stored: nothing is copied.

namespace tml::trainer {

DepthwiseConv1D::DepthwiseConv1D(int kernel, int stride, Padding padding)
    : Layer(LayerKind::DepthwiseConv1D), kernel_(kernel), stride_(stride), padding_(padding) {
  if (kernel < 1) throw Error("depthwise_conv1d layer: kernel must be at least 1, got " + std::to_string(kernel));
  if (stride < 1) throw Error("depthwise_conv1d layer: stride must be at least 1, got " + std::to_string(stride));
}

Shape DepthwiseConv1D::compute_output(Shape input) const {
  if (padding_ == Padding::Same) return Shape{(input.time + stride_ - 1) / stride_, input.channels};
  if (input.time < kernel_)
    throw Error(where() + ": kernel " + std::to_string(kernel_) + " is longer than the input's " +
                std::to_string(input.time) + " time steps; use a shorter kernel, 'same' padding or a longer window");
  return Shape{(input.time - kernel_) / stride_ + 1, input.channels};
}

void DepthwiseConv1D::allocate() {
  add_param("weights", {kernel_, input_.channels});
  add_param("bias", {input_.channels});
  if (padding_ == Padding::Same) {
    const int total = std::max((output_.time - 1) * stride_ + kernel_ - input_.time, 0);
    pad_left_ = total / 2;
    pad_right_ = total - pad_left_;
  } else {
    pad_left_ = pad_right_ = 0;
  }
}

int64_t DepthwiseConv1D::macs() const { return int64_t{output_.time} * input_.channels * kernel_; }

void DepthwiseConv1D::init(Rng& rng) {
  const float limit = std::sqrt(6.0f / static_cast<float>(2 * kernel_));
  for (auto& w : weights().value) w = rng.uniform(-limit, limit);
  for (auto& b : bias().value) b = 0.0f;
}

namespace {

kernels::DepthwiseShape shape_of(const Shape& in, const Shape& out, int kernel, int stride, int pad_left) {
  kernels::DepthwiseShape s;
  s.in_time = in.time;
  s.channels = in.channels;
  s.kernel = kernel;
  s.stride = stride;
  s.pad_left = pad_left;
  s.out_time = out.time;
  return s;
}

}  // namespace

void DepthwiseConv1D::forward(const float* x, float* y, int batch, Mode) {
  kernels::channel_kernels().depthwise_forward(shape_of(input_, output_, kernel_, stride_, pad_left_), batch, x,
                                       weights().value.data(), bias().value.data(), y);
}

void DepthwiseConv1D::backward(const float* x, const float*, const float* dy, float* dx, int batch) {
  kernels::channel_kernels().depthwise_backward(shape_of(input_, output_, kernel_, stride_, pad_left_), batch, x,
                                        weights().value.data(), dy, weights().grad.data(), bias().grad.data(), dx);
}

}  // namespace tml::trainer
