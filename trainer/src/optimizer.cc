#include "tml/trainer/optimizer.h"

#include <Eigen/Core>
#include <cmath>
#include <cstdio>

#include "tml/trainer/error.h"

namespace tml::trainer {
namespace {

using Vec = Eigen::Map<Eigen::ArrayXf>;

void ensure_state(std::vector<std::vector<float>>& state, const std::vector<Param*>& params) {
  if (state.empty()) {
    for (const Param* p : params) state.emplace_back(p->value.size(), 0.0f);
    return;
  }
  if (state.size() != params.size()) throw Error("optimizer: the parameter list changed between steps");
}

}  // namespace

Sgd::Sgd(float learning_rate, float momentum) : lr_(learning_rate), momentum_(momentum) {
  if (!(learning_rate > 0.0f)) throw Error("sgd: learning rate must be positive");
  if (!(momentum >= 0.0f && momentum < 1.0f)) throw Error("sgd: momentum must be in [0, 1)");
}

void Sgd::step(const std::vector<Param*>& params) {
  ensure_state(velocity_, params);
  for (size_t i = 0; i < params.size(); ++i) {
    Param& p = *params[i];
    const Eigen::Index n = static_cast<Eigen::Index>(p.value.size());
    Vec w(p.value.data(), n), g(p.grad.data(), n), v(velocity_[i].data(), n);
    if (momentum_ > 0.0f) {
      v = momentum_ * v + g;
      w -= lr_ * v;
    } else {
      w -= lr_ * g;
    }
  }
}

std::string Sgd::describe() const {
  char buf[64];
  std::snprintf(buf, sizeof buf, "sgd lr %g momentum %g", static_cast<double>(lr_), static_cast<double>(momentum_));
  return buf;
}

Adam::Adam(float learning_rate, float beta1, float beta2, float epsilon)
    : lr_(learning_rate), beta1_(beta1), beta2_(beta2), epsilon_(epsilon) {
  if (!(learning_rate > 0.0f)) throw Error("adam: learning rate must be positive");
  if (!(beta1 >= 0.0f && beta1 < 1.0f) || !(beta2 >= 0.0f && beta2 < 1.0f))
    throw Error("adam: beta1 and beta2 must be in [0, 1)");
}

void Adam::step(const std::vector<Param*>& params) {
  ensure_state(m_, params);
  ensure_state(v_, params);
  ++step_;
  const double bc1 = 1.0 - std::pow(static_cast<double>(beta1_), static_cast<double>(step_));
  const double bc2 = 1.0 - std::pow(static_cast<double>(beta2_), static_cast<double>(step_));
  const float step_size = static_cast<float>(lr_ / bc1);
  const float inv_sqrt_bc2 = static_cast<float>(1.0 / std::sqrt(bc2));
  for (size_t i = 0; i < params.size(); ++i) {
    Param& p = *params[i];
    const Eigen::Index n = static_cast<Eigen::Index>(p.value.size());
    Vec w(p.value.data(), n), g(p.grad.data(), n), m(m_[i].data(), n), v(v_[i].data(), n);
    m = beta1_ * m + (1.0f - beta1_) * g;
    v = beta2_ * v + (1.0f - beta2_) * g.square();
    w -= step_size * m / (v.sqrt() * inv_sqrt_bc2 + epsilon_);
  }
}

std::string Adam::describe() const {
  char buf[64];
  std::snprintf(buf, sizeof buf, "adam lr %g", static_cast<double>(lr_));
  return buf;
}

}  // namespace tml::trainer
