#include "tml/trainer/activation.h"

#include <algorithm>
#include <cmath>

namespace tml::trainer {

ReLU::ReLU() : Layer(LayerKind::ReLU) {}

void ReLU::forward(const float* __restrict x, float* __restrict y, int batch, Mode) {
  const int64_t n = input_.size() * batch;
  for (int64_t i = 0; i < n; ++i) y[i] = std::max(x[i], 0.0f);
}

void ReLU::backward(const float*, const float* __restrict y, const float* __restrict dy, float* __restrict dx,
                    int batch) {
  if (!dx) return;
  const int64_t n = input_.size() * batch;
  for (int64_t i = 0; i < n; ++i) {
    const float d = dy[i];  // loaded unconditionally so that the loop vectorizes
    dx[i] = y[i] > 0.0f ? d : 0.0f;
  }
}

Softmax::Softmax() : Layer(LayerKind::Softmax) {}

void Softmax::forward(const float* x, float* y, int batch, Mode) {
  const int C = input_.channels;
  const int64_t rows = int64_t{input_.time} * batch;
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * C;
    float* yr = y + r * C;
    float m = xr[0];
    for (int c = 1; c < C; ++c) m = xr[c] > m ? xr[c] : m;
    float sum = 0.0f;
    for (int c = 0; c < C; ++c) sum += (yr[c] = std::exp(xr[c] - m));
    const float inv = 1.0f / sum;
    for (int c = 0; c < C; ++c) yr[c] *= inv;
  }
}

void Softmax::backward(const float*, const float* y, const float* dy, float* dx, int batch) {
  if (!dx) return;
  const int C = input_.channels;
  const int64_t rows = int64_t{input_.time} * batch;
  for (int64_t r = 0; r < rows; ++r) {
    const float* yr = y + r * C;
    const float* dr = dy + r * C;
    float dot = 0.0f;
    for (int c = 0; c < C; ++c) dot += yr[c] * dr[c];
    for (int c = 0; c < C; ++c) dx[r * C + c] = yr[c] * (dr[c] - dot);
  }
}

}  // namespace tml::trainer
