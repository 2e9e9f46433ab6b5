// Element-wise activations, any shape: ReLU (max(x, 0)) and Softmax (over channels, per time step).
#pragma once

#include "tml/trainer/layer.h"

namespace tml::trainer {

class ReLU : public Layer {
 public:
  ReLU();
  void forward(const float* x, float* y, int batch, Mode mode) override;
  void backward(const float* x, const float* y, const float* dy, float* dx, int batch) override;

 protected:
  Shape compute_output(Shape input) const override { return input; }
};

// y[t][c] = exp(x[t][c] - m) / sum_j exp(x[t][j] - m), m = max_j x[t][j]. When a model ends with Softmax,
// training computes the loss on its input (softmax and cross-entropy fused); this layer's own backward()
// serves any Softmax elsewhere.
class Softmax : public Layer {
 public:
  Softmax();
  void forward(const float* x, float* y, int batch, Mode mode) override;
  void backward(const float* x, const float* y, const float* dy, float* dx, int batch) override;

 protected:
  Shape compute_output(Shape input) const override { return input; }
};

}  // namespace tml::trainer
