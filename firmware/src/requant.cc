// Host helpers that turn real-valued scales into the integer parameters of requant.h and kernels.h.
// Only IEEE double arithmetic and integer code: the result is the same on every compiler and libc.
#include "tml/requant.h"

#include <cstring>

#include "tml/kernels.h"
#include "tml/status.h"

namespace tml {
namespace {

// v rounded to the nearest integer, ties away from zero (std::round), for 0 <= v < 2^62.
int64_t round_nonnegative(double v) {
  int64_t t = static_cast<int64_t>(v);           // truncation: exact for v < 2^63
  if (v - static_cast<double>(t) >= 0.5) ++t;    // v - t is exact: both lie on v's grid
  return t;
}

}  // namespace

extern "C" int tml_quantize_multiplier(double real_multiplier, int32_t* multiplier, int32_t* shift) {
  if (!multiplier || !shift) return TML_ERR_ARG;
  // NaN fails both comparisons; infinity fails the second.
  if (!(real_multiplier >= 0.0) || !(real_multiplier <= 1.7976931348623157e308)) return TML_ERR_ARG;
  *multiplier = 0;
  *shift = 0;
  if (real_multiplier == 0.0) return TML_OK;

  uint64_t bits;
  memcpy(&bits, &real_multiplier, sizeof bits);
  const int32_t biased_exponent = static_cast<int32_t>((bits >> 52) & 0x7FF);
  if (biased_exponent == 0) return TML_OK;  // subnormal: far below 2^-31, so (0, 0)
  // real = mantissa * 2^(biased_exponent - 1075) with mantissa in [2^52, 2^53); frexp's q is
  // mantissa / 2^53 in [0.5, 1) and its exponent is biased_exponent - 1022.
  const uint64_t mantissa = (bits & ((uint64_t{1} << 52) - 1)) | (uint64_t{1} << 52);
  int32_t exponent = biased_exponent - 1022;
  // q * 2^31 = mantissa / 2^22, rounded half away from zero (it is positive: half up).
  uint64_t q_fixed = (mantissa + (uint64_t{1} << 21)) >> 22;
  if (q_fixed == (uint64_t{1} << 31)) {
    q_fixed >>= 1;
    ++exponent;
  }
  if (exponent < -31) return TML_OK;  // every result would shift out to zero
  if (exponent > 30) {
    *multiplier = INT32_MAX;
    *shift = 30;
    return TML_OK;
  }
  *multiplier = static_cast<int32_t>(q_fixed);
  *shift = exponent;
  return TML_OK;
}

extern "C" int tml_softmax_s8_exp_multiplier(double beta_times_input_scale, int32_t* exp_multiplier) {
  if (!exp_multiplier) return TML_ERR_ARG;
  *exp_multiplier = 0;
  // log2(e): the kernel computes 2^-z, so e^-x = 2^-(x * log2(e)).
  const double v = beta_times_input_scale * 1.4426950408889634 * static_cast<double>(1 << 20);
  if (!(v >= 0.5) || !(v < static_cast<double>(TML_SOFTMAX_MAX_EXP_MULTIPLIER) + 0.5)) return TML_ERR_ARG;
  *exp_multiplier = static_cast<int32_t>(round_nonnegative(v));
  return TML_OK;
}

}  // namespace tml
