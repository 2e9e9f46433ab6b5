#include "tml/trainer/dropout.h"

#include <cstring>
#include <string>

#include "tml/trainer/error.h"

namespace tml::trainer {

Dropout::Dropout(float rate) : Layer(LayerKind::Dropout), rate_(rate) {
  if (!(rate >= 0.0f && rate < 1.0f))
    throw Error("dropout layer: rate must be in [0, 1), got " + std::to_string(rate));
}

void Dropout::init(Rng& rng) { rng_ = Rng(rng.split()); }

void Dropout::reserve(int max_batch) { mask_.assign(static_cast<size_t>(input_.size()) * max_batch, 0.0f); }

void Dropout::forward(const float* x, float* y, int batch, Mode mode) {
  const size_t n = static_cast<size_t>(input_.size()) * batch;
  if (mode == Mode::Infer || rate_ == 0.0f) {
    std::memcpy(y, x, sizeof(float) * n);
    if (mode == Mode::Train) {
      if (mask_.size() < n) reserve(batch);
      for (size_t i = 0; i < n; ++i) mask_[i] = 1.0f;
    }
    return;
  }
  if (mask_.size() < n) reserve(batch);
  const float keep = 1.0f / (1.0f - rate_);
  for (size_t i = 0; i < n; ++i) {
    mask_[i] = rng_.uniform() < rate_ ? 0.0f : keep;
    y[i] = x[i] * mask_[i];
  }
}

void Dropout::backward(const float*, const float*, const float* dy, float* dx, int batch) {
  if (!dx) return;
  const size_t n = static_cast<size_t>(input_.size()) * batch;
  for (size_t i = 0; i < n; ++i) dx[i] = dy[i] * mask_[i];
}

}  // namespace tml::trainer
