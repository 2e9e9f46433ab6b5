// Calibration: TFLite's choice of scale and zero point for a range, and the ranges measured on windows
// (min/max exactly; percentiles within one histogram bin of the exact ones, on the outer side).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "synthetic_data.h"
#include "tml/trainer/architecture.h"
#include "tml/trainer/calibration.h"
#include "tml/trainer/error.h"

using namespace tml::trainer;

TEST_CASE("scale and zero point follow TFLite for a range", "[calibration]") {
  QuantParams q = choose_quant_params({0.0, 6.0});  // a ReLU output
  CHECK(q.scale == static_cast<float>(6.0 / 255.0));
  CHECK(q.zero_point == -128);
  q = choose_quant_params({2.0, 5.0});  // widened to include 0
  CHECK(q.scale == static_cast<float>(5.0 / 255.0));
  CHECK(q.zero_point == -128);
  q = choose_quant_params({-4.0, -1.0});  // [-4, 0]
  CHECK(q.scale == static_cast<float>(4.0 / 255.0));
  CHECK(q.zero_point == 127);
  q = choose_quant_params({-1.0, 3.0});  // -128 + 1 / (4 / 255) = -64.25
  CHECK(q.scale == static_cast<float>(4.0 / 255.0));
  CHECK(q.zero_point == -64);
  q = choose_quant_params({-3.0, 1.0});  // 127 - 1 / (4 / 255) = 63.25 from the max is the closer end
  CHECK(q.zero_point == 63);
  q = choose_quant_params({0.0, 0.0});
  CHECK(q.scale == 1.0f);
  CHECK(q.zero_point == 0);
  // Whatever the range, 0 is exactly representable and both ends are within reach.
  for (const Range r : {Range{-0.3, 7.1}, Range{-13.0, 0.01}, Range{-2.353, 2.406}, Range{-130.6, 37.1}}) {
    const QuantParams p = choose_quant_params(r);
    CHECK(p.dequantize(p.zero_point) == 0.0);
    CHECK(p.dequantize(-128) <= r.min + p.scale);
    CHECK(p.dequantize(127) >= r.max - p.scale);
  }
}

namespace {

struct Fixture {
  RecordingSet set = tml::test::synthetic_recordings(4, 200, 5);
  Sequential net = make_preset("dense", 3);
  std::vector<Window> windows;
  Normalization norm;
  FoldedNet folded;

  Fixture() {
    net.build({40, 2});
    net.init(3);
    windows = make_windows(set, recordings_of(set, Split::Train), {40, 10});
    norm = fit_normalization(set, windows, 40);
    folded = fold(net);
  }

  std::vector<float> inputs() {
    std::vector<float> x(windows.size() * 80);
    gather(set, windows.data(), nullptr, static_cast<int>(windows.size()), 40, norm, x.data(), nullptr);
    return x;
  }
};

}  // namespace

TEST_CASE("min/max calibration sees every value of every window", "[calibration]") {
  Fixture f;
  const Calibration c = calibrate(f.folded, f.set, f.windows, 40, f.norm, {});
  CHECK(c.windows == static_cast<int64_t>(f.windows.size()));
  const std::vector<float> x = f.inputs();
  const auto mm = std::minmax_element(x.begin(), x.end());
  CHECK(c.input.min == *mm.first);
  CHECK(c.input.max == *mm.second);
  CHECK(c.input_seen.min == c.input.min);
  REQUIRE(c.outputs.size() == 4);
  CHECK(c.outputs[0].min == 0.0);  // dense + relu
  CHECK(c.outputs[0].max > 0.0);
  CHECK(c.outputs[2].min < 0.0);   // logits
  CHECK(c.outputs[3].min >= 0.0);  // softmax
  CHECK(c.outputs[3].max <= 1.0);

  // The logits' range from the float network directly.
  std::vector<std::vector<float>> acts;
  forward_all(f.folded, x.data(), static_cast<int>(f.windows.size()), acts);
  const std::vector<float>& logits = acts[f.folded.layers[2].last];
  const auto lm = std::minmax_element(logits.begin(), logits.begin() + static_cast<long>(f.windows.size() * 3));
  CHECK(c.outputs[2].min == *lm.first);
  CHECK(c.outputs[2].max == *lm.second);
}

TEST_CASE("percentile calibration clips the tails to within one histogram bin", "[calibration]") {
  Fixture f;
  CalibrationOptions o;
  o.method = CalibrationMethod::Percentile;
  o.percentile = 99.0;
  const Calibration c = calibrate(f.folded, f.set, f.windows, 40, f.norm, o);
  std::vector<float> x = f.inputs();
  std::sort(x.begin(), x.end());
  const double bin = (c.input_seen.max - c.input_seen.min) / 16384.0;
  const size_t tail = x.size() / 100;  // 1 % of the values on each side
  const double lo = x[tail], hi = x[x.size() - 1 - tail];
  CHECK(c.input.min <= lo + 1e-9);
  CHECK(c.input.min >= lo - bin - 1e-9);
  CHECK(c.input.max >= hi - 1e-9);
  CHECK(c.input.max <= hi + bin + 1e-9);
  CHECK(c.input.max < c.input_seen.max);
  CHECK(c.input.min > c.input_seen.min);
  CHECK(c.outputs[0].min == 0.0);  // a ReLU's zeros are most of its values

  o.percentile = 100;
  const Calibration all = calibrate(f.folded, f.set, f.windows, 40, f.norm, o);
  CHECK(all.input.min == all.input_seen.min);
  CHECK(all.input.max == all.input_seen.max);
}

TEST_CASE("calibration refuses what it cannot measure", "[calibration]") {
  Fixture f;
  CHECK_THROWS_WITH(calibrate(f.folded, f.set, {}, 40, f.norm, {}), Catch::Contains("at least one window"));
  CalibrationOptions o;
  o.method = CalibrationMethod::Percentile;
  o.percentile = 40;
  CHECK_THROWS_WITH(calibrate(f.folded, f.set, f.windows, 40, f.norm, o), Catch::Contains("percentile"));
  CHECK_THROWS_WITH(calibrate(f.folded, f.set, f.windows, 30, f.norm, {}), Catch::Contains("the network takes [40][2]"));
}
