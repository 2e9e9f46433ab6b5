// The two reference models of bench/MODELS.md as quantized models with random int8 parameters, for tests
// that need a real model blob (trainer/blob_writer.h writes it). Deterministic for a given seed.
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

}  // namespace tml::test
