#include "trainer/pooling.h"

#include <algorithm>
#include <string>

#include "trainer/error.h"

namespace tml::trainer {
namespace {

Shape pooled(const char* name, Shape input, int pool, int stride, const std::string& where) {
  if (input.time < pool)
    throw Error(where + ": pool " + std::to_string(pool) + " is longer than the input's " +
                std::to_string(input.time) + " time steps");
  (void)name;
  return Shape{(input.time - pool) / stride + 1, input.channels};
}

void check_pool(const char* name, int pool, int stride) {
  if (pool < 1) throw Error(std::string(name) + " layer: pool must be at least 1, got " + std::to_string(pool));
  if (stride < 0) throw Error(std::string(name) + " layer: stride must be at least 1, got " + std::to_string(stride));
}

}  // namespace

MaxPool1D::MaxPool1D(int pool, int stride)
    : Layer(LayerKind::MaxPool1D), pool_(pool), stride_(stride == 0 ? pool : stride) {
  check_pool("maxpool1d", pool, stride);
}

Shape MaxPool1D::compute_output(Shape input) const { return pooled("maxpool1d", input, pool_, stride_, where()); }

void MaxPool1D::reserve(int max_batch) { argmax_.assign(static_cast<size_t>(output_.size()) * max_batch, 0); }

void MaxPool1D::forward(const float* x, float* y, int batch, Mode mode) {
  const int C = input_.channels, T_in = input_.time, T_out = output_.time;
  if (mode == Mode::Infer) {
    for (int b = 0; b < batch; ++b) {
      const float* xb = x + static_cast<size_t>(b) * T_in * C;
      float* yb = y + static_cast<size_t>(b) * T_out * C;
      for (int t = 0; t < T_out; ++t) {
        float* __restrict yr = yb + t * C;
        const float* x0 = xb + t * stride_ * C;
        for (int c = 0; c < C; ++c) yr[c] = x0[c];
        for (int i = 1; i < pool_; ++i) {
          const float* __restrict xr = x0 + i * C;
          for (int c = 0; c < C; ++c) yr[c] = std::max(yr[c], xr[c]);
        }
      }
    }
    return;
  }
  if (argmax_.size() < static_cast<size_t>(output_.size()) * batch) reserve(batch);
  for (int b = 0; b < batch; ++b) {
    const float* xb = x + static_cast<size_t>(b) * T_in * C;
    float* yb = y + static_cast<size_t>(b) * T_out * C;
    int32_t* ab = argmax_.data() + static_cast<size_t>(b) * T_out * C;
    for (int t = 0; t < T_out; ++t) {
      float* __restrict yr = yb + t * C;
      int32_t* __restrict ar = ab + t * C;
      const float* x0 = xb + t * stride_ * C;
      for (int c = 0; c < C; ++c) {  // selects in registers, no data-dependent branches
        float best = x0[c];
        int32_t arg = 0;
        for (int i = 1; i < pool_; ++i) {
          const float v = x0[i * C + c];
          arg = v > best ? i : arg;
          best = v > best ? v : best;
        }
        yr[c] = best;
        ar[c] = arg;
      }
    }
  }
}

void MaxPool1D::backward(const float*, const float*, const float* dy, float* dx, int batch) {
  if (!dx) return;
  const int C = input_.channels, T_in = input_.time, T_out = output_.time;
  for (int b = 0; b < batch; ++b) {
    float* dxb = dx + static_cast<size_t>(b) * T_in * C;
    const float* dyb = dy + static_cast<size_t>(b) * T_out * C;
    const int32_t* ab = argmax_.data() + static_cast<size_t>(b) * T_out * C;
    if (stride_ >= pool_) {
      // Windows do not overlap: every input row is written once (0 where it was not the maximum).
      int covered = 0;
      for (int t = 0; t < T_out; ++t) {
        const int t0 = t * stride_;
        std::fill(dxb + covered * C, dxb + t0 * C, 0.0f);
        const float* __restrict dr = dyb + t * C;
        const int32_t* __restrict ar = ab + t * C;
        for (int i = 0; i < pool_; ++i) {
          float* __restrict o = dxb + (t0 + i) * C;
          for (int c = 0; c < C; ++c) {
            const float d = dr[c];
            o[c] = ar[c] == i ? d : 0.0f;
          }
        }
        covered = t0 + pool_;
      }
      std::fill(dxb + covered * C, dxb + T_in * C, 0.0f);
    } else {
      std::fill(dxb, dxb + T_in * C, 0.0f);
      for (int t = 0; t < T_out; ++t)
        for (int c = 0; c < C; ++c) dxb[(t * stride_ + ab[t * C + c]) * C + c] += dyb[t * C + c];
    }
  }
}

AvgPool1D::AvgPool1D(int pool, int stride)
    : Layer(LayerKind::AvgPool1D), pool_(pool), stride_(stride == 0 ? pool : stride) {
  check_pool("avgpool1d", pool, stride);
}

Shape AvgPool1D::compute_output(Shape input) const { return pooled("avgpool1d", input, pool_, stride_, where()); }

void AvgPool1D::forward(const float* x, float* y, int batch, Mode) {
  const int C = input_.channels, T_in = input_.time, T_out = output_.time;
  const float scale = 1.0f / static_cast<float>(pool_);
  for (int b = 0; b < batch; ++b) {
    const float* xb = x + static_cast<size_t>(b) * T_in * C;
    float* yb = y + static_cast<size_t>(b) * T_out * C;
    for (int t = 0; t < T_out; ++t) {
      float* yr = yb + t * C;
      for (int c = 0; c < C; ++c) yr[c] = 0.0f;
      for (int i = 0; i < pool_; ++i) {
        const float* xr = xb + (t * stride_ + i) * C;
        for (int c = 0; c < C; ++c) yr[c] += xr[c];
      }
      for (int c = 0; c < C; ++c) yr[c] *= scale;
    }
  }
}

void AvgPool1D::backward(const float*, const float*, const float* dy, float* dx, int batch) {
  if (!dx) return;
  const int C = input_.channels, T_in = input_.time, T_out = output_.time;
  const float scale = 1.0f / static_cast<float>(pool_);
  std::fill(dx, dx + static_cast<size_t>(batch) * T_in * C, 0.0f);
  for (int b = 0; b < batch; ++b) {
    float* dxb = dx + static_cast<size_t>(b) * T_in * C;
    const float* dyb = dy + static_cast<size_t>(b) * T_out * C;
    for (int t = 0; t < T_out; ++t)
      for (int i = 0; i < pool_; ++i) {
        float* dr = dxb + (t * stride_ + i) * C;
        for (int c = 0; c < C; ++c) dr[c] += dyb[t * C + c] * scale;
      }
  }
}

GlobalAveragePool1D::GlobalAveragePool1D() : Layer(LayerKind::GlobalAveragePool1D) {}

Shape GlobalAveragePool1D::compute_output(Shape input) const { return Shape{1, input.channels}; }

void GlobalAveragePool1D::forward(const float* x, float* y, int batch, Mode) {
  const int C = input_.channels, T = input_.time;
  const float scale = 1.0f / static_cast<float>(T);
  for (int b = 0; b < batch; ++b) {
    const float* xb = x + static_cast<size_t>(b) * T * C;
    float* yb = y + static_cast<size_t>(b) * C;
    for (int c = 0; c < C; ++c) yb[c] = 0.0f;
    for (int t = 0; t < T; ++t)
      for (int c = 0; c < C; ++c) yb[c] += xb[t * C + c];
    for (int c = 0; c < C; ++c) yb[c] *= scale;
  }
}

void GlobalAveragePool1D::backward(const float*, const float*, const float* dy, float* dx, int batch) {
  if (!dx) return;
  const int C = input_.channels, T = input_.time;
  const float scale = 1.0f / static_cast<float>(T);
  for (int b = 0; b < batch; ++b)
    for (int t = 0; t < T; ++t)
      for (int c = 0; c < C; ++c) dx[(static_cast<size_t>(b) * T + t) * C + c] = dy[b * C + c] * scale;
}

}  // namespace tml::trainer
