// The matrix kernels (tml/trainer/kernels.h) against plain loops, for every build this CPU can run: sizes
// swept over primes and multiples of the vector widths so every tile and remainder path runs, strided and
// overlapping operands as the convolution uses them, bias and accumulate modes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "tml/trainer/kernels.h"
#include "tml/trainer/random.h"

using namespace tml::trainer;

namespace {

// Sums of up to ~100 products of magnitude <= 1 in float, against double: well under 1e-5 relative.
constexpr double kKernelRelTol = 1e-5;
constexpr double kKernelAbsTol = 1e-5;

// Largest |got - want| / (abs + rel * terms) over the compared values; <= 1 passes.
struct Worst {
  double ratio = 0;
  void add(float got, double want, double terms) {
    ratio = std::max(ratio, std::fabs(got - want) / (kKernelAbsTol + kKernelRelTol * terms));
  }
};

std::vector<float> random_vector(size_t n, Rng& rng) {
  std::vector<float> v(n);
  for (auto& x : v) x = rng.uniform(-1.0f, 1.0f);
  return v;
}

const int kSizes[] = {1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 24, 33, 40};

}  // namespace

TEST_CASE("gemm_nn matches plain loops for every shape and stride and mode", "[kernels]") {
  for (int t = 0; t < kernels::available_count(); ++t) {
    const auto& k = kernels::available(t);
    Rng rng(7);
    for (int M : kSizes)
      for (int N : kSizes)
        for (int K : {1, 3, 16, 45})
          for (int transposed = 0; transposed < 2; ++transposed) {
            // A is M x K, stored row-major (a_row = K, a_col = 1) or column-major (a_row = 1, a_col = M).
            const auto A = random_vector(static_cast<size_t>(M) * K, rng);
            const std::ptrdiff_t ar = transposed ? 1 : K, ac = transposed ? M : 1;
            const int ldb = N + 3, ldc = N + 2;
            const auto B = random_vector(static_cast<size_t>(K) * ldb, rng);
            const auto bias = random_vector(static_cast<size_t>(N), rng);
            const auto C0 = random_vector(static_cast<size_t>(M) * ldc, rng);
            for (int mode = 0; mode < 3; ++mode) {  // 0 overwrite, 1 overwrite + bias, 2 accumulate
              auto C = C0;
              k.gemm_nn(M, N, K, A.data(), ar, ac, B.data(), ldb, C.data(), ldc, mode == 1 ? bias.data() : nullptr,
                        mode == 2);
              Worst worst;
              bool padding_untouched = true;
              for (int m = 0; m < M; ++m) {
                for (int n = 0; n < N; ++n) {
                  double want = mode == 2 ? C0[m * ldc + n] : mode == 1 ? bias[n] : 0.0;
                  for (int kk = 0; kk < K; ++kk) want += double(A[m * ar + kk * ac]) * B[kk * ldb + n];
                  worst.add(C[m * ldc + n], want, K);
                }
                for (int n = N; n < ldc; ++n) padding_untouched = padding_untouched && C[m * ldc + n] == C0[m * ldc + n];
              }
              INFO(k.isa << " M " << M << " N " << N << " K " << K << " transposed " << transposed << " mode " << mode);
              REQUIRE(worst.ratio <= 1.0);
              REQUIRE(padding_untouched);
            }
          }
  }
}

TEST_CASE("gemm_nn columns past the last whole vector with a long inner dimension", "[kernels]") {
  // The leftover columns are computed from a zero-padded copy of B in chunks of 256 rows.
  for (int t = 0; t < kernels::available_count(); ++t) {
    const auto& k = kernels::available(t);
    Rng rng(13);
    for (int N : {3, 11})
      for (int K : {255, 256, 257, 600}) {
        const int M = 6;
        const auto A = random_vector(static_cast<size_t>(M) * K, rng);
        const auto B = random_vector(static_cast<size_t>(K) * N, rng);
        const auto bias = random_vector(static_cast<size_t>(N), rng);
        const auto C0 = random_vector(static_cast<size_t>(M) * N, rng);
        for (int mode = 0; mode < 3; ++mode) {
          auto C = C0;
          k.gemm_nn(M, N, K, A.data(), K, 1, B.data(), N, C.data(), N, mode == 1 ? bias.data() : nullptr, mode == 2);
          Worst worst;
          for (int m = 0; m < M; ++m)
            for (int n = 0; n < N; ++n) {
              double want = mode == 2 ? C0[m * N + n] : mode == 1 ? bias[n] : 0.0;
              for (int kk = 0; kk < K; ++kk) want += double(A[m * K + kk]) * B[kk * N + n];
              worst.add(C[m * N + n], want, K);
            }
          INFO(k.isa << " N " << N << " K " << K << " mode " << mode);
          REQUIRE(worst.ratio <= 1.0);
        }
      }
  }
}

TEST_CASE("gemm_nn accumulates into overlapping rows of C like a sequential scatter", "[kernels]") {
  // The convolution's input gradient: row m of the product is added at offset m * step, rows overlap.
  for (int t = 0; t < kernels::available_count(); ++t) {
    const auto& k = kernels::available(t);
    Rng rng(11);
    for (int M : {1, 5, 9, 98})
      for (int N : {3, 8, 15, 40})
        for (int step : {1, 3, 8}) {
          const int K = 16;
          const auto A = random_vector(static_cast<size_t>(M) * K, rng);
          const auto B = random_vector(static_cast<size_t>(K) * N, rng);
          const size_t len = static_cast<size_t>(M - 1) * step + N;
          std::vector<float> C(len, 0.0f);
          std::vector<double> want(len, 0.0);
          k.gemm_nn(M, N, K, A.data(), K, 1, B.data(), N, C.data(), step, nullptr, true);
          for (int m = 0; m < M; ++m)
            for (int n = 0; n < N; ++n)
              for (int kk = 0; kk < K; ++kk) want[m * step + n] += double(A[m * K + kk]) * B[kk * N + n];
          Worst worst;
          for (size_t i = 0; i < len; ++i) worst.add(C[i], want[i], K * ((N + step - 1) / step));
          INFO(k.isa << " M " << M << " N " << N << " step " << step);
          REQUIRE(worst.ratio <= 1.0);
        }
  }
}

TEST_CASE("gemm_nt matches plain loops", "[kernels]") {
  for (int t = 0; t < kernels::available_count(); ++t) {
    const auto& k = kernels::available(t);
    Rng rng(5);
    for (int M : kSizes)
      for (int N : kSizes)
        for (int K : {1, 4, 7, 8, 9, 31, 64, 100}) {
          const int lda = K + 1, ldb = K + 2, ldc = N + 1;
          const auto A = random_vector(static_cast<size_t>(M) * lda, rng);
          const auto B = random_vector(static_cast<size_t>(N) * ldb, rng);
          const auto bias = random_vector(static_cast<size_t>(N), rng);
          const auto C0 = random_vector(static_cast<size_t>(M) * ldc, rng);
          for (int mode = 0; mode < 3; ++mode) {
            auto C = C0;
            k.gemm_nt(M, N, K, A.data(), lda, B.data(), ldb, C.data(), ldc, mode == 1 ? bias.data() : nullptr, mode == 2);
            Worst worst;
            for (int m = 0; m < M; ++m)
              for (int n = 0; n < N; ++n) {
                double want = mode == 2 ? C0[m * ldc + n] : mode == 1 ? bias[n] : 0.0;
                for (int kk = 0; kk < K; ++kk) want += double(A[m * lda + kk]) * B[n * ldb + kk];
                worst.add(C[m * ldc + n], want, K);
              }
            INFO(k.isa << " M " << M << " N " << N << " K " << K << " mode " << mode);
            REQUIRE(worst.ratio <= 1.0);
          }
        }
  }
}

TEST_CASE("column sums add every row", "[kernels]") {
  Rng rng(17);
  for (int rows : {1, 3, 4, 7, 32, 33})
    for (int cols : {1, 5, 16}) {
      const auto m = random_vector(static_cast<size_t>(rows) * cols, rng);
      std::vector<float> out(static_cast<size_t>(cols)), scratch(static_cast<size_t>(4 * cols));
      kernels::column_sums(m.data(), rows, cols, out.data(), scratch.data());
      Worst worst;
      for (int c = 0; c < cols; ++c) {
        double want = 0;
        for (int r = 0; r < rows; ++r) want += m[static_cast<size_t>(r) * cols + c];
        worst.add(out[static_cast<size_t>(c)], want, rows);
      }
      INFO("rows " << rows << " cols " << cols);
      REQUIRE(worst.ratio <= 1.0);
    }
}

TEST_CASE("the chosen kernels are one of the available builds", "[kernels]") {
  const auto& chosen = kernels::kernels();
  bool found = false;
  for (int t = 0; t < kernels::available_count(); ++t) found = found || &kernels::available(t) == &chosen;
  CHECK(found);
  CHECK(kernels::available_count() >= 1);
}
