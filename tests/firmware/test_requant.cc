// The rounding rule (requant.h) against hand-derived values and an independent 128-bit reference.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>

#include "quant_reference.h"
#include "tml/requant.h"
#include "tml/status.h"

using namespace tml::test;

TEST_CASE("saturating rounding doubling high mul: hand values and the one overflow", "[requant]") {
  // a * b / 2^31 rounded, ties toward +infinity.
  CHECK(tml_saturating_rounding_doubling_high_mul(1 << 30, 1 << 30) == (1 << 29));
  CHECK(tml_saturating_rounding_doubling_high_mul(3, 1 << 30) == 2);     // 1.5 -> 2
  CHECK(tml_saturating_rounding_doubling_high_mul(-3, 1 << 30) == -1);   // -1.5 -> -1 (tie goes up)
  CHECK(tml_saturating_rounding_doubling_high_mul(-5, 1 << 30) == -2);   // -2.5 -> -2
  CHECK(tml_saturating_rounding_doubling_high_mul(-7, 1 << 29) == -2);   // -1.75 -> -2
  CHECK(tml_saturating_rounding_doubling_high_mul(1, 1 << 29) == 0);     // 0.25 -> 0
  CHECK(tml_saturating_rounding_doubling_high_mul(INT32_MIN, INT32_MIN) == INT32_MAX);
  CHECK(tml_saturating_rounding_doubling_high_mul(INT32_MIN, INT32_MAX) == -INT32_MAX);
}

TEST_CASE("rounding divide by power of two: ties away from zero", "[requant]") {
  CHECK(tml_rounding_divide_by_pot(5, 1) == 3);     // 2.5
  CHECK(tml_rounding_divide_by_pot(-5, 1) == -3);   // -2.5
  CHECK(tml_rounding_divide_by_pot(7, 2) == 2);     // 1.75
  CHECK(tml_rounding_divide_by_pot(-7, 2) == -2);
  CHECK(tml_rounding_divide_by_pot(-6, 2) == -2);   // -1.5
  CHECK(tml_rounding_divide_by_pot(-5, 2) == -1);   // -1.25
  CHECK(tml_rounding_divide_by_pot(12345, 0) == 12345);
  CHECK(tml_rounding_divide_by_pot(INT32_MAX, 31) == 1);
  CHECK(tml_rounding_divide_by_pot(INT32_MIN, 31) == -1);
  CHECK(tml_rounding_divide_by_pot(-(1 << 30), 31) == -1);  // -0.5 -> -1
  CHECK(tml_rounding_divide_by_pot((1 << 30) - 1, 31) == 0);
}

TEST_CASE("multiply by quantized multiplier: hand values", "[requant]") {
  // 0.5 = 2^30 * 2^(0-31): 7 * 0.5 = 3.5 -> 4 (step 2 ties up)
  CHECK(tml_multiply_by_quantized_multiplier(7, 1 << 30, 0) == 4);
  CHECK(tml_multiply_by_quantized_multiplier(-7, 1 << 30, 0) == -3);
  // 0.25 = 2^30 with shift -1: step 2 gives 7 * 2^30 / 2^31 = 3.5 -> 4, step 3 halves it -> 2.
  CHECK(tml_multiply_by_quantized_multiplier(7, 1 << 30, -1) == 2);
  // The double rounding differs from one rounding here: 5 * 0.25 = 1.25 -> exact rounding 1, but
  // step 2: 2.5 -> 3, step 3: 1.5 -> 2.
  CHECK(tml_multiply_by_quantized_multiplier(5, 1 << 30, -1) == 2);
  // 1.5 = 0.75 * 2^1: 10 * 1.5 = 15
  CHECK(tml_multiply_by_quantized_multiplier(10, 1610612736, 1) == 15);
  // The left shift wraps in 32 bits, as the reference's int32 multiplication does on every target.
  CHECK(tml_multiply_by_quantized_multiplier(1 << 30, 1 << 30, 2) == 0);
  CHECK(tml_multiply_by_quantized_multiplier(123456, 0, 0) == 0);
}

TEST_CASE("multiply by quantized multiplier matches the 128-bit reference", "[requant]") {
  std::mt19937 rng(1);
  std::uniform_int_distribution<int32_t> any(INT32_MIN, INT32_MAX);
  std::uniform_int_distribution<int32_t> mult((1 << 30), INT32_MAX);
  std::uniform_int_distribution<int32_t> shift(-31, 30);
  std::uniform_int_distribution<int32_t> small(-100000, 100000);
  for (int i = 0; i < 200000; ++i) {
    const int32_t x = (i % 2) ? any(rng) : small(rng);
    const int32_t m = (i % 7 == 0) ? (1 << 30) : mult(rng);
    const int32_t s = shift(rng);
    REQUIRE(tml_multiply_by_quantized_multiplier(x, m, s) == ref_multiply_by_quantized_multiplier(x, m, s));
  }
  // Every shift with values near rounding ties.
  for (int32_t s = -31; s <= 30; ++s)
    for (int32_t x = -1000; x <= 1000; ++x)
      REQUIRE(tml_multiply_by_quantized_multiplier(x, 1 << 30, s) == ref_multiply_by_quantized_multiplier(x, 1 << 30, s));
}

TEST_CASE("requantize_s8 adds the zero point and clamps without overflow", "[requant]") {
  CHECK(tml_requantize_s8(100, 1 << 30, 0, 5, -128, 127) == 55);
  CHECK(tml_requantize_s8(1000, 1 << 30, 0, 5, -128, 127) == 127);
  CHECK(tml_requantize_s8(-1000, 1 << 30, 0, 5, -128, 127) == -128);
  CHECK(tml_requantize_s8(-10, 1 << 30, 0, 5, 5, 127) == 5);  // fused ReLU: act_min = zero point
  // Results near INT32_MAX: the clamp comes before the zero point is added.
  CHECK(tml_requantize_s8(INT32_MAX, INT32_MAX, 0, 127, -128, 127) == 127);
  CHECK(tml_requantize_s8(INT32_MIN + 5, INT32_MAX, 0, -128, -128, 127) == -128);
  CHECK(tml_requantize_s8(INT32_MIN, INT32_MAX, 0, -128, -128, 127) == -128);
}

TEST_CASE("quantize_multiplier: hand values and TFLite's limits", "[requant]") {
  int32_t m = -1, s = -1;
  REQUIRE(tml_quantize_multiplier(0.5, &m, &s) == TML_OK);
  CHECK((m == (1 << 30) && s == 0));
  REQUIRE(tml_quantize_multiplier(1.0, &m, &s) == TML_OK);
  CHECK((m == (1 << 30) && s == 1));
  REQUIRE(tml_quantize_multiplier(0.75, &m, &s) == TML_OK);
  CHECK((m == 1610612736 && s == 0));
  REQUIRE(tml_quantize_multiplier(0.0, &m, &s) == TML_OK);
  CHECK((m == 0 && s == 0));
  // q = 1 - 2^-40 rounds up to 2^31: becomes 2^30 with the exponent one higher.
  REQUIRE(tml_quantize_multiplier(std::ldexp(1.0 - std::ldexp(1.0, -40), -3), &m, &s) == TML_OK);
  CHECK((m == (1 << 30) && s == -2));
  // Below 2^-32: everything shifts out.
  REQUIRE(tml_quantize_multiplier(std::ldexp(0.7, -32), &m, &s) == TML_OK);
  CHECK((m == 0 && s == 0));
  REQUIRE(tml_quantize_multiplier(std::ldexp(0.7, -31), &m, &s) == TML_OK);
  CHECK(s == -31);
  REQUIRE(tml_quantize_multiplier(4.9e-324, &m, &s) == TML_OK);  // subnormal
  CHECK((m == 0 && s == 0));
  REQUIRE(tml_quantize_multiplier(std::ldexp(0.6, 40), &m, &s) == TML_OK);
  CHECK((m == INT32_MAX && s == 30));
  CHECK(tml_quantize_multiplier(-0.5, &m, &s) == TML_ERR_ARG);
  CHECK(tml_quantize_multiplier(std::numeric_limits<double>::infinity(), &m, &s) == TML_ERR_ARG);
  CHECK(tml_quantize_multiplier(std::numeric_limits<double>::quiet_NaN(), &m, &s) == TML_ERR_ARG);
  CHECK(tml_quantize_multiplier(0.5, nullptr, &s) == TML_ERR_ARG);
}

TEST_CASE("quantize_multiplier matches frexp and round", "[requant]") {
  std::mt19937 rng(2);
  std::uniform_real_distribution<double> mant(0.5, 1.0);
  std::uniform_int_distribution<int> exp(-40, 35);
  for (int i = 0; i < 100000; ++i) {
    const double real = std::ldexp(mant(rng), exp(rng));
    int32_t m = 0, s = 0, rm = 0, rs = 0;
    REQUIRE(tml_quantize_multiplier(real, &m, &s) == TML_OK);
    ref_quantize_multiplier(real, &rm, &rs);
    REQUIRE(m == rm);
    REQUIRE(s == rs);
    if (m != 0 && s > -31 && s < 30) {
      // The pair stands for the real multiplier within half a Q31 step.
      CHECK(std::fabs(real_multiplier(m, s) - real) <= std::ldexp(0.5, s - 31) * 1.000001);
    }
  }
}
