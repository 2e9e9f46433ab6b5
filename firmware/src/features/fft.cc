// Real FFT and power spectrum (tml/fft.h): an n/2-point complex radix-2 FFT of the samples taken in
// pairs, then the split step. Arithmetic in a fixed order so every target gives the same bits.
#include "fp_strict.h"  // first: see there
#include "tml/fft.h"

#include "tml/types.h"

namespace tml {
namespace {

// Bit-reversed reordering of m complex values (interleaved re, im).
void bit_reverse(float* z, uint32_t m) {
  uint32_t j = 0;
  for (uint32_t i = 0; i + 1 < m; ++i) {
    if (i < j) {
      const float re = z[2 * i], im = z[2 * i + 1];
      z[2 * i] = z[2 * j];
      z[2 * i + 1] = z[2 * j + 1];
      z[2 * j] = re;
      z[2 * j + 1] = im;
    }
    uint32_t bit = m >> 1;
    while (j & bit) {
      j ^= bit;
      bit >>= 1;
    }
    j |= bit;
  }
}

// In-place complex FFT of m points (bit-reversed input, natural-order output). The twiddle of butterfly
// j in a group of `len` points is e^(-2 pi i j / len) = table entry j * n / len of the n-point table
// (cos, sin pairs), i.e. w = c - i s; j = 0 is w = 1 exactly (no multiplication).
void complex_fft(float* z, uint32_t m, uint32_t n, const float* twiddles) {
  for (uint32_t len = 2; len <= m; len <<= 1) {
    const uint32_t half = len >> 1;
    const uint32_t step = 2 * (n / len);  // floats between consecutive twiddles
    for (uint32_t a = 0; a < m; a += len) {
      float* x = z + 2 * a;
      float* y = x + 2 * half;
      const float tr = y[0], ti = y[1];
      y[0] = x[0] - tr;
      y[1] = x[1] - ti;
      x[0] = x[0] + tr;
      x[1] = x[1] + ti;
    }
    for (uint32_t j = 1; j < half; ++j) {
      const float c = twiddles[j * step], s = twiddles[j * step + 1];
      for (uint32_t a = j; a < m; a += len) {
        float* x = z + 2 * a;
        float* y = x + 2 * half;
        const float tr = c * y[0] + s * y[1];
        const float ti = c * y[1] - s * y[0];
        y[0] = x[0] - tr;
        y[1] = x[1] - ti;
        x[0] = x[0] + tr;
        x[1] = x[1] + ti;
      }
    }
  }
}

}  // namespace

// With z[j] = x[2j] + i x[2j+1] and Z its m-point FFT (m = n/2), for k = 0 .. m:
//   E[k] = (Z[k] + conj Z[m-k]) / 2,  O[k] = -i (Z[k] - conj Z[m-k]) / 2   (the spectra of the even and
//   odd samples), X[k] = E[k] + W^k O[k] and X[m-k] = conj(E[k] - W^k O[k]), W = e^(-2 pi i / n).
// X[0] and X[m] are real: Re Z[0] + Im Z[0] and Re Z[0] - Im Z[0]; X[m/2] = conj Z[m/2].
extern "C" void tml_rfft_f32(float* buf, uint32_t n, const float* twiddles) {
  TML_ASSERT(buf && twiddles && tml_fft_size_ok(n));
  const uint32_t m = n / 2;
  bit_reverse(buf, m);
  complex_fft(buf, m, n, twiddles);

  const float z0r = buf[0], z0i = buf[1];
  buf[0] = z0r + z0i;
  buf[1] = z0r - z0i;
  for (uint32_t k = 1; k < m / 2; ++k) {
    float* a = buf + 2 * k;
    float* b = buf + 2 * (m - k);
    const float er = 0.5f * (a[0] + b[0]), ei = 0.5f * (a[1] - b[1]);
    const float orr = 0.5f * (a[1] + b[1]), oi = 0.5f * (b[0] - a[0]);
    const float c = twiddles[2 * k], s = twiddles[2 * k + 1];
    const float tr = c * orr + s * oi;
    const float ti = c * oi - s * orr;
    a[0] = er + tr;
    a[1] = ei + ti;
    b[0] = er - tr;
    b[1] = ti - ei;
  }
  buf[m + 1] = -buf[m + 1];  // k = m/2
}

extern "C" void tml_power_spectrum_f32(float* buf, uint32_t n) {
  TML_ASSERT(buf && tml_fft_size_ok(n));
  const uint32_t m = n / 2;
  const float last = buf[1] * buf[1];
  buf[0] = buf[0] * buf[0];
  // buf[k] is written after buf[2k] and buf[2k + 1] are read, and k < 2k for k >= 1.
  for (uint32_t k = 1; k < m; ++k) buf[k] = buf[2 * k] * buf[2 * k] + buf[2 * k + 1] * buf[2 * k + 1];
  buf[m] = last;
}

}  // namespace tml
