#include "tml/trainer/batchnorm.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "tml/trainer/channel_kernels.h"
#include "tml/trainer/error.h"
#include "tml/trainer/random.h"

namespace tml::trainer {

BatchNorm::BatchNorm(float momentum, float epsilon)
    : Layer(LayerKind::BatchNorm), momentum_(momentum), epsilon_(epsilon) {
  if (!(momentum > 0.0f && momentum <= 1.0f))
    throw Error("batchnorm layer: momentum must be in (0, 1], got " + std::to_string(momentum));
  if (!(epsilon > 0.0f)) throw Error("batchnorm layer: epsilon must be positive, got " + std::to_string(epsilon));
}

void BatchNorm::allocate() {
  const int C = input_.channels;
  add_param("gamma", {C});
  add_param("beta", {C});
  add_param("moving_mean", {C}, false);
  add_param("moving_var", {C}, false);
  Rng unused(0);
  init(unused);
  mean_.assign(static_cast<size_t>(C), 0.0f);
  inv_std_.assign(static_cast<size_t>(C), 1.0f);
  scale_.assign(static_cast<size_t>(C), 0.0f);
  shift_.assign(static_cast<size_t>(C), 0.0f);
  sum_a_.assign(static_cast<size_t>(C), 0.0);
  sum_b_.assign(static_cast<size_t>(C), 0.0);
  coef_.assign(static_cast<size_t>(C), 0.0f);
}


void BatchNorm::init(Rng&) {
  for (auto& v : gamma().value) v = 1.0f;
  for (auto& v : beta().value) v = 0.0f;
  for (auto& v : moving_mean().value) v = 0.0f;
  for (auto& v : moving_var().value) v = 1.0f;
}

void BatchNorm::forward(const float* x, float* y, int batch, Mode mode) { run(x, y, batch, mode, false); }

void BatchNorm::forward_relu(const float* x, float* y, int batch, Mode mode) { run(x, y, batch, mode, true); }

void BatchNorm::backward(const float* x, const float*, const float* dy, float* dx, int batch) {
  gradients(x, dy, dx, batch, false);
}

void BatchNorm::backward_relu(const float* x, const float* dy, float* dx, int batch) { gradients(x, dy, dx, batch, true); }

void BatchNorm::run(const float* x, float* y, int batch, Mode mode, bool relu) {
  const int C = input_.channels;
  const int64_t rows = int64_t{input_.time} * batch;  // values per channel in this batch
  const float* g = gamma().value.data();
  const float* be = beta().value.data();
  if (mode == Mode::Infer) {
    const float* mm = moving_mean().value.data();
    const float* mv = moving_var().value.data();
    float* __restrict scale = scale_.data();
    float* __restrict shift = shift_.data();
    for (int c = 0; c < C; ++c) {
      scale[c] = g[c] / std::sqrt(mv[c] + epsilon_);
      shift[c] = be[c] - mm[c] * scale[c];
    }
    for (int64_t r = 0; r < rows; ++r)
      for (int c = 0; c < C; ++c) {
        const float v = x[r * C + c] * scale[c] + shift[c];
        y[r * C + c] = relu ? std::max(v, 0.0f) : v;
      }
    return;
  }
  // One pass of sums around the batch's first row (close to the mean, so that E[d^2] - E[d]^2 loses
  // nothing to cancellation), in double.
  const auto& k = kernels::channel_kernels();
  std::vector<double>& sum = sum_a_;
  std::vector<double>& sum_sq = sum_b_;
  k.centered_moments(x, x, rows, C, sum.data(), sum_sq.data());
  float* mean = mean_.data();
  float* mm = moving_mean().value.data();
  float* mv = moving_var().value.data();
  const double n = static_cast<double>(rows);
  for (int c = 0; c < C; ++c) {
    const double d = sum[c] / n;
    const double m = double{x[c]} + d;
    const double biased = std::max(sum_sq[c] / n - d * d, 0.0);
    const double unbiased = rows > 1 ? biased * n / (n - 1) : biased;
    mean[c] = static_cast<float>(m);
    inv_std_[c] = static_cast<float>(1.0 / std::sqrt(biased + epsilon_));
    mm[c] = static_cast<float>((1.0 - momentum_) * mm[c] + momentum_ * m);
    mv[c] = static_cast<float>((1.0 - momentum_) * mv[c] + momentum_ * unbiased);
  }
  k.normalize(rows_of(rows, relu), x, y);
}

kernels::BatchNormRows BatchNorm::rows_of(int64_t rows, bool relu) const {
  kernels::BatchNormRows p;
  p.rows = rows;
  p.C = input_.channels;
  p.mean = mean_.data();
  p.inv_std = inv_std_.data();
  p.gamma = gamma().value.data();
  p.beta = beta().value.data();
  p.relu = relu;
  return p;
}

void BatchNorm::gradients(const float* x, const float* dy, float* dx, int batch, bool relu) {
  const int C = input_.channels;
  const int64_t rows = int64_t{input_.time} * batch;
  float* dg = gamma().grad.data();
  float* db = beta().grad.data();
  std::vector<double>& sum_dy = sum_a_;
  std::vector<double>& sum_dy_xhat = sum_b_;
  const auto& kern = kernels::channel_kernels();
  const kernels::BatchNormRows p = rows_of(rows, relu);
  kern.gradient_sums(p, dy, x, sum_dy.data(), sum_dy_xhat.data());
  for (int c = 0; c < C; ++c) {
    dg[c] = static_cast<float>(sum_dy_xhat[c]);
    db[c] = static_cast<float>(sum_dy[c]);
  }
  if (!dx) return;
  // dx = gamma * inv_std / n * (n * dy - sum(dy) - xhat * sum(dy * xhat)) = a dy - b - xhat k per channel.
  const float* g = gamma().value.data();
  const double n = static_cast<double>(rows);
  float* a = scale_.data();
  float* b = shift_.data();
  float* k = coef_.data();
  for (int c = 0; c < C; ++c) {
    const double s = double{g[c]} * inv_std_[c];
    a[c] = static_cast<float>(s);
    b[c] = static_cast<float>(s * sum_dy[c] / n);
    k[c] = static_cast<float>(s * sum_dy_xhat[c] / n);
  }
  kern.normalize_backward(p, dy, x, a, b, k, dx);
}

}  // namespace tml::trainer
