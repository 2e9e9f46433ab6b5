// The model blob writer: turns a list of quantized layers into the bytes the firmware's runner executes
// (layout: firmware/include/tml/model_format.h, docs/model_format.md).
//
// The quantizer fills a QuantizedModel (int8 weights, int32 bias, per-channel multipliers and shifts,
// zero points, clamps); write_model_blob lays it out, lets the firmware planner place every buffer in
// the arena (tml_model_plan), stamps the hash and finally validates the result with the very runner
// that will load it on the board (tml_model_init). Shapes are not given per layer: each layer's input
// is the previous layer's output, and its output follows from its kind and geometry.
//
//   QuantizedModel m;
//   m.input_time = 208; m.input_channels = 3; m.input_scale = 0.031f; m.input_zero_point = -2;
//   QuantizedLayer conv;
//   conv.kind = TML_LAYER_CONV1D; conv.units = 8; conv.kernel_size = 5; conv.stride = 1;
//   conv.pool_size = 2; conv.pool_stride = 2;            // fused max pooling
//   conv.output_scale = 0.05f; conv.output_zero_point = -128; conv.act_min = -128;  // ReLU: act_min = zp
//   conv.weights = ...; conv.bias = ...;                 // [8][5][3] int8, [8] int32
//   set_requantization(conv, m.input_scale, weight_scales, conv.output_scale);
//   m.layers.push_back(conv);
//   ...
//   m.layers.push_back(softmax_layer(logits_scale));
//   std::vector<uint8_t> blob = write_model_blob(m);    // throws Error on a bad model
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tml/model_format.h"

namespace tml::trainer {

// One layer, in execution order.
struct QuantizedLayer {
  tml_layer_kind kind = TML_LAYER_FULLY_CONNECTED;
  int units = 0;  // fully connected: outputs; conv1d: filters (output channels); depthwise conv1d: its
                  // input's channels (which it keeps); unused otherwise

  // conv1d, depthwise conv1d, max/average pooling: window, stride and padding steps (each pad below
  // kernel_size).
  int kernel_size = 0;
  int stride = 0;
  int pad_left = 0;
  int pad_right = 0;
  // conv1d: fused max pooling of the activated outputs (0 = none).
  int pool_size = 0;
  int pool_stride = 0;

  // Output quantization and clamp. Pooling layers keep their input's scale and zero point: leave
  // output_scale at 0 to inherit them. A fused ReLU is act_min = output_zero_point.
  float output_scale = 0.0f;
  int output_zero_point = 0;
  int act_min = -128;
  int act_max = 127;

  // fully connected: weights [units][inputs] (inputs = time * channels of the input, index t*C + c);
  // conv1d: weights [units][kernel_size][input channels]; depthwise conv1d: [kernel_size][units].
  // Values -127..127.
  std::vector<int8_t> weights;
  std::vector<int32_t> bias;        // [units], or empty for none; scale input_scale * weight_scale[o]
  std::vector<int32_t> multiplier;  // [units]: real input_scale * weight_scale[o] / output_scale
  std::vector<int32_t> shift;       // [units]      as tml_quantize_multiplier gives it

  int32_t exp_multiplier = 0;  // softmax: tml_softmax_s8_exp_multiplier
};

// A value head of the blob's heads table: one output channel, real value = y * std + mean where y is the
// dequantized output (docs/model_format.md#output-heads).
struct QuantizedValueHead {
  std::string name;  // 1 to 31 printable ASCII characters
  float mean = 0;
  float std = 1;     // > 0
};

struct QuantizedModel {
  int input_time = 0;  // model input [time][channels]
  int input_channels = 0;
  float input_scale = 0.0f;
  int input_zero_point = 0;
  std::vector<QuantizedLayer> layers;
  std::vector<std::string> labels;  // empty, or one per class output, at most 31 bytes each
  // Value heads: the last values.size() output channels (the classes are the ones before them). With
  // any, the blob gets a heads table (version 3) and the network must not end with a softmax.
  std::vector<QuantizedValueHead> values;
  // Normalisation of raw sensor values (tml_model_prepare_input): empty, or one per input channel each.
  std::vector<float> mean;
  std::vector<float> inv_std;
  // The front end (front_end.h: audio_front_end_section, spectral_front_end_section), or empty: its
  // output [out_time][out_channels] must be the input [input_time][input_channels]; mean and inv_std
  // then normalise its output channels.
  std::vector<uint8_t> features;
  // The anomaly block (anomaly.h: kmeans_anomaly_block, autoencoder_anomaly_block), or empty. It scores
  // the network input; a K-means block may stand alone (no layers: the output is then the input).
  std::vector<uint8_t> anomaly;
};

// Fills layer.multiplier and layer.shift from real scales: for each output channel o,
// tml_quantize_multiplier(input_scale * weight_scales[o] / output_scale). Throws Error
// for a non-positive scale.
void set_requantization(QuantizedLayer& layer, double input_scale, const std::vector<double>& weight_scales,
                        double output_scale);

// A softmax layer over logits of scale `input_scale` (output scale 1/256, zero point -128).
QuantizedLayer softmax_layer(double input_scale, double beta = 1.0);

// A max or average pooling layer (kind TML_LAYER_MAX_POOL1D or TML_LAYER_AVG_POOL1D), or global
// average pooling (TML_LAYER_GLOBAL_AVG_POOL1D, size and stride ignored).
QuantizedLayer pooling_layer(tml_layer_kind kind, int size = 0, int stride = 0, int pad_left = 0, int pad_right = 0);

// Whether layers of this kind carry weights, bias and requantization (and so a calibrated output range):
// fully connected, conv1d, depthwise conv1d. The one list; a new layer kind with parameters goes here.
bool has_parameters(int kind);

// Throws Error unless every label fits the blob's label table (TML_MODEL_LABEL_SIZE - 1 bytes, no NUL):
// what the writer checks, for callers that want to know before a long training or calibration.
void check_blob_labels(const std::vector<std::string>& labels);

// "fully_connected", "conv1d", "max_pool1d", "avg_pool1d", "global_avg_pool1d", "softmax", "depthwise_conv1d".
const char* layer_kind_name(int kind);

// The blob: header, layer records, labels, normalisation and every array 4-byte aligned, the arena
// planned, the hash set; validated by tml_model_init before it is returned. Throws
// Error with a message naming the layer and the field when the model is not valid.
std::vector<uint8_t> write_model_blob(const QuantizedModel& model);

}  // namespace tml::trainer
