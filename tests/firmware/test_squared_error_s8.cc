// The anomaly kernels (tml/kernels.h): tml_squared_error_s8 (reference against the formula, optimized
// against the reference byte for byte over lengths around every multiple of 4, unaligned pointers and
// the extremes -128/127 that give the largest squares) and tml_nearest_centre_s8 (the nearest centre,
// the first on ties).
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <vector>

#include "quant_reference.h"
#include "tml/kernels.h"

using namespace tml::test;

namespace {

int64_t formula(const int8_t* a, const int8_t* b, int32_t n) {
  int64_t s = 0;
  for (int32_t i = 0; i < n; ++i) s += (int64_t{a[i]} - b[i]) * (int64_t{a[i]} - b[i]);
  return s;
}

}  // namespace

TEST_CASE("squared error: reference equals the formula and the optimized set equals the reference", "[kernels][anomaly]") {
  std::mt19937 rng(12);
  std::vector<int8_t> a, b;
  for (int32_t n = 1; n <= 70; ++n) {
    for (int offset = 0; offset < 4; ++offset) {  // every alignment of both vectors
      a = random_s8(rng, size_t(n) + 4);
      b = random_s8(rng, size_t(n) + 4);
      const int8_t* pa = a.data() + offset;
      const int8_t* pb = b.data() + (3 - offset);
      const int32_t ref = tml_squared_error_s8_ref(n, pa, pb);
      INFO("n " << n << " offset " << offset);
      CHECK(int64_t{ref} == formula(pa, pb, n));
      CHECK(tml_squared_error_s8_opt(n, pa, pb) == ref);
      CHECK(tml_squared_error_s8(n, pa, pb) == ref);
    }
  }
  // The largest sums: every difference is 255 (or -255), up to the documented maximum length.
  for (int32_t n : {1, 3, 4, 5, 1023, 4096, 33025}) {
    std::vector<int8_t> lo(size_t(n), -128), hi(size_t(n), 127);
    INFO("n " << n);
    CHECK(int64_t{tml_squared_error_s8_ref(n, lo.data(), hi.data())} == int64_t{n} * 65025);
    CHECK(tml_squared_error_s8_opt(n, lo.data(), hi.data()) == tml_squared_error_s8_ref(n, lo.data(), hi.data()));
    CHECK(tml_squared_error_s8_opt(n, hi.data(), lo.data()) == tml_squared_error_s8_ref(n, hi.data(), lo.data()));
    CHECK(tml_squared_error_s8_opt(n, hi.data(), hi.data()) == 0);
  }
}

TEST_CASE("nearest centre: the smallest squared distance and the first on ties", "[kernels][anomaly]") {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 200; ++trial) {
    const int32_t dims = std::uniform_int_distribution<int32_t>(1, 40)(rng);
    const int32_t k = std::uniform_int_distribution<int32_t>(1, 9)(rng);
    const std::vector<int8_t> x = random_s8(rng, size_t(dims));
    std::vector<int8_t> centres = random_s8(rng, size_t(dims * k));
    if (k > 2 && trial % 3 == 0)  // a duplicated centre: the first copy wins
      std::copy(centres.begin() + dims, centres.begin() + 2 * dims, centres.begin() + 2 * dims);
    int32_t best = -1;
    int64_t best_d2 = INT64_MAX;
    for (int32_t c = 0; c < k; ++c) {
      const int64_t d2 = formula(x.data(), centres.data() + c * dims, dims);
      if (d2 < best_d2) {
        best_d2 = d2;
        best = c;
      }
    }
    int32_t d2 = -1;
    INFO("trial " << trial);
    CHECK(tml_nearest_centre_s8(dims, x.data(), k, centres.data(), &d2) == best);
    CHECK(int64_t{d2} == best_d2);
  }
  // A vector equal to a centre is at distance 0 from it.
  const std::vector<int8_t> c = {1, 2, 3, -4, 5, 6, 7, 8, 9};
  int32_t d2 = -1;
  CHECK(tml_nearest_centre_s8(3, c.data() + 6, 3, c.data(), &d2) == 2);
  CHECK(d2 == 0);
}
