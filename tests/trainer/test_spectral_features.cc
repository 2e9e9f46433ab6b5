// The spectral-analysis front end of the firmware, with tables from the host builder, against a
// reference written here from the formulas in double precision (statistics, Welch density, band powers,
// peaks), against known values (a sine's RMS, skewness and kurtosis, its peak's frequency), the
// Butterworth filters against the analytic magnitude, and the rule for a constant axis.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <random>
#include <vector>

#include "tml/biquad.h"
#include "tml/features.h"
#include "tml/trainer/front_end.h"

using tml::trainer::FilterType;
using tml::trainer::FrontEnd;
using tml::trainer::SpectralConfig;
using tml::trainer::WindowFunction;

namespace {

const double kPi = std::acos(-1.0);

// Window [rows][axes] of sines: axis a has amplitude amp[a] at freq[a] Hz plus an offset.
std::vector<float> sines(const SpectralConfig& c, const std::vector<double>& freq, const std::vector<double>& amp,
                         const std::vector<double>& offset, double noise = 0, uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> n(0.0, 1.0);
  std::vector<float> x(size_t(c.window_rows) * size_t(c.axes));
  for (int t = 0; t < c.window_rows; ++t)
    for (int a = 0; a < c.axes; ++a)
      x[size_t(t * c.axes + a)] = static_cast<float>(
          offset[size_t(a)] + amp[size_t(a)] * std::sin(2 * kPi * freq[size_t(a)] * t / c.sample_rate + 0.3 * a) +
          noise * n(rng));
  return x;
}

// The features of one axis by the definitions (docs/features.md), in double; the filter runs in double
// with the coefficients the blob stores (rounded to float).
std::vector<double> reference_axis(const SpectralConfig& c, std::vector<double> x) {
  const size_t n = x.size();
  std::vector<double> out;
  const auto moments = [&](const std::vector<double>& v, double* mean, double* m2, double* m3, double* m4,
                           double* ms) {
    *mean = 0, *m2 = 0, *m3 = 0, *m4 = 0, *ms = 0;
    for (double s : v) *mean += s / double(n), *ms += s * s / double(n);
    for (double s : v) {
      const double d = s - *mean;
      *m2 += d * d / double(n), *m3 += d * d * d / double(n), *m4 += d * d * d * d / double(n);
    }
  };
  double mean, m2, m3, m4, ms;
  moments(x, &mean, &m2, &m3, &m4, &ms);
  if (c.stats & TML_SPECTRAL_STAT_MEAN) out.push_back(mean);
  if (c.stats & TML_SPECTRAL_STAT_MIN) out.push_back(*std::min_element(x.begin(), x.end()));
  if (c.stats & TML_SPECTRAL_STAT_MAX) out.push_back(*std::max_element(x.begin(), x.end()));
  if (c.stats & TML_SPECTRAL_STAT_RMS_RAW) out.push_back(std::sqrt(ms));
  if (c.stats & TML_SPECTRAL_STAT_STD) out.push_back(std::sqrt(m2));
  for (const auto& s : tml::trainer::butterworth_sections(c.filter, c.filter_order, c.cutoff_hz, c.sample_rate)) {
    double b[5];
    for (int i = 0; i < 5; ++i) b[i] = double(float(s[size_t(i)]));
    double s1 = 0, s2 = 0;
    for (double& v : x) {
      const double y = b[0] * v + s1;
      s1 = b[1] * v - b[3] * y + s2;
      s2 = b[2] * v - b[4] * y;
      v = y;
    }
  }
  moments(x, &mean, &m2, &m3, &m4, &ms);
  if (c.stats & TML_SPECTRAL_STAT_RMS) out.push_back(std::sqrt(ms));
  if (c.stats & TML_SPECTRAL_STAT_SKEWNESS) out.push_back(m2 > 0 ? m3 / std::pow(m2, 1.5) : 0);
  if (c.stats & TML_SPECTRAL_STAT_KURTOSIS) out.push_back(m2 > 0 ? m4 / (m2 * m2) - 3 : 0);

  // Welch: segments of min(fft, rows) samples, half-overlapping, mean removed, periodic Hann window.
  const int N = c.fft_size, L = std::min(N, c.window_rows), step = c.overlap ? L / 2 : L;
  const int count = 1 + (c.window_rows - L) / step;
  std::vector<double> w(size_t(L), 1.0);
  if (c.window == WindowFunction::hann)
    for (int i = 0; i < L; ++i) w[size_t(i)] = 0.5 - 0.5 * std::cos(2 * kPi * i / L);
  double energy = 0;
  for (double v : w) energy += v * v;
  std::vector<double> density(size_t(N / 2 + 1), 0.0);
  for (int s = 0; s < count; ++s) {
    double seg_mean = 0;
    for (int i = 0; i < L; ++i) seg_mean += x[size_t(s * step + i)] / L;
    for (int k = 0; k <= N / 2; ++k) {
      std::complex<double> X = 0;
      for (int i = 0; i < L; ++i)
        X += (x[size_t(s * step + i)] - (c.detrend ? seg_mean : 0.0)) * w[size_t(i)] *
             std::polar(1.0, -2 * kPi * k * i / N);
      density[size_t(k)] += std::norm(X) / (count * c.sample_rate * energy) * (k > 0 && k < N / 2 ? 2 : 1);
    }
  }
  const double bin_hz = c.sample_rate / N;
  const auto level = [&](double v) { return c.log ? std::log10(v + c.log_offset) : v; };
  const int bands = c.bands ? c.bands : N / 2;
  for (int b = 0; b < bands; ++b) {
    const int lo = 1 + int(std::lround(double(b) * (N / 2) / bands)), hi = 1 + int(std::lround(double(b + 1) * (N / 2) / bands));
    double p = 0;
    for (int k = lo; k < hi; ++k) p += density[size_t(k)] * bin_hz;
    out.push_back(level(p));
  }
  std::vector<std::pair<double, int>> maxima;  // (-height, bin): highest first, lower bin first
  for (int k = 1; k < N / 2; ++k)
    if (density[size_t(k)] > density[size_t(k - 1)] && density[size_t(k)] >= density[size_t(k + 1)])
      maxima.push_back({-density[size_t(k)], k});
  std::sort(maxima.begin(), maxima.end());
  for (int p = 0; p < c.peaks; ++p) {
    const bool has = size_t(p) < maxima.size();
    out.push_back(has ? maxima[size_t(p)].second * bin_hz : 0.0);
    out.push_back(level(has ? -maxima[size_t(p)].first : 0.0));
  }
  return out;
}

std::vector<double> reference(const SpectralConfig& c, const std::vector<float>& raw) {
  std::vector<double> out;
  for (int a = 0; a < c.axes; ++a) {
    std::vector<double> x(static_cast<size_t>(c.window_rows));
    for (int t = 0; t < c.window_rows; ++t) x[size_t(t)] = raw[size_t(t * c.axes + a)];
    const auto f = reference_axis(c, x);
    out.insert(out.end(), f.begin(), f.end());
  }
  return out;
}

// Analytic magnitude of the digital Butterworth filter designed by the bilinear transform with
// prewarping: |H|^2 = 1 / (1 + (tan(pi f / fs) / tan(pi fc / fs))^(+-2 order)).
double butterworth_magnitude(FilterType type, int order, double fc, double fs, double f) {
  const double r = std::tan(kPi * f / fs) / std::tan(kPi * fc / fs);
  const double e = type == FilterType::low_pass ? std::pow(r, 2 * order) : std::pow(1 / r, 2 * order);
  return 1 / std::sqrt(1 + e);
}

}  // namespace

TEST_CASE("spectral features: every feature matches the double reference", "[features][spectral]") {
  SpectralConfig c;  // 208 rows at 104 Hz, 3 axes
  c.stats = TML_SPECTRAL_STATS_ALL;
  c.peaks = 4;
  for (int variant = 0; variant < 4; ++variant) {
    SpectralConfig v = c;
    if (variant == 1) v.filter = FilterType::low_pass, v.cutoff_hz = 12, v.filter_order = 6;
    if (variant == 2) v.filter = FilterType::high_pass, v.cutoff_hz = 2, v.filter_order = 3, v.overlap = false;
    if (variant == 3) v.fft_size = 256, v.log = false, v.detrend = false, v.window = WindowFunction::none, v.bands = 8;
    const FrontEnd fe = FrontEnd::spectral(v);
    // x: two tones; y: a tone in noise; z: gravity plus a slow tone.
    std::vector<float> raw = sines(v, {5.0, 17.0, 1.3}, {1.0, 0.4, 0.2}, {0.0, 0.1, 9.81}, 0.05, 7);
    for (int t = 0; t < v.window_rows; ++t) raw[size_t(t * 3)] += 0.3f * float(std::sin(2 * kPi * 31.0 * t / 104.0));
    const std::vector<float> ours = fe.compute(raw.data(), raw.size());
    const std::vector<double> ref = reference(v, raw);
    REQUIRE(ours.size() == ref.size());
    REQUIRE(ours.size() == size_t(fe.out_channels()));
    const auto names = fe.channel_names({"x", "y", "z"});
    for (size_t i = 0; i < ours.size(); ++i) {
      const bool height = names[i].find("height") != std::string::npos, band = names[i].find("band") != std::string::npos;
      // Measured: statistics 7e-7 relative, skewness 8.4e-5 and kurtosis 6.9e-5 absolute, log levels 5.2e-6
      // decades (8e-4 below 1e-5), linear ones 5.7e-7 relative, frequencies exact. Bounds with margin:
      double tol = 1e-5 * std::max(1.0, std::fabs(ref[i]));
      if ((height || band) && v.log) tol = ref[i] < -5 ? 5e-3 : 5e-5;
      if ((height || band) && !v.log) tol = 1e-5 * std::fabs(ref[i]) + 1e-9;
      if (names[i].find("skew") != std::string::npos || names[i].find("kurt") != std::string::npos) tol = 5e-4;
      INFO("variant " << variant << ", " << names[i] << ": ours " << ours[i] << ", reference " << ref[i]);
      CHECK(std::fabs(double(ours[i]) - ref[i]) <= tol);
    }
  }
}

TEST_CASE("spectral features: known values of a sine: RMS skewness kurtosis and its peak", "[features][spectral]") {
  SpectralConfig c;
  c.axes = 1;
  c.window_rows = 1024;  // 32 whole periods of a 3.25 Hz tone at 104 Hz (32 samples per period)
  c.fft_size = 128;
  c.peaks = 1;
  c.stats = TML_SPECTRAL_STATS_ALL;
  const FrontEnd fe = FrontEnd::spectral(c);
  const double f0 = 3.25, A = 2.0;  // on bin 4 of a 128-point FFT at 104 Hz
  std::vector<float> x(1024);
  for (size_t t = 0; t < x.size(); ++t) x[t] = float(0.5 + A * std::sin(2 * kPi * f0 * double(t) / c.sample_rate));
  const std::vector<float> out = fe.compute(x.data(), x.size());
  const auto names = fe.channel_names({"x"});
  const auto at = [&](const std::string& name) {
    return out[size_t(std::find(names.begin(), names.end(), "x." + name) - names.begin())];
  };
  CHECK(at("mean") == Approx(0.5).margin(1e-5));
  CHECK(at("min") == Approx(-1.5).margin(1e-6));
  CHECK(at("max") == Approx(2.5).margin(1e-6));
  CHECK(at("std") == Approx(A / std::sqrt(2.0)).epsilon(1e-5));
  CHECK(at("rms_raw") == Approx(std::sqrt(A * A / 2 + 0.25)).epsilon(1e-5));
  CHECK(at("rms") == Approx(std::sqrt(A * A / 2 + 0.25)).epsilon(1e-5));  // no filter
  CHECK(at("skewness") == Approx(0.0).margin(1e-4));
  CHECK(at("kurtosis") == Approx(-1.5).margin(1e-4));  // excess kurtosis of a sine
  CHECK(at("peak0_hz") == Approx(f0).epsilon(1e-6));
  // A tone on a bin through a periodic Hann window of L samples: one-sided density A^2 L / (3 fs) there.
  CHECK(at("peak0_height") == Approx(std::log10(A * A * 128 / (3 * c.sample_rate))).margin(1e-4));
}

TEST_CASE("spectral features: a constant axis gives zero variance statistics and never NaN",
          "[features][spectral]") {
  SpectralConfig c;
  c.stats = TML_SPECTRAL_STATS_ALL;
  for (FilterType filter : {FilterType::none, FilterType::low_pass, FilterType::high_pass}) {
    SpectralConfig v = c;
    v.filter = filter;
    v.cutoff_hz = 5;
    const FrontEnd fe = FrontEnd::spectral(v);
    std::vector<float> raw(size_t(v.window_rows) * 3);
    for (size_t i = 0; i < raw.size(); ++i) raw[i] = i % 3 == 0 ? 0.0f : (i % 3 == 1 ? 0.1f : -9.81f);
    const std::vector<float> out = fe.compute(raw.data(), raw.size());
    const auto names = fe.channel_names({"x", "y", "z"});
    for (size_t i = 0; i < out.size(); ++i) {
      INFO(names[i] << " = " << out[i]);
      CHECK(std::isfinite(out[i]));
    }
    const auto at = [&](const std::string& name) {
      return out[size_t(std::find(names.begin(), names.end(), name) - names.begin())];
    };
    CHECK(at("y.mean") == 0.1f);  // exactly the value
    CHECK(at("y.std") == 0.0f);
    CHECK(at("z.min") == -9.81f);
    CHECK(at("z.max") == -9.81f);
    if (filter == FilterType::none) {  // unfiltered, the constant is what the statistics see
      CHECK(at("y.skewness") == 0.0f);
      CHECK(at("y.kurtosis") == 0.0f);
      CHECK(at("x.rms") == 0.0f);
      CHECK(at("x.peak0_hz") == 0.0f);  // no peak in a zero spectrum
    }
    CHECK(at("x.skewness") == 0.0f);  // all zero: zero after any filter
    CHECK(at("x.kurtosis") == 0.0f);
    CHECK(at("x.band0") == Approx(std::log10(1e-10)));
  }
}

TEST_CASE("spectral features: Butterworth filters have the analytic magnitude", "[features][spectral]") {
  const double fs = 104;
  for (FilterType type : {FilterType::low_pass, FilterType::high_pass}) {
    for (int order = 1; order <= 8; ++order) {
      const double fc = type == FilterType::low_pass ? 10.0 : 4.0;
      const auto sections = tml::trainer::butterworth_sections(type, order, fc, fs);
      REQUIRE(sections.size() == size_t((order + 1) / 2));
      std::vector<float> coeffs;
      for (const auto& s : sections)
        for (double v : s) coeffs.push_back(float(v));
      for (double approx : {0.5, 2.0, 4.0, 7.0, 10.0, 15.0, 30.0, 45.0}) {
        // A whole number of periods in the 4096 samples the amplitude is measured over.
        const double f = std::round(approx * 4096 / fs) * fs / 4096;
        // The design in double: H(e^{jw}) from the sections.
        std::complex<double> h = 1;
        const std::complex<double> z1 = std::polar(1.0, -2 * kPi * f / fs);
        for (const auto& s : sections) h *= (s[0] + s[1] * z1 + s[2] * z1 * z1) / (1.0 + s[3] * z1 + s[4] * z1 * z1);
        const double want = butterworth_magnitude(type, order, fc, fs, f);
        INFO((type == FilterType::low_pass ? "low" : "high") << "-pass order " << order << " at " << f << " Hz");
        CHECK(std::abs(h) == Approx(want).margin(1e-9));
        // The board's filter (float): the steady-state amplitude of a long sine.
        std::vector<float> x(8192);
        for (size_t t = 0; t < x.size(); ++t) x[t] = float(std::sin(2 * kPi * f * double(t) / fs));
        tml_biquad_cascade_f32(coeffs.data(), uint32_t(sections.size()), x.data(), uint32_t(x.size()));
        std::complex<double> proj = 0;  // over the last 4096 samples
        for (size_t t = 4096; t < x.size(); ++t) proj += double(x[t]) * std::polar(1.0, -2 * kPi * f * double(t) / fs);
        CHECK(2 * std::abs(proj) / 4096 == Approx(want).margin(1e-5));
      }
      // -3 dB exactly at the cut-off.
      CHECK(butterworth_magnitude(type, order, fc, fs, fc) == Approx(std::sqrt(0.5)));
    }
  }
}
