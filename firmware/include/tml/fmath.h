// The transcendental functions the front ends compute on the board: logarithms and the square root, in
// single precision, without libm.
//
// libm's logf differs between glibc (the host) and newlib (the board), so features computed with it would
// differ by an ulp here and there and the int8 model input with them. These functions are built only from
// IEEE-754 single-precision +, -, *, / and integer operations on the bits, each in a fixed order, and the
// firmware is compiled with -ffp-contract=off (no fused multiply-add): x86-64 and a Cortex-M4F give the
// same bits for every input. tests/firmware/test_fmath.cc measures them against double precision over
// every exponent; the on-board self-test compares the board's results with the host's.
//
// Accuracy (measured by the test over every binade, subnormals included, and bounded there):
//   tml_logf    natural logarithm, error < 0.83 ulp (correctly rounded for 99.4 % of the inputs)
//   tml_log2f   base-2 logarithm,  error < 0.83 ulp
//   tml_log10f  base-10 logarithm, error < 0.83 ulp
//   tml_sqrtf   exactly IEEE sqrt (correctly rounded: integer arithmetic on the significand)
// Special values as C99: log(+0) = log(-0) = -inf, log(+inf) = +inf, log(x < 0) = NaN, log(NaN) = NaN;
// sqrt(-0) = -0, sqrt(+inf) = +inf, sqrt(x < 0) = NaN.
#ifndef TML_FMATH_H
#define TML_FMATH_H

#ifdef __cplusplus
extern "C" {
#endif

float tml_logf(float x);
float tml_log2f(float x);
float tml_log10f(float x);
float tml_sqrtf(float x);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // TML_FMATH_H
