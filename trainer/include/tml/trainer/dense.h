// Dense (fully connected): y[o] = sum_i W[o][i] * x[i] + b[o] on a flat input [1][in] -> [1][units].
#pragma once

#include <vector>

#include "tml/trainer/layer.h"

namespace tml::trainer {

class Dense : public Layer {
 public:
  explicit Dense(int units);  // units >= 1

  int units() const { return units_; }
  int inputs() const { return input_.channels; }
  Param& weights() { return params()[0]; }  // [units][inputs]
  Param& bias() { return params()[1]; }     // [units]
  const Param& weights() const { return params()[0]; }
  const Param& bias() const { return params()[1]; }

  int64_t macs() const override;
  void init(Rng& rng) override;  // Glorot-uniform weights, zero bias
  void forward(const float* x, float* y, int batch, Mode mode) override;
  void backward(const float* x, const float* y, const float* dy, float* dx, int batch) override;

 protected:
  Shape compute_output(Shape input) const override;
  void allocate() override;

 private:
  int units_;
  std::vector<float> scratch_;
};

}  // namespace tml::trainer
