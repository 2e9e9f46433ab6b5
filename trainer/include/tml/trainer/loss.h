// Softmax cross-entropy on logits, optionally weighted per class.
#pragma once

#include <cstdint>

namespace tml::trainer {

struct LossResult {
  double loss = 0;  // weighted mean over the batch: sum_i w[y_i] * -log p_i[y_i] / sum_i w[y_i]
  int correct = 0;  // examples whose largest logit is their label (first maximum on ties)
};

// logits [batch][classes], labels [batch] in [0, classes). class_weights [classes] or null (all 1).
// Writes dlogits [batch][classes] = d loss / d logits = w[y_i] * (softmax_i - onehot(y_i)) / sum_i w[y_i]
// (dlogits may be null when only the loss is wanted).
LossResult softmax_cross_entropy(const float* logits, const int32_t* labels, int batch, int classes,
                                 const float* class_weights, float* dlogits);

}  // namespace tml::trainer
