// Requantization: THE rounding rule of the project, shared by every kernel and the trainer's quantizer.
//
// An int32 accumulator x is scaled by a real multiplier M = multiplier * 2^(shift - 31) exactly as
// TFLite's MultiplyByQuantizedMultiplier does (the "double rounding" variant of TFLite and CMSIS-NN):
//
//   1. if shift > 0: x = x * 2^shift, wrapping modulo 2^32 like the int32 multiplication of the
//      reference (here done on uint32_t, so it is defined behaviour);
//   2. y = SaturatingRoundingDoublingHighMul(x, multiplier)
//        = floor((x * multiplier + 2^30) / 2^31)   (ties go up, toward +infinity)
//      except x == multiplier == INT32_MIN, which saturates to INT32_MAX;
//   3. if shift < 0: y = RoundingDivideByPOT(y, -shift)
//        = y / 2^-shift rounded to nearest, ties away from zero.
//
// The helpers below are `static inline` so the kernels' inner loops inline them; they are the only
// definition. tml_quantize_multiplier turns a real multiplier into (multiplier, shift) exactly as
// TFLite's QuantizeMultiplier (frexp, then round half away from zero), without libm, so the host and
// the board agree.
#ifndef TML_REQUANT_H
#define TML_REQUANT_H

#include <stdint.h>

#include "tml/types.h"

#ifdef __cplusplus
extern "C" {
#endif

// floor((a * b + 2^30) / 2^31) computed in 64 bits; (INT32_MIN, INT32_MIN) saturates to INT32_MAX.
// TFLite writes it as (ab + nudge) / 2^31 with C's truncating division and nudge = 2^30 or 1 - 2^30 by
// the sign of ab; both branches equal floor(ab / 2^31 + 1/2), which an arithmetic shift gives directly
// (no 64-bit division: SMLAL and two shifts on a Cortex-M4). |ab + 2^30| < 2^63, so nothing overflows.
static inline int32_t tml_saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
  return (int32_t)(((int64_t)a * (int64_t)b + ((int64_t)1 << 30)) >> 31);
}

// x / 2^exponent rounded to nearest, ties away from zero. exponent: 0 .. 31.
static inline int32_t tml_rounding_divide_by_pot(int32_t x, int32_t exponent) {
  const int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// x * multiplier * 2^(shift - 31) with the rounding described at the top of this file.
// multiplier: 0 or 2^30 .. 2^31-1; shift: -31 .. 30.
static inline int32_t tml_multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int32_t shift) {
  const int32_t left = shift > 0 ? shift : 0;
  const int32_t right = shift > 0 ? 0 : -shift;
  const int32_t shifted = (int32_t)((uint32_t)x << left);  // wraps like the reference's int32 multiply
  return tml_rounding_divide_by_pot(tml_saturating_rounding_doubling_high_mul(shifted, multiplier), right);
}

// The int8 output of a layer: requantizes `acc`, adds the output zero point and clamps to [act_min,
// act_max] (a subrange of -128..127). The clamp happens before the addition, so no value can overflow.
static inline int8_t tml_requantize_s8(int32_t acc, int32_t multiplier, int32_t shift, int32_t zero_point,
                                       int32_t act_min, int32_t act_max) {
  int32_t v = tml_multiply_by_quantized_multiplier(acc, multiplier, shift);
  const int32_t lo = act_min - zero_point;
  const int32_t hi = act_max - zero_point;
  v = v < lo ? lo : (v > hi ? hi : v);
  return (int8_t)(v + zero_point);
}

// Host helper: (multiplier, shift) for a real multiplier, exactly as TFLite's QuantizeMultiplier:
// real = q * 2^shift with q in [0.5, 1), multiplier = round(q * 2^31) (ties away from zero; a q that
// rounds to 2^31 becomes 2^30 with shift + 1). A shift below -31 gives (0, 0); above 30 gives
// (2^31 - 1, 30). 0 gives (0, 0). Returns TML_ERR_ARG for a negative, infinite or NaN multiplier or a
// null pointer. Pure integer and IEEE-double code: no libm.
int tml_quantize_multiplier(double real_multiplier, int32_t* multiplier, int32_t* shift);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // TML_REQUANT_H
