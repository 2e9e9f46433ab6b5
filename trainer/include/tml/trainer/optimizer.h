// Optimizers: update every trainable parameter from its grad. State (momentum, moments) is kept per
// parameter in the order of the list passed to step(), which must be the same list every call.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tml/trainer/layer.h"

namespace tml::trainer {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  virtual void step(const std::vector<Param*>& params) = 0;
  virtual std::string describe() const = 0;  // "adam lr 0.001"
};

// SGD with momentum (PyTorch's form): v = momentum * v + g; p -= lr * v.
class Sgd : public Optimizer {
 public:
  explicit Sgd(float learning_rate, float momentum = 0.0f);
  void step(const std::vector<Param*>& params) override;
  std::string describe() const override;

 private:
  float lr_, momentum_;
  std::vector<std::vector<float>> velocity_;
};

// Adam (Kingma & Ba, with PyTorch's bias correction and epsilon placement):
//   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
//   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
class Adam : public Optimizer {
 public:
  explicit Adam(float learning_rate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f);
  void step(const std::vector<Param*>& params) override;
  std::string describe() const override;

 private:
  float lr_, beta1_, beta2_, epsilon_;
  long step_ = 0;
  std::vector<std::vector<float>> m_, v_;
};

}  // namespace tml::trainer
