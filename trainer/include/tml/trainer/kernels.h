// The trainer's inner loops: two small-matrix products that every Dense and Conv1D pass is written in.
// Internal to the trainer; the header is public for its tests and benchmarks.
//
// Each is compiled twice from one source (gemm_impl.h): a baseline x86-64 version (SSE2, 4 floats per
// vector) and an AVX2+FMA version (8 floats per vector) used when the CPU has AVX2 and FMA. The choice is
// made once per process (kernels()); TML_ISA=generic in the environment forces the baseline. For a given
// choice the results are deterministic; the two versions may differ in the last bits (FMA rounds once).
//
// Row-major matrices with explicit strides; "ld" is the distance between rows in floats. Rows of A (and,
// when accumulating, of C) may overlap: that is how a convolution reads its input windows in place
// (row t of the patch matrix starts at input row t * stride) and scatters its input gradient back.
#pragma once

#include <cstddef>

namespace tml::trainer::kernels {

struct Table {
  const char* isa;  // "avx2+fma" or "sse2"

  // C[m][n] (=|+=) sum_k A(m, k) * B[k][n] for m < M, n < N, where A(m, k) = A[m * a_row + k * a_col].
  // B is row-major with row stride ldb; C has row stride ldc.
  // accumulate: add to C (rows of C may overlap; they are updated one row after another);
  // otherwise C is overwritten with the product plus bias[n] (bias may be null).
  void (*gemm_nn)(int M, int N, int K, const float* A, std::ptrdiff_t a_row, std::ptrdiff_t a_col,
                  const float* B, std::ptrdiff_t ldb, float* C, std::ptrdiff_t ldc, const float* bias,
                  bool accumulate);

  // C[m][n] (=|+=) sum_k A[m][k] * B[n][k]: dot products of rows of A with rows of B (both contiguous
  // along k, row strides lda and ldb). Same C, bias and accumulate rules as gemm_nn.
  void (*gemm_nt)(int M, int N, int K, const float* A, std::ptrdiff_t lda, const float* B,
                  std::ptrdiff_t ldb, float* C, std::ptrdiff_t ldc, const float* bias, bool accumulate);
};

// out[c] = sum over r < rows of m[r * cols + c] (a bias gradient), with the chosen kernels: four rows at a
// time as one row of 4 * cols so that the sums run in parallel. scratch holds at least 4 * cols floats.
void column_sums(const float* m, int rows, int cols, float* out, float* scratch);

// The kernels chosen for this CPU (AVX2+FMA if available unless TML_ISA=generic).
const Table& kernels();

// Every version this CPU can run, for tests that compare them with a reference.
int available_count();
const Table& available(int i);

// One table per build of gemm_impl.h.
const Table& table_generic();
const Table& table_avx2();  // only call when the CPU supports AVX2 and FMA

}  // namespace tml::trainer::kernels
