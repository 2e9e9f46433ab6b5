#include "tml/trainer/resample.h"

#include <cmath>
#include <string>

#include "tml/trainer/error.h"

namespace tml::trainer {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kStopbandDb = 80.0;
constexpr double kPassbandEdge = 0.85;   // of the lower Nyquist frequency
constexpr int64_t kMaxTerm = 1000000;    // numerator and denominator of an exact ratio
constexpr int64_t kMaxTablePhases = 4096;

void check_rates(double from_hz, double to_hz) {
  if (!(std::isfinite(from_hz) && from_hz > 0) || !(std::isfinite(to_hz) && to_hz > 0))
    throw Error("resampling needs two positive sample rates, got " + std::to_string(from_hz) + " Hz and " + std::to_string(to_hz) +
                " Hz");
}

// to/from as L/M in lowest terms, when such a fraction with small terms exists (continued fractions).
bool exact_ratio(double from_hz, double to_hz, int64_t* up, int64_t* down) {
  const double x = to_hz / from_hz;
  int64_t h0 = 0, h1 = 1, k0 = 1, k1 = 0;  // convergents h/k
  double rest = x;
  for (int i = 0; i < 64; ++i) {
    const double a_f = std::floor(rest);
    if (a_f > static_cast<double>(kMaxTerm)) return false;
    const int64_t a = static_cast<int64_t>(a_f);
    const int64_t h2 = a * h1 + h0, k2 = a * k1 + k0;
    if (h2 > kMaxTerm || k2 > kMaxTerm) return false;
    h0 = h1, h1 = h2, k0 = k1, k1 = k2;
    if (std::fabs(static_cast<double>(h1) / static_cast<double>(k1) - x) <= 1e-12 * x) {
      *up = h1;
      *down = k1;
      return true;
    }
    const double frac = rest - a_f;
    if (frac <= 0) return false;
    rest = 1.0 / frac;
  }
  return false;
}

double bessel_i0(double x) {  // power series, converges quickly for the window's arguments (< 10)
  double sum = 1.0, term = 1.0;
  const double q = x * x / 4.0;
  for (int k = 1; k < 200; ++k) {
    term *= q / (static_cast<double>(k) * static_cast<double>(k));
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return sum;
}

// The low-pass in units of input rows: h(t) = 2 fc sinc(2 fc t) w(t / half), |t| < half.
struct Kernel {
  double cutoff = 0;  // cycles per input row (-6 dB point)
  double beta = 0;
  double half = 0;    // half-length in input rows
  double i0_beta = 1;
  int taps = 0;       // input rows per output row: 2 * ceil(half)

  Kernel(double from_hz, double to_hz) {
    const double nyquist = 0.5 * std::fmin(1.0, to_hz / from_hz);  // the lower Nyquist, cycles per input row
    const double pass = kPassbandEdge * nyquist, stop = nyquist;
    cutoff = 0.5 * (pass + stop);
    beta = 0.1102 * (kStopbandDb - 8.7);
    i0_beta = bessel_i0(beta);
    const double length = (kStopbandDb - 7.95) / (2.285 * 2.0 * kPi * (stop - pass));  // Kaiser's estimate, in rows
    half = std::ceil(length / 2.0) + 1.0;
    taps = 2 * static_cast<int>(half);
  }
  double operator()(double t) const {
    const double r = t / half;
    if (r <= -1.0 || r >= 1.0) return 0.0;
    const double x = 2.0 * cutoff * t;
    const double sinc = x == 0.0 ? 1.0 : std::sin(kPi * x) / (kPi * x);
    return 2.0 * cutoff * sinc * bessel_i0(beta * std::sqrt(1.0 - r * r)) / i0_beta;
  }
  // Weights for input rows first .. first + taps - 1 around fractional position `frac` (0 <= frac < 1)
  // after row `base`: row base + 1 - taps / 2 + j gets weights[j]. Normalised to sum 1.
  void weights(double frac, double* w) const {
    double sum = 0;
    for (int j = 0; j < taps; ++j) {
      const double t = static_cast<double>(j - taps / 2 + 1) - frac;
      w[j] = (*this)(t);
      sum += w[j];
    }
    for (int j = 0; j < taps; ++j) w[j] /= sum;
  }
};

}  // namespace

size_t resampled_rows(size_t rows, double from_hz, double to_hz) {
  check_rates(from_hz, to_hz);
  if (rows == 0) return 0;
  int64_t up = 0, down = 0;
  if (exact_ratio(from_hz, to_hz, &up, &down)) {
    // floor((rows - 1) * up / down) + 1, exact (no overflow below 2^44 rows)
    return static_cast<size_t>(static_cast<uint64_t>(rows - 1) * static_cast<uint64_t>(up) / static_cast<uint64_t>(down)) + 1;
  }
  return static_cast<size_t>(std::floor(static_cast<double>(rows - 1) * to_hz / from_hz + 1e-9)) + 1;
}

std::vector<float> resample(const std::vector<float>& values, int axes, double from_hz, double to_hz) {
  check_rates(from_hz, to_hz);
  if (axes < 1) throw Error("resampling needs at least one axis");
  const size_t a = static_cast<size_t>(axes);
  if (values.size() % a != 0) throw Error("resampling: " + std::to_string(values.size()) + " values are not rows of " +
                                          std::to_string(axes) + " axes");
  const size_t rows = values.size() / a;
  const size_t out_rows = resampled_rows(rows, from_hz, to_hz);
  std::vector<float> out(out_rows * a);
  if (out_rows == 0) return out;

  const Kernel kernel(from_hz, to_hz);
  const int taps = kernel.taps;
  int64_t up = 0, down = 0;
  const bool exact = exact_ratio(from_hz, to_hz, &up, &down);
  std::vector<double> table;  // [phase][tap] for exact ratios with few phases
  if (exact && up <= kMaxTablePhases) {
    table.resize(static_cast<size_t>(up) * static_cast<size_t>(taps));
    for (int64_t p = 0; p < up; ++p)
      kernel.weights(static_cast<double>(p) / static_cast<double>(up), table.data() + static_cast<size_t>(p) * static_cast<size_t>(taps));
  }
  std::vector<double> w(static_cast<size_t>(taps)), acc(a);
  const int64_t last = static_cast<int64_t>(rows) - 1;
  for (size_t n = 0; n < out_rows; ++n) {
    int64_t base;
    const double* weights;
    if (exact) {
      const int64_t pos = static_cast<int64_t>(n) * down;  // output time in units of 1 / up input rows
      base = pos / up;
      const int64_t phase = pos % up;
      if (!table.empty()) {
        weights = table.data() + static_cast<size_t>(phase) * static_cast<size_t>(taps);
      } else {
        kernel.weights(static_cast<double>(phase) / static_cast<double>(up), w.data());
        weights = w.data();
      }
    } else {
      const double t = static_cast<double>(n) * from_hz / to_hz;
      base = static_cast<int64_t>(std::floor(t));
      kernel.weights(t - static_cast<double>(base), w.data());
      weights = w.data();
    }
    for (auto& v : acc) v = 0;
    const int64_t first = base + 1 - taps / 2;
    for (int j = 0; j < taps; ++j) {
      int64_t r = first + j;
      r = r < 0 ? 0 : r > last ? last : r;  // the edge value holds beyond the recording
      const float* row = values.data() + static_cast<size_t>(r) * a;
      for (size_t k = 0; k < a; ++k) acc[k] += weights[j] * static_cast<double>(row[k]);
    }
    for (size_t k = 0; k < a; ++k) out[n * a + k] = static_cast<float>(acc[k]);
  }
  return out;
}

void resample_recordings(RecordingSet& set, double to_hz) {
  check_rates(set.rate_hz > 0 ? set.rate_hz : -1, to_hz);
  if (set.rate_hz == to_hz) return;
  for (auto& r : set.recordings) {
    r.values = resample(r.values, set.axis_count(), set.rate_hz, to_hz);
    r.rows = static_cast<int>(r.values.size() / static_cast<size_t>(set.axis_count()));
  }
  set.rate_hz = to_hz;
}

}  // namespace tml::trainer
