// Calibration: the real ranges of the model input and of every int8 layer's output, measured by running
// the folded float network (fold.h) over calibration windows (normally the training windows), and the
// int8 quantization TFLite derives from a range.
//
//   minmax      the smallest and largest value seen (TFLite's default)
//   percentile  from the (100 - p)-th to the p-th percentile of all values of the tensor (e.g. p = 99.99:
//               0.01 % of the values are left out on each side): a few outliers no longer stretch the
//               scale of every other value; they saturate instead
//
// Percentiles come from a histogram of 16384 bins over the min/max range (a second pass), so memory does
// not grow with the number of windows; the bound is the bin edge on the outer side.
#pragma once

#include <cstdint>
#include <vector>

#include "tml/trainer/data.h"
#include "tml/trainer/fold.h"

namespace tml::trainer {

enum class CalibrationMethod { MinMax, Percentile };
const char* calibration_method_name(CalibrationMethod method);  // "minmax", "percentile"

struct CalibrationOptions {
  CalibrationMethod method = CalibrationMethod::MinMax;
  double percentile = 99.99;  // Percentile only: 50 < p <= 100
};

struct Range {
  double min = 0;
  double max = 0;
};

// Asymmetric int8 quantization of a tensor: real = scale * (q - zero_point), q in -128..127.
struct QuantParams {
  float scale = 1.0f;
  int zero_point = 0;

  double dequantize(int q) const { return static_cast<double>(scale) * (q - zero_point); }
};

// TensorFlow's choice for a range (the nudging of its fake-quantization, which the TFLite converter
// uses): widened to include 0; scale = (max - min) / 255 (in double, stored as a float); the zero point
// from whichever end (-128 for min, 127 for max) gives the smaller error, rounded to nearest (ties away
// from zero) and clamped to -128..127. A range of zero width gives scale 1, zero point 0. A range with min >= 0 gets zero point
// -128 exactly, so a fused ReLU's clamp (act_min = zero point) is 0.
QuantParams choose_quant_params(Range range);

struct Calibration {
  CalibrationOptions options;
  int64_t windows = 0;
  Range input;                  // the normalised input, as used for its quantization
  std::vector<Range> outputs;   // per int8 layer (FoldedNet::layers), as used
  Range input_seen;             // min and max actually seen (= input with minmax)
  std::vector<Range> outputs_seen;
};

// Runs `folded` over `windows` of `set` (length rows each, normalised with `norm`) in batches and
// measures the ranges. Throws Error for no windows or a percentile outside (50, 100].
Calibration calibrate(FoldedNet& folded, const RecordingSet& set, const std::vector<Window>& windows, int length,
                      const Normalization& norm, const CalibrationOptions& options);

}  // namespace tml::trainer
