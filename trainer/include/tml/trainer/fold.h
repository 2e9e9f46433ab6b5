// The float network as the int8 runner executes it, before any rounding: batch norm folded into a
// neighbouring dense or conv1d layer, dropout removed, and the remaining layers grouped into the int8
// layers of a model blob (model_format.h):
//
//   conv1d [+ relu] [+ maxpool1d]   one TML_LAYER_CONV1D record: ReLU as the output clamp (act_min = the
//                                   output zero point), max pooling fused into the convolution
//                                   (conv1d + maxpool1d + relu is the same and fuses too)
//   depthwise_conv1d [+ relu]       TML_LAYER_DEPTHWISE_CONV1D, ReLU as the output clamp
//   dense [+ relu]                  TML_LAYER_FULLY_CONNECTED (a flatten before it is a no-op: the
//                                   time-major layout t * C + c is what the kernel reads)
//   maxpool1d / avgpool1d / globalavgpool1d [+ relu]   the pooling kinds, ReLU as their clamp
//   softmax                         TML_LAYER_SOFTMAX, last layer only; its input is the logits
//
// Batch norm y = s * x + t per channel (s = gamma / sqrt(moving_var + epsilon), t = beta - moving_mean * s)
// is folded exactly, in double precision:
//   - after a conv1d or dense layer (dropout in between is ignored): W'[o][..] = s[o] W[o][..],
//     b'[o] = s[o] b[o] + t[o]; after a depthwise conv1d W'[k][c] = s[c] W[k][c], b'[c] = s[c] b[c] + t[c];
//   - otherwise into the next conv1d or depthwise conv1d (valid padding) or dense layer, through any flatten, dropout,
//     average pooling, or max pooling when every s >= 0: W'[..][c] = W[..][c] s[c],
//     b' = b + sum W[..][c] t[c]. This covers batch norm after a ReLU and a batch norm on the input.
// Anything else (e.g. batch norm between a ReLU and a softmax, a ReLU as the first layer, flatten before
// a layer other than dense, a softmax that is not last) is refused with an Error naming the layer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tml/model_format.h"
#include "tml/trainer/sequential.h"

namespace tml::trainer {

// One int8 layer of the blob and the folded float layers it computes.
struct FusedLayer {
  tml_layer_kind kind = TML_LAYER_FULLY_CONNECTED;
  size_t first = 0;          // folded network layers [first, last] (0-based)
  size_t last = 0;           // its output is this layer's output
  size_t linear = SIZE_MAX;  // the conv1d or dense layer among them, or SIZE_MAX
  size_t pool = SIZE_MAX;    // the max pooling fused into a conv1d, the layer of a pooling kind, or SIZE_MAX
  bool relu = false;         // clamp at the output zero point
  std::vector<int> sources;  // 1-based indices of the original network's layers it stands for
  std::string name;          // their types: "conv1d+relu+maxpool1d" (dropout and flatten left out)
  std::string description;   // "conv1d 8 filters, kernel 5, stride 1, valid + relu + maxpool1d pool 2, stride 2"
};

struct FoldedNet {
  Sequential net;                  // built for the original input shape; no batchnorm or dropout left
  std::vector<FusedLayer> layers;  // in order, covering every layer of `net`
};

// Folds and groups a built network (weights copied, the original is not changed). Throws Error naming
// the layer ("layer 4 (batchnorm): ...") for anything the int8 runner cannot execute.
FoldedNet fold(const Sequential& net);

// Runs the folded network (inference) on `batch` normalised windows x and keeps every layer's output:
// acts[k] holds layer k's outputs for the batch, one window after the other. The output of int8 layer j
// is acts[layers[j].last].
void forward_all(FoldedNet& folded, const float* x, int batch, std::vector<std::vector<float>>& acts);

}  // namespace tml::trainer
