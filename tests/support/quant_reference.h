// An independent statement of the project's int8 arithmetic, for golden values in the kernel tests.
//
// It is written from the documented rules (firmware/include/tml/requant.h, kernels.h), not from the
// kernels' code: exact 128-bit products and explicit floor/tie rules instead of nudges and masks, and
// doubles for the real-valued checks.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace tml::test {

// floor(a / b) for b > 0.
inline __int128 floor_div(__int128 a, __int128 b) {
  __int128 q = a / b;
  if ((a % b != 0) && (a < 0)) --q;
  return q;
}

// x * multiplier * 2^(shift - 31) with TFLite's double rounding:
//   left shift wrapping in 32 bits; floor(x * m / 2^31 + 1/2) (saturating the one overflow case);
//   then division by 2^-shift rounded to nearest, ties away from zero.
inline int32_t ref_multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int32_t shift) {
  if (shift > 0) x = static_cast<int32_t>(static_cast<uint32_t>(x) * (uint32_t{1} << shift));
  int64_t high;
  if (x == INT32_MIN && multiplier == INT32_MIN) {
    high = INT32_MAX;
  } else {
    high = static_cast<int64_t>(floor_div(2 * static_cast<__int128>(x) * multiplier + (__int128{1} << 31),
                                          __int128{1} << 32));
  }
  if (shift >= 0) return static_cast<int32_t>(high);
  const int64_t divisor = int64_t{1} << -shift;
  const int64_t magnitude = high < 0 ? -high : high;
  const int64_t rounded = (2 * magnitude + divisor) / (2 * divisor);  // half away from zero
  return static_cast<int32_t>(high < 0 ? -rounded : rounded);
}

inline int8_t ref_requantize(int64_t acc, int32_t multiplier, int32_t shift, int32_t zero_point, int32_t act_min,
                             int32_t act_max) {
  int64_t v = ref_multiply_by_quantized_multiplier(static_cast<int32_t>(acc), multiplier, shift);
  v += zero_point;
  if (v < act_min) v = act_min;
  if (v > act_max) v = act_max;
  return static_cast<int8_t>(v);
}

// The real multiplier a (multiplier, shift) pair stands for.
inline double real_multiplier(int32_t multiplier, int32_t shift) {
  return std::ldexp(static_cast<double>(multiplier), shift - 31);
}

// (multiplier, shift) for a real multiplier, the plain way (frexp and round): TFLite's QuantizeMultiplier.
inline void ref_quantize_multiplier(double real, int32_t* multiplier, int32_t* shift) {
  if (real == 0.0) {
    *multiplier = 0;
    *shift = 0;
    return;
  }
  int exponent = 0;
  const double q = std::frexp(real, &exponent);
  auto fixed = static_cast<int64_t>(std::round(q * 2147483648.0));
  if (fixed == (int64_t{1} << 31)) {
    fixed /= 2;
    ++exponent;
  }
  if (exponent < -31) {
    exponent = 0;
    fixed = 0;
  }
  if (exponent > 30) {
    exponent = 30;
    fixed = INT32_MAX;
  }
  *multiplier = static_cast<int32_t>(fixed);
  *shift = exponent;
}

inline std::vector<int8_t> random_s8(std::mt19937& rng, size_t n, int lo = -128, int hi = 127) {
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(d(rng));
  return v;
}

}  // namespace tml::test
