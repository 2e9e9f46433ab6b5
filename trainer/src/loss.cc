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

const char* value_loss_name(ValueLoss kind) { return kind == ValueLoss::Huber ? "huber" : "mse"; }

namespace {

// The class part: cross-entropy over the first K columns of z, scaled by `share`.
LossResult class_loss(const OutputLoss& spec, const float* z, const int32_t* labels, int n, double share, float* dz) {
  const int K = spec.classes, C = spec.classes + spec.values;
  LossResult r;
  if (spec.values == 0) {
    r = softmax_cross_entropy(z, labels, n, K, spec.class_weights, dz);
    if (share != 1.0) {
      const float scale = static_cast<float>(share);
      if (dz)
        for (int i = 0; i < n * K; ++i) dz[i] *= scale;
      r.loss *= share;
    }
    return r;
  }
  std::vector<float> logits(static_cast<size_t>(n) * K), dlogits(dz ? logits.size() : 0);
  for (int b = 0; b < n; ++b)
    for (int c = 0; c < K; ++c) logits[static_cast<size_t>(b) * K + c] = z[static_cast<size_t>(b) * C + c];
  r = softmax_cross_entropy(logits.data(), labels, n, K, spec.class_weights, dz ? dlogits.data() : nullptr);
  r.loss *= share;
  if (dz)
    for (int b = 0; b < n; ++b)
      for (int c = 0; c < K; ++c)
        dz[static_cast<size_t>(b) * C + c] = static_cast<float>(share) * dlogits[static_cast<size_t>(b) * K + c];
  return r;
}

}  // namespace

LossResult output_loss(const OutputLoss& spec, const float* z, const int32_t* labels, const float* targets, int n,
                       double class_share, double value_share, float* dz) {
  const int K = spec.classes, V = spec.values, C = K + V;
  LossResult r;
  if (K > 0) r = class_loss(spec, z, labels, n, class_share, dz);
  if (V == 0 || n == 0) return r;
  const double per = 1.0 / (static_cast<double>(n) * V);
  const double coef = spec.weight * value_share * per;
  const double delta = spec.delta;
  double sum = 0;
  for (int b = 0; b < n; ++b) {
    double abs_sum = 0;
    for (int v = 0; v < V; ++v) {
      const size_t at = static_cast<size_t>(b) * C + K + v;
      const double e = static_cast<double>(z[at]) - targets[static_cast<size_t>(b) * V + v];
      const double a = std::fabs(e);
      double g;
      if (spec.kind == ValueLoss::Mse) {
        sum += e * e;
        g = 2 * e;
      } else if (a <= delta) {
        sum += 0.5 * e * e;
        g = e;
      } else {
        sum += delta * (a - 0.5 * delta);
        g = e > 0 ? delta : -delta;
      }
      if (dz) dz[at] = static_cast<float>(coef * g);
      abs_sum += a * (spec.value_std ? spec.value_std[v] : 1.0f);
    }
    r.abs_error += abs_sum / V;
  }
  r.loss += spec.weight * value_share * sum * per;
  return r;
}

}  // namespace tml::trainer
