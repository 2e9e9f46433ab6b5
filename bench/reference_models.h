// The two reference models of the project's benchmarks (conv1d and dense, shapes as in the shared
// MODELS.md) with random int8 parameters and realistic scales, built with the trainer's blob writer.
// What bench_kernels runs on the emulated board; the tests run the same models through both kernel sets.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "tml/trainer/model_blob.h"

namespace tml::bench {

// A conv1d or dense layer with random weights (-127..127) and biases, per-channel weight scales around
// 1 / (127 * sqrt(dot length)) so activations spread over the int8 range; ReLU when `relu`.
inline trainer::QuantizedLayer random_layer(std::mt19937& rng, tml_layer_kind kind, int units, size_t dot,
                                            double in_scale, double out_scale, int out_zp, bool relu) {
  trainer::QuantizedLayer l;
  l.kind = kind;
  l.units = units;
  std::uniform_int_distribution<int> weight(-127, 127);
  for (size_t i = 0; i < size_t(units) * dot; ++i) l.weights.push_back(static_cast<int8_t>(weight(rng)));
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
  trainer::set_requantization(l, in_scale, scales, out_scale);
  return l;
}

// [208][3] -> conv 8 k5 ReLU + max pool 2 (fused) -> conv 16 k5 ReLU + max pool 2 (fused) -> dense 4
// -> softmax.
inline trainer::QuantizedModel conv1d_reference_model(uint32_t seed) {
  std::mt19937 rng(seed);
  trainer::QuantizedModel m;
  m.input_time = 208;
  m.input_channels = 3;
  m.input_scale = 0.03f;
  m.input_zero_point = -2;
  const auto conv = [&](int units, int in_ch, double in_scale, double out_scale) {
    auto l = random_layer(rng, TML_LAYER_CONV1D, units, size_t(5) * in_ch, in_scale, out_scale, -128, true);
    l.kernel_size = 5;
    l.stride = 1;
    l.pool_size = 2;
    l.pool_stride = 2;
    return l;
  };
  m.layers.push_back(conv(8, 3, 0.03, 0.02));
  m.layers.push_back(conv(16, 8, 0.02, 0.025));
  m.layers.push_back(random_layer(rng, TML_LAYER_FULLY_CONNECTED, 4, 49 * 16, 0.025, 0.1, 5, false));
  m.layers.push_back(trainer::softmax_layer(0.1));
  return m;
}

// 624 (= [208][3] flattened) -> dense 32 ReLU -> dense 16 ReLU -> dense 4 -> softmax.
inline trainer::QuantizedModel dense_reference_model(uint32_t seed) {
  std::mt19937 rng(seed);
  trainer::QuantizedModel m;
  m.input_time = 208;
  m.input_channels = 3;
  m.input_scale = 0.03f;
  m.input_zero_point = 1;
  m.layers.push_back(random_layer(rng, TML_LAYER_FULLY_CONNECTED, 32, 624, 0.03, 0.02, -128, true));
  m.layers.push_back(random_layer(rng, TML_LAYER_FULLY_CONNECTED, 16, 32, 0.02, 0.03, -128, true));
  m.layers.push_back(random_layer(rng, TML_LAYER_FULLY_CONNECTED, 4, 16, 0.03, 0.08, -3, false));
  m.layers.push_back(trainer::softmax_layer(0.08));
  return m;
}

}  // namespace tml::bench
