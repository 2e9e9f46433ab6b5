// Reference int8 softmax, integer only (contract and formulas in tml/kernels.h).
#include "tml/kernels.h"

namespace tml {
namespace {

// 2^-f = 1 + f * h(f) on [0, 1), h of degree 4 fitted at Chebyshev nodes; coefficients in Q30, highest
// degree first, then the constant 1 (2^30). Maximum error of the polynomial 2.2e-7 (0.015 of the
// kernel's Q16 unit).
constexpr int32_t kExp2Horner[6] = {-1077640, 10033292, -59494488, 257928559, -744260865, 1 << 30};

// 2^30 * 2^-(f20 / 2^20) for f20 in 0 .. 2^20 - 1, in (2^29, 2^30]; exactly 2^30 at 0. Horner's rule
// in Q30: every partial sum stays within +-2^30 (checked for every f20), so 32 bits hold it and only
// the products need 64.
int32_t exp2_neg_q30(int32_t f20) {
  const int32_t f = f20 << 10;  // Q30
  int32_t acc = kExp2Horner[0];
#pragma GCC unroll 1
  for (int i = 1; i < 6; ++i) acc = kExp2Horner[i] + static_cast<int32_t>((static_cast<int64_t>(acc) * f) >> 30);
  return acc;
}

// 65536 * 2^-(d * multiplier / 2^20), rounded; d in 0..255.
uint32_t exp_q16(int32_t d, int32_t multiplier) {
  const int32_t z = d * multiplier;  // < 2^31: the runner checks multiplier < 2^23
  const int32_t k = z >> 20;
  if (k > 16) return 0;
  const int32_t shift = 14 + k;
  return static_cast<uint32_t>((exp2_neg_q30(z & 0xFFFFF) + (1 << (shift - 1))) >> shift);
}

}  // namespace

extern "C" void tml_softmax_s8(const tml_softmax_params* params, const tml_dims* dims, const int8_t* input,
                               int8_t* output) {
  const int32_t n = dims->channels;
  const int32_t m = params->exp_multiplier;
  TML_ASSERT(n >= 1 && n <= 65535 && m >= 1 && m <= TML_SOFTMAX_MAX_EXP_MULTIPLIER);
  for (int32_t t = 0; t < dims->time; ++t) {
    const int8_t* x = input + t * n;
    int8_t* y = output + t * n;
    int32_t max = x[0];
    for (int32_t c = 1; c < n; ++c)
      if (x[c] > max) max = x[c];
    uint32_t sum = 0;  // <= 65535 * 65536 < 2^32
    for (int32_t c = 0; c < n; ++c) sum += exp_q16(max - x[c], m);
    for (int32_t c = 0; c < n; ++c) {
      uint32_t q = (256u * exp_q16(max - x[c], m) + sum / 2) / sum;  // 0 .. 256
      if (q > 255u) q = 255u;
      y[c] = static_cast<int8_t>(static_cast<int32_t>(q) - 128);
    }
  }
}

}  // namespace tml
