// The losses a network trains on: softmax cross-entropy over class logits (optionally weighted per class)
// and, for value heads (regression), the mean squared error or the Huber loss of standardised targets.
#pragma once

#include <cstdint>

namespace tml::trainer {

struct LossResult {
  double loss = 0;  // weighted mean over the batch: sum_i w[y_i] * -log p_i[y_i] / sum_i w[y_i]
  int correct = 0;  // examples whose largest logit is their label (first maximum on ties)
  double abs_error = 0;  // value heads: sum over the examples of the mean |prediction - target| over the
                         // heads, in target units (the standardised error times the target's std)
};

// logits [batch][classes], labels [batch] in [0, classes). class_weights [classes] or null (all 1).
// Writes dlogits [batch][classes] = d loss / d logits = w[y_i] * (softmax_i - onehot(y_i)) / sum_i w[y_i]
// (dlogits may be null when only the loss is wanted).
LossResult softmax_cross_entropy(const float* logits, const int32_t* labels, int batch, int classes,
                                 const float* class_weights, float* dlogits);

enum class ValueLoss { Mse, Huber };
const char* value_loss_name(ValueLoss kind);  // "mse", "huber"

// What a network's outputs [batch][classes + values] are trained on: softmax cross-entropy over the first
// `classes` (none when 0), plus `weight` times the value loss over the next `values` outputs, each the
// mean over the examples (the value loss also over the heads). Per element e = prediction - target, in
// standard deviations of the target: MSE e^2; Huber e^2 / 2 below `delta`, delta * (|e| - delta / 2) above.
struct OutputLoss {
  int classes = 0;
  int values = 0;
  const float* class_weights = nullptr;  // [classes], or null (all 1)
  ValueLoss kind = ValueLoss::Mse;
  float delta = 1.0f;
  float weight = 1.0f;
  const float* value_std = nullptr;      // [values]: the targets' std, for abs_error in target units (null: 1)
};

// The loss of `n` examples: z [n][classes + values], labels [n] (read only with classes), targets
// [n][values] standardised (read only with values). For a share of a larger batch, class_share and
// value_share are the share's part of the batch (its class weight over the batch's; its n over the
// batch's), by which its means and gradients are scaled so that the shares add up to the batch mean.
// dz [n][classes + values] receives d loss / d z (may be null). Classes alone give exactly what
// softmax_cross_entropy gives (scaled by class_share when it is not 1).
LossResult output_loss(const OutputLoss& spec, const float* z, const int32_t* labels, const float* targets, int n,
                       double class_share, double value_share, float* dz);

}  // namespace tml::trainer
