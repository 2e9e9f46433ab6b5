// The real FFT and power spectrum (tml/fft.h) against a naive DFT in double precision, for every size
// from 16 to 1024, plus signals whose spectra are known exactly.
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <cstdint>
#include <random>
#include <vector>

#include "tml/fft.h"

namespace {

const double kPi = std::acos(-1.0);

// The table the host stores in the blob: cos and sin of 2 pi k / n, k < n/2, computed in double.
std::vector<float> twiddles(uint32_t n) {
  std::vector<float> t(n);
  for (uint32_t k = 0; k < n / 2; ++k) {
    t[2 * k] = static_cast<float>(std::cos(2 * kPi * k / n));
    t[2 * k + 1] = static_cast<float>(std::sin(2 * kPi * k / n));
  }
  return t;
}

std::vector<std::complex<double>> dft(const std::vector<float>& x) {
  const size_t n = x.size();
  std::vector<std::complex<double>> X(n / 2 + 1);
  for (size_t k = 0; k <= n / 2; ++k)
    for (size_t j = 0; j < n; ++j) X[k] += double(x[j]) * std::polar(1.0, -2 * kPi * double((j * k) % n) / double(n));
  return X;
}

std::complex<double> packed_bin(const std::vector<float>& buf, uint32_t k) {
  const uint32_t n = static_cast<uint32_t>(buf.size());
  if (k == 0) return buf[0];
  if (k == n / 2) return buf[1];
  return {buf[2 * k], buf[2 * k + 1]};
}

}  // namespace

TEST_CASE("fft: every size matches a double-precision DFT", "[fft]") {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (uint32_t n = TML_FFT_MIN_SIZE; n <= TML_FFT_MAX_SIZE; n *= 2) {
    const std::vector<float> table = twiddles(n);
    for (int trial = 0; trial < 3; ++trial) {
      std::vector<float> x(n);
      for (float& v : x) v = u(rng);
      const auto X = dft(x);
      std::vector<float> buf = x;
      tml_rfft_f32(buf.data(), n, table.data());
      // Error relative to the signal's energy (Parseval: the rms bin is sqrt(n) * rms sample): what the
      // single-precision FFT guarantees is about log2(n) roundings of that size.
      double energy = 0, worst = 0;
      for (float v : x) energy += double(v) * v;
      const double scale = std::sqrt(energy);
      for (uint32_t k = 0; k <= n / 2; ++k) worst = std::max(worst, std::abs(packed_bin(buf, k) - X[k]) / scale);
      INFO("n = " << n << ": largest error " << worst << " of the rms bin");
      CHECK(worst < 1e-7 * std::log2(double(n)));

      std::vector<float> power = buf;
      tml_power_spectrum_f32(power.data(), n);
      // The power spectrum is Re^2 + Im^2 of the packed output, each rounded once or twice.
      for (uint32_t k = 0; k <= n / 2; ++k) {
        const double p = std::norm(packed_bin(buf, k));
        CHECK(std::fabs(double(power[k]) - p) <= 2.5e-7 * p);
      }
    }
  }
}

TEST_CASE("fft: known spectra of an impulse and a constant and a cosine on a bin", "[fft]") {
  const uint32_t n = 64;
  const std::vector<float> table = twiddles(n);
  std::vector<float> buf(n, 0.0f);
  buf[0] = 1.0f;  // impulse: every bin is 1
  tml_rfft_f32(buf.data(), n, table.data());
  for (uint32_t k = 0; k <= n / 2; ++k) CHECK(std::abs(packed_bin(buf, k) - 1.0) < 1e-6);

  std::fill(buf.begin(), buf.end(), 0.5f);  // constant: n/2 at DC, nothing elsewhere
  tml_rfft_f32(buf.data(), n, table.data());
  CHECK(buf[0] == 32.0f);
  for (uint32_t k = 1; k <= n / 2; ++k) CHECK(std::abs(packed_bin(buf, k)) < 1e-5);

  for (uint32_t bin : {1u, 5u, 16u, 31u}) {
    for (uint32_t j = 0; j < n; ++j) buf[j] = float(std::cos(2 * kPi * bin * j / n));
    tml_rfft_f32(buf.data(), n, table.data());
    tml_power_spectrum_f32(buf.data(), n);
    for (uint32_t k = 0; k <= n / 2; ++k) {
      INFO("cosine on bin " << bin << ", bin " << k);
      if (k == bin)
        CHECK(std::fabs(buf[k] - 1024.0) < 1e-2);  // (n/2)^2
      else
        CHECK(buf[k] < 1e-8);
    }
  }
  // The Nyquist bin: (-1)^j has all its energy at n/2.
  for (uint32_t j = 0; j < n; ++j) buf[j] = j % 2 ? -1.0f : 1.0f;
  tml_rfft_f32(buf.data(), n, table.data());
  CHECK(buf[0] == 0.0f);
  CHECK(buf[1] == 64.0f);
}

TEST_CASE("fft: fft_size_ok accepts exactly the powers of two from 16 to 1024", "[fft]") {
  for (uint32_t n = 0; n <= 2048; ++n) {
    const bool power = n && (n & (n - 1)) == 0;
    CHECK(bool(tml_fft_size_ok(n)) == (power && n >= 16 && n <= 1024));
  }
}
