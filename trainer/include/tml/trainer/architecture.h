// Network architectures: the two presets of the reference benchmark, and architecture files (JSON).
//
// Presets (the reference models of the benchmark, for any input [T][C] and K classes):
//   conv1d: Conv1D 8 k5 valid, ReLU, MaxPool 2, Conv1D 16 k5 valid, ReLU, MaxPool 2, Flatten, Dense K, Softmax
//   dense:  Flatten, Dense 32, ReLU, Dense 16, ReLU, Dense K, Softmax
//   dscnn:  the keyword-spotting peer's 1-D depthwise-separable CNN (bench/MODELS.md), for [49][10] MFCC:
//           Conv1D 64 k5 stride 2 same, BatchNorm, ReLU,
//           4 x [DepthwiseConv1D k3 same, BatchNorm, ReLU, Conv1D 64 k1 (pointwise), BatchNorm, ReLU],
//           GlobalAveragePool1D, Dense K, Softmax. On [49][10] with 12 classes: 22,860 trainable
//           parameters like the peer (21,708 once the batch norms are folded into the convolutions at
//           quantization) and 509,568 MACs in the convolutions and the dense layer.
//
// Architecture file: {"layers": [ {"type": "conv1d", "filters": 8, "kernel": 5, "activation": "relu"}, ... ]}
// (or just the array). Settings per type, defaults in brackets:
//   dense            units (a number or "classes"), activation ["none"] ("relu", "softmax", "none")
//   conv1d           filters, kernel, stride [1], padding ["valid"] ("valid", "same"), activation ["none"]
//   depthwise_conv1d kernel, stride [1], padding ["valid"] ("valid", "same"), activation ["none"]
//                    (one filter per channel, depth multiplier 1: channels in = channels out)
//   maxpool1d        pool, stride [pool]
//   avgpool1d        pool, stride [pool]
//   globalavgpool1d, flatten, relu, softmax   (no settings)
//   dropout          rate
//   batchnorm        momentum [0.1], epsilon [1e-5]
// "activation" adds a ReLU or Softmax layer after the layer. Unknown types or settings are errors.
#pragma once

#include <string>
#include <vector>

#include "tml/trainer/sequential.h"

namespace tml::trainer {

std::vector<std::string> preset_names();  // {"conv1d", "dense", "dscnn"}
bool is_preset(const std::string& name);

// The layers of a preset for `outputs` outputs (not built), ending with a Softmax when `softmax` (a
// classifier) and with the last dense layer otherwise (a model with value heads: regression or
// multi-output). Throws Error for an unknown name.
Sequential make_preset(const std::string& name, int outputs, bool softmax = true);

// The layers an architecture file describes (not built). Throws Error naming the layer and setting
// that is wrong, e.g. "layer 3 (conv1d): 'kernel' must be a whole number >= 1, got "5"". "classes" units
// are `classes` (all the model's outputs: labels and value heads).
Sequential parse_architecture(const std::string& json_text, int classes);

}  // namespace tml::trainer
