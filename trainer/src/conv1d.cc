#include "tml/trainer/conv1d.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "tml/trainer/kernels.h"
#include "tml/trainer/error.h"
#include "tml/trainer/random.h"

// A pointwise convolution (kernel 1, stride 1: no padding either) is one product over the whole batch,
// whose [batch][T][C] input is a [batch * T][C] matrix; the others are products per example.
// The convolution as matrix products, without copying patches: for one example with (padded) input
// x [Tp][C], output row t reads the kernel * C consecutive floats starting at x + t * stride * C, so the
// patch matrix is x itself read with row stride stride * C (rows overlap when stride < kernel).
//   forward:  y_b [T_out][F]  = patches_b [T_out][K*C] . W^T [K*C][F] + bias
//   weights:  dW^T [K*C][F]   = sum_b patches_b^T . dy_b
//   input:    patches-gradient_b = dy_b [T_out][F] . W [F][K*C], added row by row into dx_b at the same
//             overlapping offsets (gemm_nn's accumulate mode updates overlapping rows one after another).

namespace tml::trainer {

const char* padding_name(Padding padding) { return padding == Padding::Same ? "same" : "valid"; }

Conv1D::Conv1D(int filters, int kernel, int stride, Padding padding)
    : Layer(LayerKind::Conv1D), filters_(filters), kernel_(kernel), stride_(stride), padding_(padding) {
  if (filters < 1) throw Error("conv1d layer: filters must be at least 1, got " + std::to_string(filters));
  if (kernel < 1) throw Error("conv1d layer: kernel must be at least 1, got " + std::to_string(kernel));
  if (stride < 1) throw Error("conv1d layer: stride must be at least 1, got " + std::to_string(stride));
}

Shape Conv1D::compute_output(Shape input) const {
  if (padding_ == Padding::Same) return Shape{(input.time + stride_ - 1) / stride_, filters_};
  if (input.time < kernel_)
    throw Error(where() + ": kernel " + std::to_string(kernel_) + " is longer than the input's " +
                std::to_string(input.time) + " time steps; use a shorter kernel, 'same' padding or a longer window");
  return Shape{(input.time - kernel_) / stride_ + 1, filters_};
}

void Conv1D::allocate() {
  const int C = input_.channels;
  add_param("weights", {filters_, kernel_, C});
  add_param("bias", {filters_});
  if (padding_ == Padding::Same) {
    const int total = std::max((output_.time - 1) * stride_ + kernel_ - input_.time, 0);
    pad_left_ = total / 2;
    pad_right_ = total - pad_left_;
  } else {
    pad_left_ = pad_right_ = 0;
  }
  wt_.assign(static_cast<size_t>(kernel_) * C * filters_, 0.0f);
  dwt_.assign(wt_.size(), 0.0f);
}

int64_t Conv1D::macs() const { return int64_t{output_.time} * filters_ * kernel_ * input_.channels; }

void Conv1D::init(Rng& rng) {
  const int C = input_.channels;
  const float limit = std::sqrt(6.0f / static_cast<float>(kernel_ * C + kernel_ * filters_));
  for (auto& w : weights().value) w = rng.uniform(-limit, limit);
  for (auto& b : bias().value) b = 0.0f;
}

void Conv1D::reserve(int max_batch) {
  if (pad_left_ + pad_right_ == 0) return;
  const size_t padded = static_cast<size_t>(input_.time + pad_left_ + pad_right_) * input_.channels;
  xpad_.assign(padded * max_batch, 0.0f);
  dxpad_.assign(padded * max_batch, 0.0f);
}

const float* Conv1D::padded_input(const float* x, int batch) {
  if (pad_left_ + pad_right_ == 0) return x;
  const int C = input_.channels;
  const size_t row = static_cast<size_t>(input_.time) * C;
  const size_t prow = static_cast<size_t>(input_.time + pad_left_ + pad_right_) * C;
  if (xpad_.size() < prow * batch) reserve(batch);
  for (int b = 0; b < batch; ++b) {
    float* p = xpad_.data() + b * prow;
    std::fill(p, p + static_cast<size_t>(pad_left_) * C, 0.0f);
    std::memcpy(p + static_cast<size_t>(pad_left_) * C, x + b * row, sizeof(float) * row);
    std::fill(p + static_cast<size_t>(pad_left_) * C + row, p + prow, 0.0f);
  }
  return xpad_.data();
}

void Conv1D::forward(const float* x, float* y, int batch, Mode) {
  const int C = input_.channels, KC = kernel_ * C, F = filters_, T_out = output_.time;
  const int Tp = input_.time + pad_left_ + pad_right_;
  const float* w = weights().value.data();
  for (int f = 0; f < F; ++f)
    for (int j = 0; j < KC; ++j) wt_[static_cast<size_t>(j) * F + f] = w[f * KC + j];
  const auto& k = kernels::kernels();
  if (pointwise()) {  // the whole batch is one [batch * T][C] matrix
    k.gemm_nn(batch * T_out, F, C, x, C, 1, wt_.data(), F, y, F, bias().value.data(), false);
    return;
  }
  const float* xp = padded_input(x, batch);
  for (int b = 0; b < batch; ++b)
    k.gemm_nn(T_out, F, KC, xp + static_cast<size_t>(b) * Tp * C, stride_ * C, 1, wt_.data(), F,
              y + static_cast<size_t>(b) * T_out * F, F, bias().value.data(), false);
}

void Conv1D::backward(const float* x, const float*, const float* dy, float* dx, int batch) {
  const int C = input_.channels, KC = kernel_ * C, F = filters_, T_out = output_.time;
  const int Tp = input_.time + pad_left_ + pad_right_;
  const bool padded = pad_left_ + pad_right_ > 0;
  const float* xp = padded ? xpad_.data() : x;  // forward() left the padded batch there
  const auto& k = kernels::kernels();

  scratch_.resize(static_cast<size_t>(4 * F));
  kernels::column_sums(dy, batch * T_out, F, bias().grad.data(), scratch_.data());

  if (pointwise()) {  // one product each over the whole batch, [batch * T] rows
    const int rows = batch * T_out;
    // dW^T = x^T dy in blocks of rows, so that each block of dy stays in the L1 cache while every
    // row of dW^T is computed from it.
    // The input gradient of the same block right after it, while that block of dy is still cached.
    constexpr int kRowBlock = 96;
    for (int r = 0; r < rows; r += kRowBlock) {
      const int n = std::min(kRowBlock, rows - r);
      k.gemm_nn(C, F, n, x + static_cast<size_t>(r) * C, 1, C, dy + static_cast<size_t>(r) * F, F, dwt_.data(), F,
                nullptr, r > 0);
      if (dx)
        k.gemm_nn(n, C, F, dy + static_cast<size_t>(r) * F, F, 1, weights().value.data(), C,
                  dx + static_cast<size_t>(r) * C, C, nullptr, false);
    }
    float* dw = weights().grad.data();
    for (int f = 0; f < F; ++f)
      for (int j = 0; j < C; ++j) dw[f * C + j] = dwt_[static_cast<size_t>(j) * F + f];
    return;
  }

  // dW^T[j][f] = sum_b sum_t patches_b[t][j] * dy_b[t][f]: A(j, t) = x_b[t * stride * C + j].
  for (int b = 0; b < batch; ++b)
    k.gemm_nn(KC, F, T_out, xp + static_cast<size_t>(b) * Tp * C, 1, stride_ * C,
              dy + static_cast<size_t>(b) * T_out * F, F, dwt_.data(), F, nullptr, b > 0);
  float* dw = weights().grad.data();
  for (int f = 0; f < F; ++f)
    for (int j = 0; j < KC; ++j) dw[f * KC + j] = dwt_[static_cast<size_t>(j) * F + f];

  if (!dx) return;
  float* dxp = padded ? dxpad_.data() : dx;
  std::fill(dxp, dxp + static_cast<size_t>(batch) * Tp * C, 0.0f);
  const float* w = weights().value.data();
  for (int b = 0; b < batch; ++b)
    k.gemm_nn(T_out, KC, F, dy + static_cast<size_t>(b) * T_out * F, F, 1, w, KC,
              dxp + static_cast<size_t>(b) * Tp * C, stride_ * C, nullptr, true);
  if (padded) {
    const size_t row = static_cast<size_t>(input_.time) * C;
    for (int b = 0; b < batch; ++b)
      std::memcpy(dx + b * row, dxp + static_cast<size_t>(b) * Tp * C + static_cast<size_t>(pad_left_) * C,
                  sizeof(float) * row);
  }
}

}  // namespace tml::trainer
