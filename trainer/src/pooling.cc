#include "tml/trainer/pooling.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "tml/trainer/error.h"

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

void MaxPool1D::forward(const float* x, float* y, int batch, Mode mode) { forward_impl<false>(x, y, batch, mode); }

void MaxPool1D::forward_relu(const float* x, float* y, int batch, Mode mode) { forward_impl<true>(x, y, batch, mode); }

void MaxPool1D::backward(const float*, const float* y, const float* dy, float* dx, int batch) {
  backward_impl<false>(y, dy, dx, batch);
}

void MaxPool1D::backward_relu(const float* y, const float* dy, float* dx, int batch) {
  backward_impl<true>(y, dy, dx, batch);
}

namespace {

// Four channels at a time with GCC/Clang vector types (any x86-64 has 4-float vectors): the comparisons
// become selects, so the data never decides a branch.
typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));
inline v4f load4(const float* p) {
  v4f v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline v4i load4(const int32_t* p) {
  v4i v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store4(float* p, v4f v) { std::memcpy(p, &v, sizeof v); }
inline void store4(int32_t* p, v4i v) { std::memcpy(p, &v, sizeof v); }

}  // namespace

// With kRelu, max(0, max_i x_i) equals the max of the ReLU outputs, and the first maximum of the ReLU
// outputs is the first maximum of x when it is positive; when it is not, the ReLU blocks the gradient.
template <bool kRelu>
void MaxPool1D::forward_impl(const float* x, float* y, int batch, Mode mode) {
  const int C = input_.channels, T_in = input_.time, T_out = output_.time;
  const bool train = mode == Mode::Train;
  if (train && argmax_.size() < static_cast<size_t>(output_.size()) * batch) reserve(batch);
  const v4f zero = {0, 0, 0, 0};
  for (int b = 0; b < batch; ++b) {
    const float* xb = x + static_cast<size_t>(b) * T_in * C;
    float* yb = y + static_cast<size_t>(b) * T_out * C;
    int32_t* ab = train ? argmax_.data() + static_cast<size_t>(b) * T_out * C : nullptr;
    for (int t = 0; t < T_out; ++t) {
      float* yr = yb + t * C;
      const float* x0 = xb + t * stride_ * C;
      int c = 0;
      for (; c + 4 <= C; c += 4) {
        v4f best = load4(x0 + c);
        v4i arg = {0, 0, 0, 0};
        for (int i = 1; i < pool_; ++i) {
          const v4f v = load4(x0 + i * C + c);
          const v4i greater = v > best;
          best = greater ? v : best;
          arg = greater ? v4i{i, i, i, i} : arg;
        }
        if (kRelu) best = best > zero ? best : zero;
        store4(yr + c, best);
        if (train) store4(ab + t * C + c, arg);
      }
      for (; c < C; ++c) {
        float best = x0[c];
        int32_t arg = 0;
        for (int i = 1; i < pool_; ++i) {
          const float v = x0[i * C + c];
          arg = v > best ? i : arg;
          best = v > best ? v : best;
        }
        yr[c] = kRelu ? std::max(best, 0.0f) : best;
        if (train) ab[t * C + c] = arg;
      }
    }
  }
}

template <bool kRelu>
void MaxPool1D::backward_impl(const float* y, const float* dy, float* dx, int batch) {
  if (!dx) return;
  const int C = input_.channels, T_in = input_.time, T_out = output_.time;
  const v4f zero = {0, 0, 0, 0};
  for (int b = 0; b < batch; ++b) {
    float* dxb = dx + static_cast<size_t>(b) * T_in * C;
    const float* dyb = dy + static_cast<size_t>(b) * T_out * C;
    const float* yb = y + static_cast<size_t>(b) * T_out * C;
    const int32_t* ab = argmax_.data() + static_cast<size_t>(b) * T_out * C;
    if (stride_ >= pool_) {
      // Windows do not overlap: every input row is written once (0 where it was not the maximum).
      int covered = 0;
      for (int t = 0; t < T_out; ++t) {
        const int t0 = t * stride_;
        std::fill(dxb + covered * C, dxb + t0 * C, 0.0f);
        const float* dr = dyb + t * C;
        const float* yr = yb + t * C;
        const int32_t* ar = ab + t * C;
        float* o = dxb + t0 * C;
        int c = 0;
        for (; c + 4 <= C; c += 4) {
          const v4f d = load4(dr + c);
          const v4i a = load4(ar + c);
          const v4i open = kRelu ? (load4(yr + c) > zero) : v4i{-1, -1, -1, -1};
          for (int i = 0; i < pool_; ++i) store4(o + i * C + c, ((a == v4i{i, i, i, i}) & open) ? d : zero);
        }
        for (; c < C; ++c)
          for (int i = 0; i < pool_; ++i) o[i * C + c] = ar[c] == i && (!kRelu || yr[c] > 0.0f) ? dr[c] : 0.0f;
        covered = t0 + pool_;
      }
      std::fill(dxb + covered * C, dxb + T_in * C, 0.0f);
    } else {
      std::fill(dxb, dxb + T_in * C, 0.0f);
      for (int t = 0; t < T_out; ++t)
        for (int c = 0; c < C; ++c)
          if (!kRelu || yb[t * C + c] > 0.0f) dxb[(t * stride_ + ab[t * C + c]) * C + c] += dyb[t * C + c];
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
