// Real FFT and power spectrum in single precision, for the front ends (tml/features.h).
//
// Sizes are powers of two from TML_FFT_MIN_SIZE to TML_FFT_MAX_SIZE. The twiddle factors come from a
// table the host computes in double precision (stored in the model blob), so the board needs no sin or
// cos: for an FFT of n points the table holds n/2 complex values,
//   twiddles[2k] = cos(2 pi k / n),  twiddles[2k + 1] = sin(2 pi k / n),  k = 0 .. n/2 - 1.
// Algorithm: the n real samples are taken as n/2 complex ones (even samples real, odd imaginary), an
// iterative radix-2 decimation-in-time FFT of n/2 points (bit-reversed reordering first), then the split
// step that separates the spectra of the even and odd samples. Every operation is one IEEE-754
// single-precision operation in a fixed order (-ffp-contract=off): the host and a Cortex-M4F compute
// the same bits. No scaling: X[k] = sum_j x[j] e^(-2 pi i j k / n), as numpy.fft.rfft and torch.stft.
// Preconditions are checked by the callers at load (the front-end validation) and only asserted here.
#ifndef TML_FFT_H
#define TML_FFT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TML_FFT_MIN_SIZE 16
#define TML_FFT_MAX_SIZE 1024

/**
 * @brief In-place real FFT of n samples, packed output.
 *
 * @param[in,out] buf       float [n]: the samples in; out, X[0] in buf[0] and X[n/2] in buf[1] (both real),
 *                          and for k = 1 .. n/2 - 1, Re X[k] in buf[2k] and Im X[k] in buf[2k + 1]
 * @param[in]     n         TML_FFT_MIN_SIZE .. TML_FFT_MAX_SIZE, a power of two
 * @param[in]     twiddles  float [n]: the table described above for this n
 */
void tml_rfft_f32(float* buf, uint32_t n, const float* twiddles);

/**
 * @brief Power spectrum of a packed real FFT, in place: buf[k] = |X[k]|^2 for k = 0 .. n/2
 *        (Re^2 + Im^2, n/2 + 1 values; the rest of buf is left undefined).
 */
void tml_power_spectrum_f32(float* buf, uint32_t n);

/** True when n is a power of two in TML_FFT_MIN_SIZE .. TML_FFT_MAX_SIZE. */
static inline int tml_fft_size_ok(uint32_t n) {
  return n >= TML_FFT_MIN_SIZE && n <= TML_FFT_MAX_SIZE && (n & (n - 1)) == 0;
}

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // TML_FFT_H
