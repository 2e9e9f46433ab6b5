#include "tml/trainer/calibration.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "tml/trainer/error.h"

namespace tml::trainer {
namespace {

constexpr int kBatch = 256;
constexpr size_t kBins = 16384;

class Histogram {
 public:
  Histogram(double lo, double hi) : lo_(lo), hi_(hi), bins_(kBins, 0) {}

  void add(const float* v, size_t n) {
    const double width = hi_ - lo_;
    for (size_t i = 0; i < n; ++i) {
      size_t b = 0;
      if (width > 0) {
        const double pos = (v[i] - lo_) / width * static_cast<double>(kBins);
        b = pos <= 0 ? 0 : std::min(kBins - 1, static_cast<size_t>(pos));
      }
      ++bins_[b];
    }
    count_ += n;
  }

  // From the (1 - q)-quantile to the q-quantile: a share 1 - q of the values is left out on each side.
  Range central(double q) const {
    const double tail = (1.0 - q) * static_cast<double>(count_);
    const double width = (hi_ - lo_) / static_cast<double>(kBins);
    Range r{lo_, hi_};
    uint64_t cum = 0;
    for (size_t b = 0; b < kBins; ++b) {  // first bin where the count passes the lower tail
      cum += bins_[b];
      if (static_cast<double>(cum) > tail) {
        r.min = lo_ + static_cast<double>(b) * width;
        break;
      }
    }
    cum = 0;
    for (size_t b = kBins; b-- > 0;) {
      cum += bins_[b];
      if (static_cast<double>(cum) > tail) {
        r.max = std::min(hi_, lo_ + static_cast<double>(b + 1) * width);
        break;
      }
    }
    return r;
  }

 private:
  double lo_, hi_;
  std::vector<uint64_t> bins_;
  uint64_t count_ = 0;
};

}  // namespace

const char* calibration_method_name(CalibrationMethod method) {
  return method == CalibrationMethod::Percentile ? "percentile" : "minmax";
}

QuantParams choose_quant_params(Range range) {
  const double lo = std::min(range.min, 0.0), hi = std::max(range.max, 0.0);
  QuantParams q;
  if (!(hi > lo)) return q;  // scale 1, zero point 0
  constexpr double qmin = -128, qmax = 127;
  const double scale = (hi - lo) / (qmax - qmin);
  q.scale = static_cast<float>(scale);
  const double from_min = qmin - lo / scale, from_max = qmax - hi / scale;
  const double error_min = std::fabs(qmin) + std::fabs(lo / scale), error_max = std::fabs(qmax) + std::fabs(hi / scale);
  const double zp = error_min < error_max ? from_min : from_max;
  q.zero_point = zp <= qmin ? -128 : zp >= qmax ? 127 : static_cast<int>(std::round(zp));
  return q;
}

Calibration calibrate(FoldedNet& folded, const RecordingSet& set, const std::vector<Window>& windows, int length,
                      const Normalization& norm, const CalibrationOptions& options) {
  if (windows.empty()) throw Error("calibration needs at least one window");
  if (options.method == CalibrationMethod::Percentile && !(options.percentile > 50 && options.percentile <= 100))
    throw Error("the calibration percentile must be above 50 and at most 100, e.g. 99.99");
  const size_t F = folded.layers.size();
  const Shape in_shape = folded.net.input_shape();
  if (in_shape != Shape{length, set.axis_count()})
    throw Error("the network takes " + in_shape.str() + " but the windows are [" + std::to_string(length) + "][" +
                std::to_string(set.axis_count()) + "]");

  // Tensor 0 is the input, tensor 1 + j the output of int8 layer j.
  std::vector<float> x(static_cast<size_t>(kBatch) * static_cast<size_t>(in_shape.size()));
  std::vector<std::vector<float>> acts;
  auto pass = [&](const std::function<void(size_t, const float*, size_t)>& see) {
    for (size_t i = 0; i < windows.size(); i += kBatch) {
      const int n = static_cast<int>(std::min<size_t>(kBatch, windows.size() - i));
      gather(set, windows.data() + i, nullptr, n, length, norm, x.data(), nullptr);
      forward_all(folded, x.data(), n, acts);
      see(0, x.data(), static_cast<size_t>(in_shape.size()) * n);
      for (size_t j = 0; j < F; ++j) {
        const size_t last = folded.layers[j].last;
        see(1 + j, acts[last].data(), static_cast<size_t>(folded.net.layer(last).output_shape().size()) * n);
      }
    }
  };

  std::vector<Range> seen(F + 1, Range{std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()});
  pass([&](size_t t, const float* v, size_t n) {
    const auto mm = std::minmax_element(v, v + n);
    seen[t].min = std::min(seen[t].min, double{*mm.first});
    seen[t].max = std::max(seen[t].max, double{*mm.second});
  });
  for (size_t t = 0; t <= F; ++t)
    if (!std::isfinite(seen[t].min) || !std::isfinite(seen[t].max))
      throw Error(t == 0 ? std::string("the calibration windows hold values that are not finite")
                         : "int8 layer " + std::to_string(t) + " (" + folded.layers[t - 1].description +
                               ") gives values that are not finite on the calibration windows");

  std::vector<Range> used = seen;
  if (options.method == CalibrationMethod::Percentile && options.percentile < 100) {
    std::vector<Histogram> hist;
    for (const Range& r : seen) hist.emplace_back(r.min, r.max);
    pass([&](size_t t, const float* v, size_t n) { hist[t].add(v, n); });
    for (size_t t = 0; t <= F; ++t) used[t] = hist[t].central(options.percentile / 100.0);
  }

  Calibration c;
  c.options = options;
  c.windows = static_cast<int64_t>(windows.size());
  c.input = used[0];
  c.input_seen = seen[0];
  c.outputs.assign(used.begin() + 1, used.end());
  c.outputs_seen.assign(seen.begin() + 1, seen.end());
  return c;
}

}  // namespace tml::trainer
