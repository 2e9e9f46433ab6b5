// The body of the channel kernels (channel_kernels.h), written once with GCC vector types of TML_VW
// floats and compiled once per instruction set (channel_generic.cc, channel_avx2.cc). As in
// gemm_impl.h, everything has internal linkage and no library header that instantiates templates is
// included, so no function built for AVX2 can be picked by the linker for the baseline build.
//
// Channels are the vector dimension: with the time-major layout one tap of VW consecutive channels is one
// vector of the input and one of the filter [kernel][C]. The last C % VW channels take scalar loops.
// Sums over rows keep a group of up to four vectors of channels in registers while the rows run.
#ifndef TML_VW
#error "define TML_VW (floats per vector) before including channel_impl.h"
#endif

#include <cstddef>
#include <cstdint>

#include "tml/trainer/channel_kernels.h"

namespace tml::trainer::kernels {
namespace {

constexpr int DVW = TML_VW;
typedef float dvec __attribute__((vector_size(DVW * sizeof(float))));

inline dvec dload(const float* p) {
  dvec v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
inline void dstore(float* p, dvec v) { __builtin_memcpy(p, &v, sizeof v); }

// The taps of output step t that fall inside the input: k in [first, end), reading step start + k.
struct Taps {
  int start, first, end;
};
inline Taps taps_of(const DepthwiseShape& s, int t) {
  Taps r;
  r.start = t * s.stride - s.pad_left;
  r.first = r.start < 0 ? -r.start : 0;
  r.end = r.start + s.kernel > s.in_time ? s.in_time - r.start : s.kernel;
  return r;
}

// A step whose taps all lie inside the input, for K taps known at compile time (unrolled).
template <int K>
inline void dw_step_full(int C, int vec_end, const float* xs, const float* w, const float* bias, float* yr) {
  for (int c = 0; c < vec_end; c += DVW) {
    dvec acc = bias ? dload(bias + c) : dvec{};
#pragma GCC unroll 8
    for (int k = 0; k < K; ++k) acc += dload(w + k * C + c) * dload(xs + k * C + c);
    dstore(yr + c, acc);
  }
}

void dw_forward(const DepthwiseShape& s, int batch, const float* x, const float* w, const float* bias, float* y) {
  if (s.kernel == 3 || s.kernel == 5) {  // the common sizes: full steps unrolled, the others as below
    const int C = s.channels, vec_end = C - C % DVW;
    for (int b = 0; b < batch; ++b) {
      const float* xb = x + static_cast<std::ptrdiff_t>(b) * s.in_time * C;
      float* yb = y + static_cast<std::ptrdiff_t>(b) * s.out_time * C;
      for (int t = 0; t < s.out_time; ++t) {
        const Taps tp = taps_of(s, t);
        const float* xs = xb + static_cast<std::ptrdiff_t>(tp.start) * C;
        float* yr = yb + static_cast<std::ptrdiff_t>(t) * C;
        if (tp.first != 0 || tp.end != s.kernel) {
          for (int c = 0; c < vec_end; c += DVW) {
            dvec acc = bias ? dload(bias + c) : dvec{};
            for (int k = tp.first; k < tp.end; ++k) acc += dload(w + k * C + c) * dload(xs + k * C + c);
            dstore(yr + c, acc);
          }
        } else if (s.kernel == 3) {
          dw_step_full<3>(C, vec_end, xs, w, bias, yr);
        } else {
          dw_step_full<5>(C, vec_end, xs, w, bias, yr);
        }
        for (int c = vec_end; c < C; ++c) {
          float acc = bias ? bias[c] : 0.0f;
          for (int k = tp.first; k < tp.end; ++k) acc += w[k * C + c] * xs[k * C + c];
          yr[c] = acc;
        }
      }
    }
    return;
  }
  const int C = s.channels;
  const int vec_end = C - C % DVW;
  for (int b = 0; b < batch; ++b) {
    const float* xb = x + static_cast<std::ptrdiff_t>(b) * s.in_time * C;
    float* yb = y + static_cast<std::ptrdiff_t>(b) * s.out_time * C;
    for (int t = 0; t < s.out_time; ++t) {
      const Taps tp = taps_of(s, t);
      const float* xs = xb + static_cast<std::ptrdiff_t>(tp.start) * C;  // input step start (maybe padding)
      float* yr = yb + static_cast<std::ptrdiff_t>(t) * C;
      for (int c = 0; c < vec_end; c += DVW) {
        dvec acc = bias ? dload(bias + c) : dvec{};
        for (int k = tp.first; k < tp.end; ++k) acc += dload(w + k * C + c) * dload(xs + k * C + c);
        dstore(yr + c, acc);
      }
      for (int c = vec_end; c < C; ++c) {
        float acc = bias ? bias[c] : 0.0f;
        for (int k = tp.first; k < tp.end; ++k) acc += w[k * C + c] * xs[k * C + c];
        yr[c] = acc;
      }
    }
  }
}

// dx[b][i][c] = sum over the taps k and output steps t with t * stride + k - pad_left = i of
// w[k][c] * dy[b][t][c]: each input step gathers its own terms and is written once (no zeroing pass, no
// read-modify-write of overlapping windows).
void dw_input_grad(const DepthwiseShape& s, int batch, const float* w, const float* dy, float* dx) {
  const int C = s.channels, K = s.kernel;
  const int vec_end = C - C % DVW;
  for (int b = 0; b < batch; ++b) {
    const float* dyb = dy + static_cast<std::ptrdiff_t>(b) * s.out_time * C;
    for (int i = 0; i < s.in_time; ++i) {
      float* out = dx + (static_cast<std::ptrdiff_t>(b) * s.in_time + i) * C;
      const int top = i + s.pad_left;  // tap k reaches step i from output step (top - k) / stride
      for (int c = 0; c < vec_end; c += DVW) {
        dvec acc = {};
        for (int k = 0; k < K && k <= top; ++k) {
          const int num = top - k;
          if (num % s.stride) continue;
          const int t = num / s.stride;
          if (t < s.out_time) acc += dload(w + k * C + c) * dload(dyb + static_cast<std::ptrdiff_t>(t) * C + c);
        }
        dstore(out + c, acc);
      }
      for (int c = vec_end; c < C; ++c) {
        float acc = 0;
        for (int k = 0; k < K && k <= top; ++k) {
          const int num = top - k;
          if (num % s.stride) continue;
          const int t = num / s.stride;
          if (t < s.out_time) acc += w[k * C + c] * dyb[static_cast<std::ptrdiff_t>(t) * C + c];
        }
        out[c] = acc;
      }
    }
  }
}

void dw_backward(const DepthwiseShape& s, int batch, const float* x, const float* w, const float* dy, float* dw,
                 float* db, float* dx) {
  const int C = s.channels, K = s.kernel;
  const int vec_end = C - C % DVW;
  for (int i = 0; i < K * C; ++i) dw[i] = 0.0f;
  for (int c = 0; c < C; ++c) db[c] = 0.0f;
  for (int b = 0; b < batch; ++b) {
    const float* xb = x + static_cast<std::ptrdiff_t>(b) * s.in_time * C;
    const float* dyb = dy + static_cast<std::ptrdiff_t>(b) * s.out_time * C;
    for (int t = 0; t < s.out_time; ++t) {
      const Taps tp = taps_of(s, t);
      const float* xs = xb + static_cast<std::ptrdiff_t>(tp.start) * C;
      const float* d = dyb + static_cast<std::ptrdiff_t>(t) * C;
      for (int c = 0; c < vec_end; c += DVW) {
        const dvec dv = dload(d + c);
        dstore(db + c, dload(db + c) + dv);
        for (int k = tp.first; k < tp.end; ++k) dstore(dw + k * C + c, dload(dw + k * C + c) + dv * dload(xs + k * C + c));
      }
      for (int c = vec_end; c < C; ++c) {
        db[c] += d[c];
        for (int k = tp.first; k < tp.end; ++k) dw[k * C + c] += d[c] * xs[k * C + c];
      }
    }
  }
  if (dx) dw_input_grad(s, batch, w, dy, dx);
}

// ---- batch normalisation -----------------------------------------------------------------------------

constexpr std::int64_t kSumBlock = 64;  // rows per float partial sum
constexpr int kGroup = 4;               // vectors of channels kept in registers

// centered_moments for the nv <= kGroup vectors of channels from c0, all rows.
void moments_group(const float* a, const float* center, std::int64_t rows, int C, int c0, int nv, double* s1,
                   double* s2) {
  dvec ctr[kGroup] = {};
  for (int j = 0; j < nv; ++j) ctr[j] = dload(center + c0 + j * DVW);
  for (std::int64_t r0 = 0; r0 < rows; r0 += kSumBlock) {
    const std::int64_t r1 = r0 + kSumBlock < rows ? r0 + kSumBlock : rows;
    dvec pa[kGroup] = {}, pb[kGroup] = {};
    for (std::int64_t r = r0; r < r1; ++r) {
      const float* ar = a + r * C + c0;
#pragma GCC unroll 4
      for (int j = 0; j < kGroup; ++j) {
        if (j >= nv) break;
        const dvec d = dload(ar + j * DVW) - ctr[j];
        pa[j] += d;
        pb[j] += d * d;
      }
    }
    for (int j = 0; j < nv; ++j)
      for (int i = 0; i < DVW; ++i) {
        s1[c0 + j * DVW + i] += pa[j][i];
        s2[c0 + j * DVW + i] += pb[j][i];
      }
  }
}

void centered_moments(const float* a, const float* center, std::int64_t rows, int C, double* sum, double* sum_sq) {
  for (int c = 0; c < C; ++c) sum[c] = sum_sq[c] = 0.0;
  const int vec_end = C - C % DVW;
  for (int c0 = 0; c0 < vec_end; c0 += kGroup * DVW) {
    const int left = (vec_end - c0) / DVW;
    moments_group(a, center, rows, C, c0, left < kGroup ? left : kGroup, sum, sum_sq);
  }
  for (int c = vec_end; c < C; ++c)
    for (std::int64_t r0 = 0; r0 < rows; r0 += kSumBlock) {
      const std::int64_t r1 = r0 + kSumBlock < rows ? r0 + kSumBlock : rows;
      float pa = 0, pb = 0;
      for (std::int64_t r = r0; r < r1; ++r) {
        const float d = a[r * C + c] - center[c];
        pa += d;
        pb += d * d;
      }
      sum[c] += pa;
      sum_sq[c] += pb;
    }
}

// The normalised value of one vector (or float) of a batch norm, and its output before the ReLU: one
// definition for the forward pass and the gradient's mask, so both see the same bits.
template <typename V>
inline V bn_hat(V x, V mean, V inv_std) {
  return (x - mean) * inv_std;
}
template <typename V>
inline V bn_out(V h, V gamma, V beta) {
  return gamma * h + beta;
}

template <bool kRelu>
void normalize_rows(const BatchNormRows& p, const float* x, float* y) {
  const int C = p.C, vec_end = C - C % DVW;
  for (std::int64_t r = 0; r < p.rows; ++r) {
    const float* xr = x + r * C;
    float* yr = y + r * C;
    for (int c = 0; c < vec_end; c += DVW) {
      dvec v = bn_out(bn_hat(dload(xr + c), dload(p.mean + c), dload(p.inv_std + c)), dload(p.gamma + c),
                      dload(p.beta + c));
      if (kRelu) v = v > dvec{} ? v : dvec{};
      dstore(yr + c, v);
    }
    for (int c = vec_end; c < C; ++c) {
      const float v = bn_out(bn_hat(xr[c], p.mean[c], p.inv_std[c]), p.gamma[c], p.beta[c]);
      yr[c] = kRelu ? (v > 0.0f ? v : 0.0f) : v;
    }
  }
}

void normalize(const BatchNormRows& p, const float* x, float* y) {
  if (p.relu)
    normalize_rows<true>(p, x, y);
  else
    normalize_rows<false>(p, x, y);
}

// sum_dy[c] = sum_r dy'[r][c], sum_dy_xhat[c] = sum_r dy'[r][c] * xhat[r][c], with xhat recomputed from x
// and dy' = dy masked by the ReLU (0 where its output was) when p.relu.
template <bool kRelu>
void gradient_sums_rows(const BatchNormRows& p, const float* dy, const float* x, double* s1, double* s2) {
  const int C = p.C, vec_end = C - C % DVW;
  for (int c = 0; c < C; ++c) s1[c] = s2[c] = 0.0;
  for (int c0 = 0; c0 < vec_end; c0 += kGroup * DVW) {
    const int left = (vec_end - c0) / DVW, nv = left < kGroup ? left : kGroup;
    dvec m[kGroup] = {}, inv[kGroup] = {}, g[kGroup] = {}, b[kGroup] = {};
    for (int j = 0; j < nv; ++j) {
      m[j] = dload(p.mean + c0 + j * DVW);
      inv[j] = dload(p.inv_std + c0 + j * DVW);
      g[j] = dload(p.gamma + c0 + j * DVW);
      b[j] = dload(p.beta + c0 + j * DVW);
    }
    for (std::int64_t r0 = 0; r0 < p.rows; r0 += kSumBlock) {
      const std::int64_t r1 = r0 + kSumBlock < p.rows ? r0 + kSumBlock : p.rows;
      dvec pa[kGroup] = {}, pb[kGroup] = {};
      for (std::int64_t r = r0; r < r1; ++r) {
        const std::ptrdiff_t at = r * C + c0;
#pragma GCC unroll 4
        for (int j = 0; j < kGroup; ++j) {
          if (j >= nv) break;
          const dvec h = bn_hat(dload(x + at + j * DVW), m[j], inv[j]);
          dvec d = dload(dy + at + j * DVW);
          if (kRelu) d = bn_out(h, g[j], b[j]) > dvec{} ? d : dvec{};
          pa[j] += d;
          pb[j] += d * h;
        }
      }
      for (int j = 0; j < nv; ++j)
        for (int i = 0; i < DVW; ++i) {
          s1[c0 + j * DVW + i] += pa[j][i];
          s2[c0 + j * DVW + i] += pb[j][i];
        }
    }
  }
  for (int c = vec_end; c < C; ++c)
    for (std::int64_t r0 = 0; r0 < p.rows; r0 += kSumBlock) {
      const std::int64_t r1 = r0 + kSumBlock < p.rows ? r0 + kSumBlock : p.rows;
      float pa = 0, pb = 0;
      for (std::int64_t r = r0; r < r1; ++r) {
        const float h = bn_hat(x[r * C + c], p.mean[c], p.inv_std[c]);
        float d = dy[r * C + c];
        if (kRelu) d = bn_out(h, p.gamma[c], p.beta[c]) > 0.0f ? d : 0.0f;
        pa += d;
        pb += d * h;
      }
      s1[c] += pa;
      s2[c] += pb;
    }
}

void gradient_sums(const BatchNormRows& p, const float* dy, const float* x, double* sum_dy, double* sum_dy_xhat) {
  if (p.relu)
    gradient_sums_rows<true>(p, dy, x, sum_dy, sum_dy_xhat);
  else
    gradient_sums_rows<false>(p, dy, x, sum_dy, sum_dy_xhat);
}

// dx = a * dy' - b - xhat * k per channel (dy' and xhat as in gradient_sums).
template <bool kRelu>
void normalize_backward_rows(const BatchNormRows& p, const float* dy, const float* x, const float* a, const float* b,
                             const float* k, float* dx) {
  const int C = p.C, vec_end = C - C % DVW;
  for (std::int64_t r = 0; r < p.rows; ++r) {
    const float* dr = dy + r * C;
    const float* xr = x + r * C;
    float* out = dx + r * C;
    for (int c = 0; c < vec_end; c += DVW) {
      const dvec h = bn_hat(dload(xr + c), dload(p.mean + c), dload(p.inv_std + c));
      dvec d = dload(dr + c);
      if (kRelu) d = bn_out(h, dload(p.gamma + c), dload(p.beta + c)) > dvec{} ? d : dvec{};
      dstore(out + c, dload(a + c) * d - dload(b + c) - h * dload(k + c));
    }
    for (int c = vec_end; c < C; ++c) {
      const float h = bn_hat(xr[c], p.mean[c], p.inv_std[c]);
      float d = dr[c];
      if (kRelu) d = bn_out(h, p.gamma[c], p.beta[c]) > 0.0f ? d : 0.0f;
      out[c] = a[c] * d - b[c] - h * k[c];
    }
  }
}

void normalize_backward(const BatchNormRows& p, const float* dy, const float* x, const float* a, const float* b,
                        const float* k, float* dx) {
  if (p.relu)
    normalize_backward_rows<true>(p, dy, x, a, b, k, dx);
  else
    normalize_backward_rows<false>(p, dy, x, a, b, k, dx);
}

}  // namespace
}  // namespace tml::trainer::kernels
