// tml_softmax_s8 against hand values and a double-precision softmax rounded to the 1/256 grid.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "quant_reference.h"
#include "tml/kernels.h"
#include "tml/status.h"

using namespace tml::test;

namespace {

int32_t multiplier_for(double input_scale) {
  int32_t m = 0;
  REQUIRE(tml_softmax_s8_exp_multiplier(input_scale, &m) == TML_OK);
  return m;
}

std::vector<int8_t> run_kernel(int32_t m, int32_t time, int32_t n, const std::vector<int8_t>& x) {
  const tml_softmax_params p = {m};
  const tml_dims dims = {time, n};
  std::vector<int8_t> y(x.size() + 2, 0x55);
  tml_softmax_s8(&p, &dims, x.data(), y.data());
  CHECK(y[x.size()] == 0x55);
  y.resize(x.size());
  return y;
}

// The exactly rounded int8 softmax of one row, with the multiplier's own (quantized) scale.
std::vector<int> reference_row(const int8_t* x, int n, int32_t m) {
  const double scale = m / (1.4426950408889634 * 1048576.0);  // what the kernel actually computes with
  const int max = *std::max_element(x, x + n);
  double sum = 0;
  for (int c = 0; c < n; ++c) sum += std::exp(-scale * (max - x[c]));
  std::vector<int> out(n);
  for (int c = 0; c < n; ++c) out[c] = std::min(255, int(std::round(256 * std::exp(-scale * (max - x[c])) / sum))) - 128;
  return out;
}

}  // namespace

TEST_CASE("softmax: exp multiplier helper", "[kernels][softmax]") {
  int32_t m = 0;
  CHECK(tml_softmax_s8_exp_multiplier(0.1, &m) == TML_OK);
  CHECK(m == 151278);  // 0.1 * log2(e) * 2^20 = 151277.8
  CHECK(tml_softmax_s8_exp_multiplier(1e-9, &m) == TML_ERR_ARG);
  CHECK(tml_softmax_s8_exp_multiplier(6.0, &m) == TML_ERR_ARG);
  CHECK(tml_softmax_s8_exp_multiplier(-1.0, &m) == TML_ERR_ARG);
  CHECK(tml_softmax_s8_exp_multiplier(std::nan(""), &m) == TML_ERR_ARG);
  CHECK(tml_softmax_s8_exp_multiplier(0.1, nullptr) == TML_ERR_ARG);
}

TEST_CASE("softmax: hand values", "[kernels][softmax]") {
  const int32_t m = multiplier_for(0.1);
  // Equal inputs: 1/4 each = 64/256 -> -64.
  CHECK(run_kernel(m, 1, 4, {5, 5, 5, 5}) == std::vector<int8_t>{-64, -64, -64, -64});
  // One class: probability 1 saturates at 255/256.
  CHECK(run_kernel(m, 1, 1, {-3}) == std::vector<int8_t>{127});
  // Far apart with a coarse input scale: one-hot.
  const int32_t coarse = multiplier_for(1.0);
  CHECK(run_kernel(coarse, 1, 3, {127, -128, 0}) == std::vector<int8_t>{127, -128, -128});
  // Two classes 10 steps of 0.0693 apart (ln 2 in total): probabilities 2/3 and 1/3 -> 171 and 85.
  const int32_t ln2 = multiplier_for(std::log(2.0) / 10);
  CHECK(run_kernel(ln2, 1, 2, {20, 10}) == std::vector<int8_t>{171 - 128, 85 - 128});
  // Rows are independent.
  CHECK(run_kernel(m, 2, 2, {0, 0, 1, 1}) == std::vector<int8_t>{0, 0, 0, 0});
}

TEST_CASE("softmax: within one step of the exact softmax / mostly exact", "[kernels][softmax]") {
  std::mt19937 rng(61);
  std::uniform_real_distribution<double> log_scale(std::log(2e-3), std::log(2.0));
  int total = 0, exact = 0;
  for (int rep = 0; rep < 3000; ++rep) {
    const int n = 1 + rep % 13;
    const int32_t m = multiplier_for(std::exp(log_scale(rng)));
    const auto x = random_s8(rng, n);
    const auto y = run_kernel(m, 1, n, x);
    const auto expect = reference_row(x.data(), n, m);
    for (int c = 0; c < n; ++c) {
      REQUIRE(std::abs(y[c] - expect[c]) <= 1);
      exact += y[c] == expect[c];
      ++total;
    }
  }
  CHECK(exact >= total * 99 / 100);
}
