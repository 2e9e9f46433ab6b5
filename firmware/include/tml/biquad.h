// A cascade of second-order IIR sections (biquads) in single precision, for the spectral front end's
// low-pass and high-pass filters. The host designs the sections (a Butterworth filter, order and
// cut-off chosen at train time) and stores their coefficients in the model blob.
#ifndef TML_BIQUAD_H
#define TML_BIQUAD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Filters x in place through `sections` biquads one after the other, each starting from zero state.
 *
 * Section s has coefficients c = coeffs + 5 s: b0, b1, b2, a1, a2 (a0 = 1), i.e.
 * H(z) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2), run in transposed direct form II:
 *   y = b0 x + s1;  s1 = (b1 x - a1 y) + s2;  s2 = b2 x - a2 y
 * (each product and sum one IEEE single-precision operation, in this order). A first-order section has
 * b2 = a2 = 0.
 * @param[in]     coeffs    float [sections][5]
 * @param[in,out] x         float [n]
 */
void tml_biquad_cascade_f32(const float* coeffs, uint32_t sections, float* x, uint32_t n);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // TML_BIQUAD_H
