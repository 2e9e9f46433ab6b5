// Dropout (inverted): in training each value is zeroed with probability `rate` and the others are scaled
// by 1 / (1 - rate); at inference it is the identity (and is dropped from exported models).
#pragma once

#include <cstdint>
#include <vector>

#include "tml/trainer/layer.h"
#include "tml/trainer/random.h"

namespace tml::trainer {

class Dropout : public Layer {
 public:
  explicit Dropout(float rate);  // 0 <= rate < 1

  float rate() const { return rate_; }

  void init(Rng& rng) override;  // seeds the mask generator
  void reserve(int max_batch) override;
  void forward(const float* x, float* y, int batch, Mode mode) override;
  void backward(const float* x, const float* y, const float* dy, float* dx, int batch) override;

 protected:
  Shape compute_output(Shape input) const override { return input; }

 private:
  float rate_;
  Rng rng_;
  std::vector<float> mask_;  // 0 or 1 / (1 - rate) per element of the last training batch
};

}  // namespace tml::trainer
