// The front ends' own logarithms and square root (tml/fmath.h) against double precision: the error of
// each logarithm in ulps of the float result, over every binade (subnormals included), and the square
// root against the IEEE operation. The on-board self-test checks that the board computes the same bits.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>

#include "tml/fmath.h"

namespace {

float from_bits(uint32_t b) {
  float v;
  std::memcpy(&v, &b, sizeof v);
  return v;
}
uint32_t bits_of(float v) {
  uint32_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

// |got - exact| in units of the last place of the float nearest to `exact`.
double ulp_error(float got, double exact) {
  const double nearest = static_cast<float>(exact);
  int e = 0;
  std::frexp(nearest == 0.0 ? std::numeric_limits<float>::min() : nearest, &e);
  const double ulp = std::ldexp(1.0, std::max(e - 24, -149));
  return std::fabs(static_cast<double>(got) - exact) / ulp;
}

// Every positive finite float's biased exponent 0 (subnormals) .. 254, with 4096 significands each: the
// edges (0, 1, the largest) and the rest random. Calls f(x) for each.
template <typename F>
void sweep_binades(F&& f) {
  std::mt19937 rng(11);
  for (uint32_t exponent = 0; exponent <= 254; ++exponent) {
    for (uint32_t i = 0; i < 4096; ++i) {
      uint32_t mantissa = i == 0 ? 0 : i == 1 ? 1 : i == 2 ? 0x7FFFFF : rng() & 0x7FFFFF;
      if (exponent == 0 && mantissa == 0) mantissa = 1;  // the smallest subnormal, not zero
      f(from_bits(exponent << 23 | mantissa));
    }
  }
}

struct Worst {
  double ulps = 0;
  float at = 0;
  void add(float x, double e) {
    if (e > ulps) {
      ulps = e;
      at = x;
    }
  }
};

}  // namespace

TEST_CASE("fmath: logarithms within 0.83 ulp of the exact value over every binade", "[fmath]") {
  Worst ln, log2, log10;
  long correctly_rounded = 0, count = 0;
  sweep_binades([&](float x) {
    const double xd = x;
    const float y = tml_logf(x);
    ln.add(x, ulp_error(y, std::log(xd)));
    log2.add(x, ulp_error(tml_log2f(x), std::log2(xd)));
    log10.add(x, ulp_error(tml_log10f(x), std::log10(xd)));
    correctly_rounded += y == static_cast<float>(std::log(xd));
    ++count;
  });
  INFO("ln " << ln.ulps << " ulp at " << ln.at << ", log2 " << log2.ulps << " at " << log2.at << ", log10 "
             << log10.ulps << " at " << log10.at << "; ln correctly rounded for "
             << 100.0 * double(correctly_rounded) / double(count) << " %");
  CHECK(ln.ulps < 0.83);
  CHECK(log2.ulps < 0.83);
  CHECK(log10.ulps < 0.83);
  CHECK(double(correctly_rounded) / double(count) > 0.99);
}

TEST_CASE("fmath: logarithms near 1 keep their relative accuracy", "[fmath]") {
  // log(1 + d) ~ d: a method that computed log(m) as a difference of two larger numbers would lose
  // every digit here.
  Worst ln;
  for (uint32_t b = bits_of(1.0f) - 4000000; b < bits_of(1.0f) + 4000000; b += 37) {
    const float x = from_bits(b);
    if (x == 1.0f) continue;
    ln.add(x, ulp_error(tml_logf(x), std::log(static_cast<double>(x))));
  }
  INFO("ln " << ln.ulps << " ulp at " << ln.at);
  CHECK(ln.ulps < 0.83);
}

TEST_CASE("fmath: exact results and special values", "[fmath]") {
  CHECK(tml_logf(1.0f) == 0.0f);
  CHECK(tml_log2f(1.0f) == 0.0f);
  CHECK(tml_log10f(1.0f) == 0.0f);
  for (int k = -149; k <= 127; ++k) CHECK(tml_log2f(std::ldexp(1.0f, k)) == static_cast<float>(k));
  const float inf = std::numeric_limits<float>::infinity();
  for (auto f : {tml_logf, tml_log2f, tml_log10f}) {
    CHECK(f(0.0f) == -inf);
    CHECK(f(-0.0f) == -inf);
    CHECK(f(inf) == inf);
    CHECK(std::isnan(f(-1.0f)));
    CHECK(std::isnan(f(-inf)));
    CHECK(std::isnan(f(std::numeric_limits<float>::quiet_NaN())));
    CHECK(std::isfinite(f(std::numeric_limits<float>::denorm_min())));
    CHECK(std::isfinite(f(std::numeric_limits<float>::max())));
  }
  // The offset torchaudio adds before its log, and the largest value.
  CHECK(tml_logf(1e-6f) == static_cast<float>(std::log(double(1e-6f))));
  CHECK(ulp_error(tml_logf(std::numeric_limits<float>::max()), std::log(double(std::numeric_limits<float>::max()))) <
        0.83);
}

TEST_CASE("fmath: the square root is the IEEE operation bit for bit", "[fmath]") {
  long mismatches = 0;
  sweep_binades([&](float x) { mismatches += bits_of(tml_sqrtf(x)) != bits_of(std::sqrt(x)); });
  // Every significand of two binades (an even and an odd exponent) exhaustively.
  for (uint32_t b = bits_of(1.0f); b < bits_of(4.0f); ++b)
    mismatches += bits_of(tml_sqrtf(from_bits(b))) != bits_of(std::sqrt(from_bits(b)));
  CHECK(mismatches == 0);
  for (int v = 0; v <= 4096; ++v) CHECK(tml_sqrtf(float(v) * float(v)) == float(v));
  const float inf = std::numeric_limits<float>::infinity();
  CHECK(bits_of(tml_sqrtf(0.0f)) == bits_of(0.0f));
  CHECK(bits_of(tml_sqrtf(-0.0f)) == bits_of(-0.0f));
  CHECK(tml_sqrtf(inf) == inf);
  CHECK(std::isnan(tml_sqrtf(-1.0f)));
  CHECK(std::isnan(tml_sqrtf(-std::numeric_limits<float>::denorm_min())));
  CHECK(std::isnan(tml_sqrtf(std::numeric_limits<float>::quiet_NaN())));
}
