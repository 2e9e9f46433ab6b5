// The resampler (trainer/resample.h) on sines: amplitude and phase kept below the new Nyquist frequency,
// aliases removed above it, constants kept exactly, and the documented row counts.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "tml/trainer/error.h"
#include "tml/trainer/resample.h"

using tml::trainer::resample;
using tml::trainer::resampled_rows;

namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<float> sine(size_t rows, double rate_hz, double freq_hz, double amplitude, double phase, double offset = 0) {
  std::vector<float> v(rows);
  for (size_t n = 0; n < rows; ++n)
    v[n] = static_cast<float>(offset + amplitude * std::sin(2 * kPi * freq_hz * static_cast<double>(n) / rate_hz + phase));
  return v;
}

struct Fit {
  double amplitude, phase, offset, residual;  // residual: RMS of what the sine does not explain
};

// Least-squares fit of a sin(w t) + b cos(w t) + c to v[first .. last) at `rate_hz` (3x3 normal equations).
Fit fit_sine(const std::vector<float>& v, double rate_hz, double freq_hz, size_t first, size_t last) {
  double m[3][4] = {};
  for (size_t n = first; n < last; ++n) {
    const double t = 2 * kPi * freq_hz * static_cast<double>(n) / rate_hz;
    const double x[3] = {std::sin(t), std::cos(t), 1.0};
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 3; ++j) m[i][j] += x[i] * x[j];
      m[i][3] += x[i] * v[n];
    }
  }
  for (int i = 0; i < 3; ++i)  // Gauss-Jordan
    for (int k = 0; k < 3; ++k) {
      if (k == i) continue;
      const double f = m[k][i] / m[i][i];
      for (int j = 0; j < 4; ++j) m[k][j] -= f * m[i][j];
    }
  const double a = m[0][3] / m[0][0], b = m[1][3] / m[1][1], c = m[2][3] / m[2][2];
  double sq = 0;
  for (size_t n = first; n < last; ++n) {
    const double t = 2 * kPi * freq_hz * static_cast<double>(n) / rate_hz;
    const double e = v[n] - (a * std::sin(t) + b * std::cos(t) + c);
    sq += e * e;
  }
  return {std::hypot(a, b), std::atan2(b, a), c, std::sqrt(sq / static_cast<double>(last - first))};
}

double rms(const std::vector<float>& v, size_t first, size_t last) {
  double sq = 0;
  for (size_t n = first; n < last; ++n) sq += static_cast<double>(v[n]) * v[n];
  return std::sqrt(sq / static_cast<double>(last - first));
}

}  // namespace

TEST_CASE("resampled recordings have floor((N - 1) * to / from) + 1 rows", "[resample]") {
  CHECK(resampled_rows(1040, 104, 100) == 1000);
  CHECK(resampled_rows(208, 104, 100) == 200);
  CHECK(resampled_rows(1, 104, 100) == 1);
  CHECK(resampled_rows(0, 104, 100) == 0);
  CHECK(resampled_rows(105, 104, 100) == 101);  // floor(104 * 25 / 26) + 1 = 100 + 1
  CHECK(resampled_rows(27, 104, 100) == 26);    // floor(26 * 25 / 26) + 1: the last row's time is exact
  CHECK(resampled_rows(26, 104, 100) == 25);    // floor(25 * 25 / 26) + 1
  CHECK(resampled_rows(16000, 16000, 8000) == 8000);
  CHECK(resampled_rows(44100, 44100, 16000) == 16000);
  CHECK(resampled_rows(100, 100, 250) == 248);  // floor(99 * 2.5) + 1
  CHECK(resampled_rows(1000, 99.9, 100) == 1001);          // 1000 / 999: floor(999 * 1000 / 999) + 1
  CHECK(resampled_rows(1000, 1000.0 / 3.0, 100) == 300);   // 3 / 10
  CHECK(resampled_rows(3000, 100 * kPi, 100) == 955);      // no small exact fraction: floor(2999 / pi) + 1
  CHECK(resample(std::vector<float>(1040 * 3, 1.0f), 3, 104, 100).size() == 1000 * 3);
  CHECK_THROWS_AS(resampled_rows(10, 0, 100), tml::trainer::Error);
  CHECK_THROWS_AS(resampled_rows(10, 100, -1), tml::trainer::Error);
  CHECK_THROWS_AS(resample(std::vector<float>(10), 3, 104, 100), tml::trainer::Error);
}

TEST_CASE("resampling keeps a constant exactly and each axis apart", "[resample]") {
  std::vector<float> v;
  for (int n = 0; n < 500; ++n) v.insert(v.end(), {9.80665f, -1.5f, static_cast<float>(n % 2)});
  const auto out = resample(v, 3, 104, 100);
  REQUIRE(out.size() % 3 == 0);
  for (size_t n = 0; n < out.size() / 3; ++n) {
    REQUIRE(out[n * 3] == Approx(9.80665).epsilon(1e-6));
    REQUIRE(out[n * 3 + 1] == Approx(-1.5).epsilon(1e-6));
  }
  // The third axis alternates at 52 Hz, the old Nyquist frequency, above the new one (50 Hz): only its
  // mean of 0.5 is left, and nothing leaks into the other axes.
  for (size_t n = 40; n + 40 < out.size() / 3; ++n) REQUIRE(out[n * 3 + 2] == Approx(0.5).margin(1e-3));
}

TEST_CASE("resampling 104 Hz to 100 Hz keeps sines below 42.5 Hz and removes those above 50 Hz", "[resample]") {
  const double from = 104, to = 100;
  const size_t rows = 1040;
  for (double f : {1.0, 5.0, 20.0, 35.0, 42.5}) {
    const double phase = 0.3 + f / 10;
    const auto out = resample(sine(rows, from, f, 2.0, phase, 9.8), 1, from, to);
    REQUIRE(out.size() == 1000);
    const Fit fit = fit_sine(out, to, f, 60, out.size() - 60);  // away from the edges
    INFO("f = " << f << " Hz: amplitude " << fit.amplitude << ", phase " << fit.phase << ", residual " << fit.residual);
    CHECK(std::fabs(fit.amplitude - 2.0) < 2.0 * 1e-3);
    CHECK(std::fabs(std::remainder(fit.phase - phase, 2 * kPi)) < 1e-3);  // same time origin: no delay
    CHECK(fit.offset == Approx(9.8).epsilon(1e-5));
    CHECK(fit.residual < 2.0 * 1e-3);
  }
  // 51 Hz at 104 Hz would alias to 49 Hz at 100 Hz.
  const auto alias = resample(sine(rows, from, 51.0, 2.0, 0.1), 1, from, to);
  INFO("51 Hz leaves an RMS of " << rms(alias, 60, alias.size() - 60));
  CHECK(rms(alias, 60, alias.size() - 60) < 2.0 * 1e-3);
}

TEST_CASE("resampling down by 10 suppresses what would alias and keeps the band below", "[resample]") {
  const double from = 1000, to = 100;
  const size_t rows = 5000;
  for (double f : {3.0, 17.0, 40.0}) {
    const auto out = resample(sine(rows, from, f, 1.0, 1.0), 1, from, to);
    REQUIRE(out.size() == 500);  // floor(4999 / 10) + 1
    const Fit fit = fit_sine(out, to, f, 40, out.size() - 40);
    INFO("f = " << f << " Hz: amplitude " << fit.amplitude << ", phase " << fit.phase);
    CHECK(std::fabs(fit.amplitude - 1.0) < 1e-3);
    CHECK(std::fabs(std::remainder(fit.phase - 1.0, 2 * kPi)) < 1e-3);
    CHECK(fit.residual < 1e-3);
  }
  // Each would land on 20 to 40 Hz at 100 Hz; nearest-neighbour or linear interpolation keeps most of it.
  for (double f : {55.0, 60.0, 130.0, 260.0, 480.0}) {
    const auto out = resample(sine(rows, from, f, 1.0, 0.2), 1, from, to);
    INFO("f = " << f << " Hz leaves an RMS of " << rms(out, 40, out.size() - 40));
    CHECK(rms(out, 40, out.size() - 40) < 1e-3);
  }
}

TEST_CASE("resampling up keeps the sine and adds no images", "[resample]") {
  for (double f : {2.0, 20.0, 40.0}) {
    const auto out = resample(sine(1000, 100, f, 3.0, -0.7), 1, 100, 250);
    REQUIRE(out.size() == 2498);  // floor(999 * 2.5) + 1
    const Fit fit = fit_sine(out, 250, f, 100, out.size() - 100);
    INFO("f = " << f << " Hz: amplitude " << fit.amplitude << ", residual " << fit.residual);
    CHECK(std::fabs(fit.amplitude - 3.0) < 3e-3);
    CHECK(std::fabs(std::remainder(fit.phase + 0.7, 2 * kPi)) < 1e-3);
    CHECK(fit.residual < 3e-3);  // an image at 250 - f or a staircase would show here
  }
}

TEST_CASE("a ratio without a small exact fraction is resampled as well", "[resample]") {
  const double from = 100 * kPi, to = 100;
  const auto out = resample(sine(3000, from, 10.0, 1.0, 0.5), 1, from, to);
  REQUIRE(out.size() == 955);
  const Fit fit = fit_sine(out, to, 10.0, 40, out.size() - 40);
  CHECK(std::fabs(fit.amplitude - 1.0) < 1e-3);
  CHECK(std::fabs(std::remainder(fit.phase - 0.5, 2 * kPi)) < 1e-3);
  const auto alias = resample(sine(3000, from, 70.0, 1.0, 0.5), 1, from, to);
  CHECK(rms(alias, 40, alias.size() - 40) < 1e-3);
}
