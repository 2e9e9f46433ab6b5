// Flatten: [T][C] -> [1][T*C]. Feature index t * C + c: the memory layout does not change (time-major
// flatten), so an int8 runner flattens by reinterpreting its buffer.
#pragma once

#include "tml/trainer/layer.h"

namespace tml::trainer {

class Flatten : public Layer {
 public:
  Flatten();
  void forward(const float* x, float* y, int batch, Mode mode) override;
  void backward(const float* x, const float* y, const float* dy, float* dx, int batch) override;

 protected:
  Shape compute_output(Shape input) const override { return Shape{1, static_cast<int>(input.size())}; }
};

}  // namespace tml::trainer
