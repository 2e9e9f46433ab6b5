#include "tml/trainer/loss.h"

#include <cmath>
#include <vector>

namespace tml::trainer {

LossResult softmax_cross_entropy(const float* logits, const int32_t* labels, int batch, int classes,
                                 const float* class_weights, float* dlogits) {
  LossResult result;
  double weight_sum = 0.0, loss_sum = 0.0;
  for (int b = 0; b < batch; ++b) weight_sum += class_weights ? class_weights[labels[b]] : 1.0f;
  const double scale = weight_sum > 0.0 ? 1.0 / weight_sum : 0.0;
  for (int b = 0; b < batch; ++b) {
    const float* z = logits + static_cast<size_t>(b) * classes;
    const int y = labels[b];
    int best = 0;
    for (int c = 1; c < classes; ++c)
      if (z[c] > z[best]) best = c;
    if (best == y) ++result.correct;
    const float m = z[best];
    double sum = 0.0;
    for (int c = 0; c < classes; ++c) sum += std::exp(static_cast<double>(z[c] - m));
    const double log_sum = std::log(sum);
    const double w = class_weights ? class_weights[y] : 1.0;
    loss_sum += w * (log_sum - static_cast<double>(z[y] - m));
    if (dlogits) {
      float* d = dlogits + static_cast<size_t>(b) * classes;
      for (int c = 0; c < classes; ++c) {
        const double p = std::exp(static_cast<double>(z[c] - m) - log_sum);
        d[c] = static_cast<float>(w * scale * (p - (c == y ? 1.0 : 0.0)));
      }
    }
  }
  result.loss = loss_sum * scale;
  return result;
}

}  // namespace tml::trainer
