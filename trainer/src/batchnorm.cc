#include "tml/trainer/batchnorm.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

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
  inv_std_.assign(static_cast<size_t>(C), 1.0f);
  scale_.assign(static_cast<size_t>(C), 0.0f);
  shift_.assign(static_cast<size_t>(C), 0.0f);
  sum_a_.assign(static_cast<size_t>(C), 0.0);
  sum_b_.assign(static_cast<size_t>(C), 0.0);
}

void BatchNorm::init(Rng&) {
  for (auto& v : gamma().value) v = 1.0f;
  for (auto& v : beta().value) v = 0.0f;
  for (auto& v : moving_mean().value) v = 0.0f;
  for (auto& v : moving_var().value) v = 1.0f;
}

void BatchNorm::reserve(int max_batch) { xhat_.assign(static_cast<size_t>(input_.size()) * max_batch, 0.0f); }

void BatchNorm::forward(const float* x, float* y, int batch, Mode mode) {
  const int C = input_.channels;
  const int64_t rows = int64_t{input_.time} * batch;  // values per channel in this batch
  const float* g = gamma().value.data();
  const float* be = beta().value.data();
  if (mode == Mode::Infer) {
    const float* mm = moving_mean().value.data();
    const float* mv = moving_var().value.data();
    std::vector<float>& scale = scale_;
    std::vector<float>& shift = shift_;
    for (int c = 0; c < C; ++c) {
      scale[c] = g[c] / std::sqrt(mv[c] + epsilon_);
      shift[c] = be[c] - mm[c] * scale[c];
    }
    for (int64_t r = 0; r < rows; ++r)
      for (int c = 0; c < C; ++c) y[r * C + c] = x[r * C + c] * scale[c] + shift[c];
    return;
  }
  if (xhat_.size() < static_cast<size_t>(rows * C)) reserve(batch);
  std::vector<double>& mean = sum_a_;
  std::vector<double>& var = sum_b_;
  std::fill(mean.begin(), mean.end(), 0.0);
  std::fill(var.begin(), var.end(), 0.0);
  for (int64_t r = 0; r < rows; ++r)
    for (int c = 0; c < C; ++c) mean[c] += x[r * C + c];
  for (int c = 0; c < C; ++c) mean[c] /= static_cast<double>(rows);
  for (int64_t r = 0; r < rows; ++r)
    for (int c = 0; c < C; ++c) {
      const double d = x[r * C + c] - mean[c];
      var[c] += d * d;
    }
  float* mm = moving_mean().value.data();
  float* mv = moving_var().value.data();
  for (int c = 0; c < C; ++c) {
    const double biased = var[c] / static_cast<double>(rows);
    const double unbiased = rows > 1 ? var[c] / static_cast<double>(rows - 1) : biased;
    inv_std_[c] = static_cast<float>(1.0 / std::sqrt(biased + epsilon_));
    mm[c] = static_cast<float>((1.0 - momentum_) * mm[c] + momentum_ * mean[c]);
    mv[c] = static_cast<float>((1.0 - momentum_) * mv[c] + momentum_ * unbiased);
  }
  for (int64_t r = 0; r < rows; ++r)
    for (int c = 0; c < C; ++c) {
      const float xh = static_cast<float>(x[r * C + c] - mean[c]) * inv_std_[c];
      xhat_[r * C + c] = xh;
      y[r * C + c] = g[c] * xh + be[c];
    }
}

void BatchNorm::backward(const float*, const float*, const float* dy, float* dx, int batch) {
  const int C = input_.channels;
  const int64_t rows = int64_t{input_.time} * batch;
  float* dg = gamma().grad.data();
  float* db = beta().grad.data();
  std::vector<double>& sum_dy = sum_a_;
  std::vector<double>& sum_dy_xhat = sum_b_;
  std::fill(sum_dy.begin(), sum_dy.end(), 0.0);
  std::fill(sum_dy_xhat.begin(), sum_dy_xhat.end(), 0.0);
  for (int64_t r = 0; r < rows; ++r)
    for (int c = 0; c < C; ++c) {
      sum_dy[c] += dy[r * C + c];
      sum_dy_xhat[c] += static_cast<double>(dy[r * C + c]) * xhat_[r * C + c];
    }
  for (int c = 0; c < C; ++c) {
    dg[c] = static_cast<float>(sum_dy_xhat[c]);
    db[c] = static_cast<float>(sum_dy[c]);
  }
  if (!dx) return;
  const float* g = gamma().value.data();
  const double n = static_cast<double>(rows);
  for (int64_t r = 0; r < rows; ++r)
    for (int c = 0; c < C; ++c) {
      // dx = gamma * inv_std / n * (n * dy - sum(dy) - xhat * sum(dy * xhat))
      const double v = n * dy[r * C + c] - sum_dy[c] - xhat_[r * C + c] * sum_dy_xhat[c];
      dx[r * C + c] = static_cast<float>(g[c] * inv_std_[c] / n * v);
    }
}

}  // namespace tml::trainer
