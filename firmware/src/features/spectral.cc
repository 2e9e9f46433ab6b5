// The spectral-analysis front end, one window: per axis, statistics of the raw values, the filter,
// statistics of the filtered values, the Welch power spectral density, band powers and peaks.
// docs/features.md has the formulas; the output order is in model_format.h.
#include "fp_strict.h"  // first: see there
#include "front_end.h"
#include "tml/biquad.h"
#include "tml/fft.h"
#include "tml/fmath.h"
#include "tml/types.h"

namespace tml::features {
namespace {

struct Moments {
  float mean;
  float min;
  float max;
  float mean_square;
  float m2;  // central moments, divided by n
  float m3;
  float m4;
};

// Two passes: mean, extremes and mean square; then the central moments. A constant signal (min == max)
// has mean = that value and central moments exactly 0.
Moments moments(const float* x, uint32_t n, bool higher) {
  Moments m = {0.0f, x[0], x[0], 0.0f, 0.0f, 0.0f, 0.0f};
  float sum = 0.0f, squares = 0.0f;
  for (uint32_t i = 0; i < n; ++i) {
    sum = sum + x[i];
    squares = squares + x[i] * x[i];
    if (x[i] < m.min) m.min = x[i];
    if (x[i] > m.max) m.max = x[i];
  }
  const float count = static_cast<float>(n);
  m.mean_square = squares / count;
  if (m.min == m.max) {
    m.mean = x[0];
    return m;
  }
  m.mean = sum / count;
  float s2 = 0.0f, s3 = 0.0f, s4 = 0.0f;
  for (uint32_t i = 0; i < n; ++i) {
    const float d = x[i] - m.mean;
    const float d2 = d * d;
    s2 = s2 + d2;
    if (higher) {
      s3 = s3 + d2 * d;
      s4 = s4 + d2 * d2;
    }
  }
  m.m2 = s2 / count;
  m.m3 = s3 / count;
  m.m4 = s4 / count;
  return m;
}

// Skewness m3 / m2^1.5 and excess kurtosis m4 / m2^2 - 3; 0 for a constant signal and whenever the
// quotient is not finite (a variance that underflows), so no NaN or infinity ever leaves.
float skewness(const Moments& m) {
  if (m.m2 <= 0.0f) return 0.0f;
  const float v = m.m3 / (m.m2 * tml_sqrtf(m.m2));
  return is_finite(v) ? v : 0.0f;
}
float kurtosis(const Moments& m) {
  if (m.m2 <= 0.0f) return 0.0f;
  const float v = m.m4 / (m.m2 * m.m2) - 3.0f;
  return is_finite(v) ? v : 0.0f;
}

float level(const tml_spectral_features_record& r, float v) {
  return (r.flags & TML_SPECTRAL_FLAG_LOG) ? tml_log10f(v + r.log_offset) : v;
}

// One-sided power spectral density of x[0 .. raw_rows) by Welch's method into density[0 .. n/2].
void welch(const tml_spectral_features_record& r, const uint8_t* section, const float* x, float* buf,
           float* density) {
  const uint32_t n = r.fft_size, length = r.segment_length;
  const float* window = r.window_offset ? f32_table(section, r.window_offset) : nullptr;
  const float* twiddles = f32_table(section, r.twiddle_offset);
  for (uint32_t k = 0; k <= n / 2; ++k) density[k] = 0.0f;
  for (uint32_t s = 0; s < r.segment_count; ++s) {
    const float* seg = x + s * uint32_t{r.segment_step};
    for (uint32_t i = 0; i < length; ++i) buf[i] = seg[i];
    if (r.flags & TML_SPECTRAL_FLAG_DETREND) {
      float sum = 0.0f;
      for (uint32_t i = 0; i < length; ++i) sum = sum + buf[i];
      const float mean = sum / static_cast<float>(length);
      for (uint32_t i = 0; i < length; ++i) buf[i] = buf[i] - mean;
    }
    if (window)
      for (uint32_t i = 0; i < length; ++i) buf[i] = buf[i] * window[i];
    for (uint32_t i = length; i < n; ++i) buf[i] = 0.0f;
    tml_rfft_f32(buf, n, twiddles);
    tml_power_spectrum_f32(buf, n);
    for (uint32_t k = 0; k <= n / 2; ++k) density[k] = density[k] + buf[k];
  }
  for (uint32_t k = 0; k <= n / 2; ++k) {
    density[k] = density[k] * r.psd_scale;
    if (k > 0 && k < n / 2) density[k] = density[k] * 2.0f;
  }
}

// The `peaks` highest local maxima (density[k] > density[k-1] and >= density[k+1], 0 < k < n/2),
// highest first (the lower bin first among equals): (frequency, level) pairs; missing ones (0, level(0)).
void peaks(const tml_spectral_features_record& r, const float* density, float* out) {
  uint32_t bin[TML_SPECTRAL_MAX_PEAKS];
  uint32_t found = 0;
  const uint32_t half = r.fft_size / 2;
  for (uint32_t k = 1; k < half; ++k) {
    const float v = density[k];
    if (!(v > density[k - 1] && v >= density[k + 1])) continue;
    // Insert into the sorted list if it beats the lowest kept (or the list has room).
    uint32_t at = found;
    while (at > 0 && v > density[bin[at - 1]]) --at;
    if (at >= r.peaks) continue;
    const uint32_t last = found < r.peaks ? found : r.peaks - 1u;
    for (uint32_t i = last; i > at; --i) bin[i] = bin[i - 1];
    bin[at] = k;
    if (found < r.peaks) ++found;
  }
  for (uint32_t p = 0; p < r.peaks; ++p) {
    const bool has = p < found;
    out[2 * p] = has ? static_cast<float>(bin[p]) * r.bin_hz : 0.0f;
    out[2 * p + 1] = level(r, has ? density[bin[p]] : 0.0f);
  }
}

}  // namespace

void spectral_window(const tml_spectral_features_record& r, const uint8_t* section, const Source& src,
                     float* scratch, float* out) {
  const uint32_t rows = r.raw_rows, axes = r.raw_axes, n = r.fft_size;
  float* x = scratch;
  float* buf = x + rows;
  float* density = buf + n;
  const bool spectrum = r.bands || r.peaks;
  const float* filter = r.filter_sections ? f32_table(section, r.filter_offset) : nullptr;
  const uint16_t* edges = r.bands ? u16_table(section, r.band_offset) : nullptr;
  for (uint32_t a = 0; a < axes; ++a) {
    for (uint32_t t = 0; t < rows; ++t) x[t] = src[t * axes + a];
    if (r.stats & 0x1Fu) {  // statistics of the raw axis
      const Moments m = moments(x, rows, false);
      if (r.stats & TML_SPECTRAL_STAT_MEAN) *out++ = m.mean;
      if (r.stats & TML_SPECTRAL_STAT_MIN) *out++ = m.min;
      if (r.stats & TML_SPECTRAL_STAT_MAX) *out++ = m.max;
      if (r.stats & TML_SPECTRAL_STAT_RMS_RAW) *out++ = tml_sqrtf(m.mean_square);
      if (r.stats & TML_SPECTRAL_STAT_STD) *out++ = tml_sqrtf(m.m2);
    }
    if (filter) tml_biquad_cascade_f32(filter, r.filter_sections, x, rows);
    if (r.stats & 0xE0u) {  // statistics of the filtered axis
      const Moments m = moments(x, rows, true);
      if (r.stats & TML_SPECTRAL_STAT_RMS) *out++ = tml_sqrtf(m.mean_square);
      if (r.stats & TML_SPECTRAL_STAT_SKEWNESS) *out++ = skewness(m);
      if (r.stats & TML_SPECTRAL_STAT_KURTOSIS) *out++ = kurtosis(m);
    }
    if (!spectrum) continue;
    welch(r, section, x, buf, density);
    for (uint32_t b = 0; b < r.bands; ++b) {
      float sum = 0.0f;
      for (uint32_t k = edges[b]; k < edges[b + 1]; ++k) sum = sum + density[k];
      *out++ = level(r, sum * r.bin_hz);
    }
    peaks(r, density, out);
    out += 2u * r.peaks;
  }
}

}  // namespace tml::features
