// The body of the two matrix-product kernels (kernels.h), written once with GCC vector types of TML_VW
// floats and compiled once per instruction set (gemm_generic.cc, gemm_avx2.cc).
//
// Everything here has internal linkage (anonymous namespace) and this file includes no library header
// that instantiates templates: each including file is compiled with different instruction-set flags,
// and no function built for AVX2 may be shared with (and picked by the linker for) the baseline build.
//
// Register blocking: a tile of R rows x NV vectors of C stays in registers while k runs; B's row k is
// loaded once per tile and each A(m, k) is broadcast once. R is chosen per NV so that the accumulators
// (R * NV) plus B's vectors fit the 16 vector registers of both SSE2 and AVX2.
#ifndef TML_VW
#error "define TML_VW (floats per vector) before including gemm_impl.h"
#endif

#include <cstddef>

namespace tml::trainer::kernels {
namespace {

using std::ptrdiff_t;

constexpr int VW = TML_VW;
typedef float vec __attribute__((vector_size(VW * sizeof(float))));

inline vec load(const float* p) {
  vec v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
inline void store(float* p, vec v) { __builtin_memcpy(p, &v, sizeof v); }
// s in every lane: subtracting +0 leaves every float (-0 included) unchanged, so the compiler emits one
// broadcast (adding 0 would not: -0 + 0 is +0, an extra add before each broadcast).
inline vec splat(float s) { return s - vec{}; }
inline float hsum(vec v) {
  float s = 0;
  for (int i = 0; i < VW; ++i) s += v[i];
  return s;
}
constexpr int min_int(int a, int b) { return a < b ? a : b; }

// Rows per tile for NV vectors per row (accumulators R * NV <= 12).
constexpr int rows_for(int nv) { return nv == 1 ? 8 : nv == 2 ? 6 : nv == 3 ? 4 : 3; }

// ---- gemm_nn ---------------------------------------------------------------------------------------

template <int R, int NV>
inline void nn_tile(int K, const float* A, ptrdiff_t ar, ptrdiff_t ac, const float* B, ptrdiff_t ldb,
                    float* C, ptrdiff_t ldc, const float* bias, bool accumulate) {
  vec acc[R][NV];
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) acc[r][j] = vec{};
  for (int k = 0; k < K; ++k) {
    const float* b = B + k * ldb;
    const float* a = A + k * ac;
    vec bv[NV];
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) bv[j] = load(b + j * VW);
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      const vec av = splat(a[r * ar]);
#pragma GCC unroll 4
      for (int j = 0; j < NV; ++j) acc[r][j] += av * bv[j];
    }
  }
  // One row after another: with accumulate, rows of C may overlap.
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r) {
    float* c = C + r * ldc;
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) {
      if (accumulate)
        store(c + j * VW, load(c + j * VW) + acc[r][j]);
      else if (bias)
        store(c + j * VW, acc[r][j] + load(bias + j * VW));
      else
        store(c + j * VW, acc[r][j]);
    }
  }
}

template <int NV, int Rr>
inline void nn_rest(int rows, int K, const float* A, ptrdiff_t ar, ptrdiff_t ac, const float* B,
                    ptrdiff_t ldb, float* C, ptrdiff_t ldc, const float* bias, bool accumulate) {
  if constexpr (Rr > 0) {
    if (rows == Rr)
      nn_tile<Rr, NV>(K, A, ar, ac, B, ldb, C, ldc, bias, accumulate);
    else
      nn_rest<NV, Rr - 1>(rows, K, A, ar, ac, B, ldb, C, ldc, bias, accumulate);
  }
}

// All M rows of one panel of NV vectors.
template <int NV>
void nn_panel(int M, int K, const float* A, ptrdiff_t ar, ptrdiff_t ac, const float* B, ptrdiff_t ldb,
              float* C, ptrdiff_t ldc, const float* bias, bool accumulate) {
  constexpr int R = rows_for(NV);
  int m = 0;
  for (; m + R <= M; m += R) nn_tile<R, NV>(K, A + m * ar, ar, ac, B, ldb, C + m * ldc, ldc, bias, accumulate);
  nn_rest<NV, R - 1>(M - m, K, A + m * ar, ar, ac, B, ldb, C + m * ldc, ldc, bias, accumulate);
}

// The last ncols < VW columns: B's columns copied into zero-padded vectors, K in chunks.
void nn_tail(int M, int ncols, int K, const float* A, ptrdiff_t ar, ptrdiff_t ac, const float* B,
             ptrdiff_t ldb, float* C, ptrdiff_t ldc, const float* bias, bool accumulate) {
  constexpr int kChunk = 256;
  constexpr int R = 4;
  float panel[kChunk * VW];
  for (int k0 = 0; k0 == 0 || k0 < K; k0 += kChunk) {
    const int kc = min_int(kChunk, K - k0);
    for (int k = 0; k < kc; ++k)
      for (int j = 0; j < VW; ++j) panel[k * VW + j] = j < ncols ? B[(k0 + k) * ldb + j] : 0.0f;
    const bool add = accumulate || k0 > 0;
    for (int m0 = 0; m0 < M; m0 += R) {
      const int rows = min_int(R, M - m0);
      vec acc[R] = {};
      for (int k = 0; k < kc; ++k) {
        const vec bv = load(panel + k * VW);
        for (int r = 0; r < rows; ++r) acc[r] += splat(A[(m0 + r) * ar + (k0 + k) * ac]) * bv;
      }
      for (int r = 0; r < rows; ++r) {
        float* c = C + (m0 + r) * ldc;
        for (int j = 0; j < ncols; ++j) c[j] = add ? c[j] + acc[r][j] : acc[r][j] + (bias ? bias[j] : 0.0f);
      }
    }
  }
}

void gemm_nn(int M, int N, int K, const float* A, ptrdiff_t ar, ptrdiff_t ac, const float* B, ptrdiff_t ldb,
             float* C, ptrdiff_t ldc, const float* bias, bool accumulate) {
  int n = 0;
  for (; N - n >= 4 * VW; n += 4 * VW)
    nn_panel<4>(M, K, A, ar, ac, B + n, ldb, C + n, ldc, bias ? bias + n : nullptr, accumulate);
  const int nv = (N - n) / VW;
  const float* bn = bias ? bias + n : nullptr;
  if (nv == 3) nn_panel<3>(M, K, A, ar, ac, B + n, ldb, C + n, ldc, bn, accumulate);
  if (nv == 2) nn_panel<2>(M, K, A, ar, ac, B + n, ldb, C + n, ldc, bn, accumulate);
  if (nv == 1) nn_panel<1>(M, K, A, ar, ac, B + n, ldb, C + n, ldc, bn, accumulate);
  n += nv * VW;
  if (n < N) nn_tail(M, N - n, K, A, ar, ac, B + n, ldb, C + n, ldc, bias ? bias + n : nullptr, accumulate);
}

// ---- gemm_nt ---------------------------------------------------------------------------------------

template <int R, int S>
inline void nt_tile(int K, const float* A, ptrdiff_t lda, const float* B, ptrdiff_t ldb, float* C,
                    ptrdiff_t ldc, const float* bias, bool accumulate) {
  vec acc[R][S];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
    for (int s = 0; s < S; ++s) acc[r][s] = vec{};
  int k = 0;
  for (; k + VW <= K; k += VW) {
    vec av[R];
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) av[r] = load(A + r * lda + k);
#pragma GCC unroll 8
    for (int s = 0; s < S; ++s) {
      const vec bv = load(B + s * ldb + k);
#pragma GCC unroll 8
      for (int r = 0; r < R; ++r) acc[r][s] += av[r] * bv;
    }
  }
  float tail[R][S] = {};
  for (; k < K; ++k)
    for (int r = 0; r < R; ++r)
      for (int s = 0; s < S; ++s) tail[r][s] += A[r * lda + k] * B[s * ldb + k];
  for (int r = 0; r < R; ++r) {
    float* c = C + r * ldc;
    for (int s = 0; s < S; ++s) {
      const float v = hsum(acc[r][s]) + tail[r][s];
      c[s] = accumulate ? c[s] + v : v + (bias ? bias[s] : 0.0f);
    }
  }
}

constexpr int kNtRows = 4;
constexpr int kNtCols = 3;

template <int R, int S>
inline void nt_rest_cols(int cols, int K, const float* A, ptrdiff_t lda, const float* B, ptrdiff_t ldb,
                         float* C, ptrdiff_t ldc, const float* bias, bool accumulate) {
  if constexpr (S > 0) {
    if (cols == S)
      nt_tile<R, S>(K, A, lda, B, ldb, C, ldc, bias, accumulate);
    else
      nt_rest_cols<R, S - 1>(cols, K, A, lda, B, ldb, C, ldc, bias, accumulate);
  }
}

template <int R>
inline void nt_rows(int N, int K, const float* A, ptrdiff_t lda, const float* B, ptrdiff_t ldb, float* C,
                    ptrdiff_t ldc, const float* bias, bool accumulate) {
  int n = 0;
  for (; n + kNtCols <= N; n += kNtCols)
    nt_tile<R, kNtCols>(K, A, lda, B + n * ldb, ldb, C + n, ldc, bias ? bias + n : nullptr, accumulate);
  nt_rest_cols<R, kNtCols - 1>(N - n, K, A, lda, B + n * ldb, ldb, C + n, ldc, bias ? bias + n : nullptr,
                               accumulate);
}

template <int R>
inline void nt_rest_rows(int rows, int N, int K, const float* A, ptrdiff_t lda, const float* B,
                         ptrdiff_t ldb, float* C, ptrdiff_t ldc, const float* bias, bool accumulate) {
  if constexpr (R > 0) {
    if (rows == R)
      nt_rows<R>(N, K, A, lda, B, ldb, C, ldc, bias, accumulate);
    else
      nt_rest_rows<R - 1>(rows, N, K, A, lda, B, ldb, C, ldc, bias, accumulate);
  }
}

void gemm_nt(int M, int N, int K, const float* A, ptrdiff_t lda, const float* B, ptrdiff_t ldb, float* C,
             ptrdiff_t ldc, const float* bias, bool accumulate) {
  int m = 0;
  for (; m + kNtRows <= M; m += kNtRows)
    nt_rows<kNtRows>(N, K, A + m * lda, lda, B, ldb, C + m * ldc, ldc, bias, accumulate);
  nt_rest_rows<kNtRows - 1>(M - m, N, K, A + m * lda, lda, B, ldb, C + m * ldc, ldc, bias, accumulate);
}

}  // namespace
}  // namespace tml::trainer::kernels
