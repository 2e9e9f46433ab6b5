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

void dw_forward(const DepthwiseShape& s, int batch, const float* x, const float* w, const float* bias, float* y) {
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

void dw_backward(const DepthwiseShape& s, int batch, const float* x, const float* w, const float* dy, float* dw,
                 float* db, float* dx) {
  const int C = s.channels, K = s.kernel;
  const int vec_end = C - C % DVW;
  for (int i = 0; i < K * C; ++i) dw[i] = 0.0f;
  for (int c = 0; c < C; ++c) db[c] = 0.0f;
  if (dx)
    for (std::ptrdiff_t i = 0, n = static_cast<std::ptrdiff_t>(batch) * s.in_time * C; i < n; ++i) dx[i] = 0.0f;
  for (int b = 0; b < batch; ++b) {
    const std::ptrdiff_t in_off = static_cast<std::ptrdiff_t>(b) * s.in_time * C;
    const float* xb = x + in_off;
    const float* dyb = dy + static_cast<std::ptrdiff_t>(b) * s.out_time * C;
    for (int t = 0; t < s.out_time; ++t) {
      const Taps tp = taps_of(s, t);
      const std::ptrdiff_t step = static_cast<std::ptrdiff_t>(tp.start) * C;
      const float* xs = xb + step;
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
      if (!dx) continue;
      float* dxs = dx + in_off + step;
      for (int c = 0; c < vec_end; c += DVW) {
        const dvec dv = dload(d + c);
        for (int k = tp.first; k < tp.end; ++k)
          dstore(dxs + k * C + c, dload(dxs + k * C + c) + dload(w + k * C + c) * dv);
      }
      for (int c = vec_end; c < C; ++c)
        for (int k = tp.first; k < tp.end; ++k) dxs[k * C + c] += w[k * C + c] * d[c];
    }
  }
}


// ---- batch normalisation -----------------------------------------------------------------------------

constexpr std::int64_t kSumBlock = 64;  // rows per float partial sum
constexpr int kGroup = 4;               // vectors of channels kept in registers

// Lane-wise select: v where m > 0, else 0 (the ReLU's gradient mask).
inline dvec masked(dvec v, dvec m) { return m > dvec{} ? v : dvec{}; }

// The sums of channel_sums for the nv <= kGroup vectors of channels from c0, all rows.
template <bool kProducts, bool kMask>
void sums_group(const float* a, const float* b, const float* center, const float* mask, std::int64_t rows, int C,
                int c0, int nv, double* s1, double* s2) {
  dvec ctr[kGroup] = {};
  if (!kProducts)
    for (int j = 0; j < nv; ++j) ctr[j] = dload(center + c0 + j * DVW);
  for (std::int64_t r0 = 0; r0 < rows; r0 += kSumBlock) {
    const std::int64_t r1 = r0 + kSumBlock < rows ? r0 + kSumBlock : rows;
    dvec pa[kGroup] = {}, pb[kGroup] = {};
    for (std::int64_t r = r0; r < r1; ++r) {
      const std::ptrdiff_t at = r * C + c0;
#pragma GCC unroll 4
      for (int j = 0; j < kGroup; ++j) {
        if (j >= nv) break;
        dvec v = dload(a + at + j * DVW);
        if (kMask) v = masked(v, dload(mask + at + j * DVW));
        if (kProducts) {
          pa[j] += v;
          pb[j] += v * dload(b + at + j * DVW);
        } else {
          const dvec d = v - ctr[j];
          pa[j] += d;
          pb[j] += d * d;
        }
      }
    }
    for (int j = 0; j < nv; ++j)
      for (int i = 0; i < DVW; ++i) {
        s1[c0 + j * DVW + i] += pa[j][i];
        s2[c0 + j * DVW + i] += pb[j][i];
      }
  }
}

template <bool kProducts, bool kMask>
void sums_all(const float* a, const float* b, const float* center, const float* mask, std::int64_t rows, int C,
              double* s1, double* s2) {
  for (int c = 0; c < C; ++c) s1[c] = s2[c] = 0.0;
  const int vec_end = C - C % DVW;
  for (int c0 = 0; c0 < vec_end; c0 += kGroup * DVW) {
    const int left = (vec_end - c0) / DVW;
    sums_group<kProducts, kMask>(a, b, center, mask, rows, C, c0, left < kGroup ? left : kGroup, s1, s2);
  }
  for (int c = vec_end; c < C; ++c)
    for (std::int64_t r0 = 0; r0 < rows; r0 += kSumBlock) {
      const std::int64_t r1 = r0 + kSumBlock < rows ? r0 + kSumBlock : rows;
      float pa = 0, pb = 0;
      for (std::int64_t r = r0; r < r1; ++r) {
        float v = a[r * C + c];
        if (kMask) v = mask[r * C + c] > 0.0f ? v : 0.0f;
        if (kProducts) {
          pa += v;
          pb += v * b[r * C + c];
        } else {
          const float d = v - center[c];
          pa += d;
          pb += d * d;
        }
      }
      s1[c] += pa;
      s2[c] += pb;
    }
}

void centered_moments(const float* a, const float* center, std::int64_t rows, int C, double* sum, double* sum_sq) {
  sums_all<false, false>(a, nullptr, center, nullptr, rows, C, sum, sum_sq);
}

void masked_sums(const float* a, const float* b, const float* mask, std::int64_t rows, int C, double* sum_a,
                 double* sum_ab) {
  if (mask)
    sums_all<true, true>(a, b, nullptr, mask, rows, C, sum_a, sum_ab);
  else
    sums_all<true, false>(a, b, nullptr, nullptr, rows, C, sum_a, sum_ab);
}

template <bool kRelu>
void normalize_rows(const float* x, const float* mean, const float* inv_std, const float* gamma, const float* beta,
                    std::int64_t rows, int C, float* xhat, float* y) {
  const int vec_end = C - C % DVW;
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * C;
    float* hr = xhat + r * C;
    float* yr = y + r * C;
    for (int c = 0; c < vec_end; c += DVW) {
      const dvec h = (dload(xr + c) - dload(mean + c)) * dload(inv_std + c);
      dstore(hr + c, h);
      dvec v = dload(gamma + c) * h + dload(beta + c);
      if (kRelu) v = v > dvec{} ? v : dvec{};
      dstore(yr + c, v);
    }
    for (int c = vec_end; c < C; ++c) {
      const float h = (xr[c] - mean[c]) * inv_std[c];
      hr[c] = h;
      const float v = gamma[c] * h + beta[c];
      yr[c] = kRelu ? (v > 0.0f ? v : 0.0f) : v;
    }
  }
}

void normalize(const float* x, const float* mean, const float* inv_std, const float* gamma, const float* beta,
               std::int64_t rows, int C, bool relu, float* xhat, float* y) {
  if (relu)
    normalize_rows<true>(x, mean, inv_std, gamma, beta, rows, C, xhat, y);
  else
    normalize_rows<false>(x, mean, inv_std, gamma, beta, rows, C, xhat, y);
}

template <bool kMask>
void normalize_backward_rows(const float* dy, const float* mask, const float* xhat, const float* a, const float* b,
                             const float* k, std::int64_t rows, int C, float* dx) {
  const int vec_end = C - C % DVW;
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* dr = dy + r * C;
    const float* hr = xhat + r * C;
    float* out = dx + r * C;
    for (int c = 0; c < vec_end; c += DVW) {
      dvec d = dload(dr + c);
      if (kMask) d = masked(d, dload(mask + r * C + c));
      dstore(out + c, dload(a + c) * d - dload(b + c) - dload(hr + c) * dload(k + c));
    }
    for (int c = vec_end; c < C; ++c) {
      float d = dr[c];
      if (kMask) d = mask[r * C + c] > 0.0f ? d : 0.0f;
      out[c] = a[c] * d - b[c] - hr[c] * k[c];
    }
  }
}

void normalize_backward(const float* dy, const float* mask, const float* xhat, const float* a, const float* b,
                        const float* k, std::int64_t rows, int C, float* dx) {
  if (mask)
    normalize_backward_rows<true>(dy, mask, xhat, a, b, k, rows, C, dx);
  else
    normalize_backward_rows<false>(dy, nullptr, xhat, a, b, k, rows, C, dx);
}

}  // namespace
}  // namespace tml::trainer::kernels
