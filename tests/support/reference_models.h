// The reference models of bench/MODELS.md (conv1d, dense, and the keyword-spotting DS-CNN) as quantized
// models with random int8 parameters, for tests and benchmarks that need a real model blob
// (trainer/blob_writer.h writes it). Deterministic for a given seed.
#pragma once

#include <cmath>
#include <random>
#include <vector>

#include "quant_reference.h"
#include "tml/trainer/blob_writer.h"

namespace tml::test {

using namespace tml::trainer;

// A conv1d or dense layer with random weights and scales; ReLU when `relu`.
inline QuantizedLayer random_layer(std::mt19937& rng, tml_layer_kind kind, int units, size_t dot, double in_scale,
                            double out_scale, int out_zp, bool relu) {
  QuantizedLayer l;
  l.kind = kind;
  l.units = units;
  l.weights = random_s8(rng, size_t(units) * dot, -127, 127);
  std::uniform_int_distribution<int32_t> bias(-2000, 2000);
  std::uniform_real_distribution<double> wscale(0.5, 1.5);
  std::vector<double> scales;
  for (int o = 0; o < units; ++o) {
    l.bias.push_back(bias(rng));
    scales.push_back(wscale(rng) / (127.0 * std::sqrt(double(dot))));
  }
  l.output_scale = float(out_scale);
  l.output_zero_point = out_zp;
  if (relu) l.act_min = out_zp;
  set_requantization(l, in_scale, scales, out_scale);
  return l;
}

// bench/MODELS.md conv1d model: [208][3] -> conv 8 k5 ReLU, max pool 2 -> conv 16 k5 ReLU, max pool 2
// -> dense 4 -> softmax. `fused` puts each max pool into its convolution.
inline QuantizedModel conv1d_model(uint32_t seed, bool fused = true) {
  std::mt19937 rng(seed);
  QuantizedModel m;
  m.input_time = 208;
  m.input_channels = 3;
  m.input_scale = 0.03f;
  m.input_zero_point = -2;
  m.labels = {"idle", "snake", "updown", "wave"};
  m.mean = {0.1f, -9.7f, 0.4f};
  m.inv_std = {1.9f, 0.8f, 1.3f};
  const auto conv = [&](int units, int in_ch, double in_scale, double out_scale) {
    QuantizedLayer l = random_layer(rng, TML_LAYER_CONV1D, units, size_t(5) * in_ch, in_scale, out_scale, -128, true);
    l.kernel_size = 5;
    l.stride = 1;
    if (fused) {
      l.pool_size = 2;
      l.pool_stride = 2;
    }
    return l;
  };
  m.layers.push_back(conv(8, 3, 0.03, 0.02));
  if (!fused) m.layers.push_back(pooling_layer(TML_LAYER_MAX_POOL1D, 2, 2));
  m.layers.push_back(conv(16, 8, 0.02, 0.025));
  if (!fused) m.layers.push_back(pooling_layer(TML_LAYER_MAX_POOL1D, 2, 2));
  m.layers.push_back(random_layer(rng, TML_LAYER_FULLY_CONNECTED, 4, 49 * 16, 0.025, 0.1, 5, false));
  m.layers.push_back(softmax_layer(0.1));
  return m;
}

// bench/MODELS.md dense model: 624 -> 32 ReLU -> 16 ReLU -> 4 -> softmax.
inline QuantizedModel dense_model(uint32_t seed) {
  std::mt19937 rng(seed);
  QuantizedModel m;
  m.input_time = 208;
  m.input_channels = 3;
  m.input_scale = 0.03f;
  m.input_zero_point = 1;
  m.layers.push_back(random_layer(rng, TML_LAYER_FULLY_CONNECTED, 32, 624, 0.03, 0.02, -128, true));
  m.layers.push_back(random_layer(rng, TML_LAYER_FULLY_CONNECTED, 16, 32, 0.02, 0.03, -128, true));
  m.layers.push_back(random_layer(rng, TML_LAYER_FULLY_CONNECTED, 4, 16, 0.03, 0.08, -3, false));
  m.layers.push_back(softmax_layer(0.08));
  return m;
}

// A model behind a front end (front_end.h section bytes), random parameters: [T][C] features ->
// conv 16 k3 stride 2 ReLU -> dense -> softmax over `classes`, normalisation per feature channel.
// For the MFCC front end [49][10], a KWS-shaped toy; for spectral [1][F], the conv has kernel 1.
inline QuantizedModel front_end_model(uint32_t seed, const std::vector<uint8_t>& features, int time, int channels,
                                      int classes = 4) {
  std::mt19937 rng(seed);
  QuantizedModel m;
  m.input_time = time;
  m.input_channels = channels;
  m.input_scale = 0.04f;
  m.input_zero_point = 0;
  m.features = features;
  std::uniform_real_distribution<float> mean(-3.0f, 3.0f), inv_std(0.2f, 2.0f);
  for (int c = 0; c < channels; ++c) {
    m.mean.push_back(mean(rng));
    m.inv_std.push_back(inv_std(rng));
  }
  const int kernel = time >= 3 ? 3 : 1;
  QuantizedLayer conv = random_layer(rng, TML_LAYER_CONV1D, 16, size_t(kernel) * channels, 0.04, 0.03, -128, true);
  conv.kernel_size = kernel;
  conv.stride = time >= 3 ? 2 : 1;
  m.layers.push_back(conv);
  const int conv_time = (time - kernel) / conv.stride + 1;
  m.layers.push_back(
      random_layer(rng, TML_LAYER_FULLY_CONNECTED, classes, size_t(conv_time) * 16, 0.03, 0.1, 5, false));
  m.layers.push_back(softmax_layer(0.1));
  return m;
}

// The DS-CNN of bench/MODELS.md's keyword-spotting peer as the int8 runner executes it (batch norms folded):
// [49][10] -> conv1d 64 k5 stride 2, padding 2 + 2 ("same"), ReLU -> [25][64] -> 4 x (depthwise k3 same
// ReLU, pointwise conv1d 64 k1 ReLU) -> global average pool -> dense 12 -> softmax. 509,568 MACs.
inline QuantizedModel dscnn_model(uint32_t seed) {
  std::mt19937 rng(seed);
  QuantizedModel m;
  m.input_time = 49;
  m.input_channels = 10;
  m.input_scale = 0.04f;
  m.input_zero_point = 3;
  const auto windowed = [](QuantizedLayer l, int kernel, int stride, int pad) {
    l.kernel_size = kernel;
    l.stride = stride;
    l.pad_left = l.pad_right = pad;
    return l;
  };
  m.layers.push_back(windowed(random_layer(rng, TML_LAYER_CONV1D, 64, 5 * 10, 0.04, 0.03, -128, true), 5, 2, 2));
  double scale = 0.03;
  for (int block = 0; block < 4; ++block) {
    m.layers.push_back(
        windowed(random_layer(rng, TML_LAYER_DEPTHWISE_CONV1D, 64, 3, scale, 0.025, -128, true), 3, 1, 1));
    m.layers.push_back(windowed(random_layer(rng, TML_LAYER_CONV1D, 64, 64, 0.025, 0.03, -128, true), 1, 1, 0));
    scale = 0.03;
  }
  m.layers.push_back(pooling_layer(TML_LAYER_GLOBAL_AVG_POOL1D));
  m.layers.push_back(random_layer(rng, TML_LAYER_FULLY_CONNECTED, 12, 64, 0.03, 0.1, 2, false));
  m.layers.push_back(softmax_layer(0.1));
  return m;
}

}  // namespace tml::test
