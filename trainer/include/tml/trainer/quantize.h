// Post-training int8 quantization of a float model, TFLite's scheme (tml/types.h), and the measurement
// of what it changes.
//
//   QuantizeResult q = quantize(model, set, train_windows, options);  // fold, calibrate, quantize, blob
//   Comparison c = compare(model, q, set, test_windows);            // float vs int8, per layer and class
//
// Scheme, per int8 layer of the folded network (fold.h):
//   input         asymmetric per tensor from the calibrated range of the normalised input
//   weights       symmetric per output channel: scale[o] = max |W[o]| / 127, q = round(W / scale[o])
//                 (an all-zero channel gets scale 1 / 127)
//   bias          int32, round(b[o] / (input_scale * scale[o]))
//   outputs       asymmetric per tensor from the calibrated range (choose_quant_params); a fused ReLU
//                 clamps at the zero point; pooling keeps its input's quantization; softmax outputs
//                 1/256, -128 and takes the logits' scale for its exp_multiplier
//   requantization  input_scale * scale[o] / output_scale as a Q31 multiplier and shift
//                 (set_requantization, with the float scales the blob stores)
// Rounding is to nearest, ties away from zero, as TFLite's converter.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tml/trainer/blob_writer.h"
#include "tml/trainer/calibration.h"
#include "tml/trainer/float_model.h"
#include "tml/trainer/fold.h"
#include "tml/trainer/metrics.h"

namespace tml::trainer {

struct QuantizeResult {
  FoldedNet folded;
  Calibration calibration;
  QuantParams input;
  std::vector<QuantParams> outputs;  // per int8 layer: its output quantization
  QuantizedModel quantized;          // what the blob is written from
  std::vector<uint8_t> blob;         // validated by the firmware's runner (tml_model_init)
};

// Folds the model's network, calibrates on `calibration_windows` of `set` (their normalised values) and
// quantizes; the blob carries the model's labels and normalisation. Throws Error naming the layer for a
// network the int8 runner cannot execute, a label longer than the blob holds, or parameters the int8
// kernels cannot take (e.g. a bias too large for the int32 accumulator).
QuantizeResult quantize(const Model& model, const RecordingSet& set, const std::vector<Window>& calibration_windows,
                        const CalibrationOptions& options = {});

// Per-channel symmetric int8 weights and int32 bias of a conv1d, depthwise conv1d or dense layer `l` (the
// scheme above) into out.weights and out.bias, and each output channel's weight scale. `what` names the
// layer in errors. Throws Error for a bias too large for the int32 accumulator.
void quantize_parameters(const Layer& l, const std::string& what, double input_scale, QuantizedLayer& out,
                         std::vector<double>& weight_scales);

// How far one int8 layer's outputs are from the float network's, over a set of windows: the float
// model runs on the normalised windows, the int8 model (the firmware's code) on the raw ones, so the
// errors of all earlier layers are included.
struct LayerError {
  double max_abs = 0;  // max |float - dequantized int8|
  double rms = 0;      // root mean square of the difference
  double sqnr_db = 0;  // 10 log10(sum float^2 / sum difference^2); 999 when they are equal
  double clipped = 0;  // share of float values outside what the layer's int8 output can represent
  Range seen;          // the float outputs' min and max on these windows
};

struct Comparison {
  Metrics float_metrics;  // the float model as trained (evaluate())
  Metrics int8_metrics;   // the blob on the firmware's kernels (Int8Model)
  std::vector<int> float_predictions, int8_predictions;
  double agreement = 0;   // share of windows where both pick the same class
  std::vector<LayerError> layers;  // per int8 layer
};

// Runs both models on `windows` of `set` (labels as the model's). Deterministic.
Comparison compare(Model& model, QuantizeResult& quantized, const RecordingSet& set, const std::vector<Window>& windows);

}  // namespace tml::trainer
