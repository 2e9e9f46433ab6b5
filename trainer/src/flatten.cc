#include "tml/trainer/flatten.h"

#include <cstring>

namespace tml::trainer {

Flatten::Flatten() : Layer(LayerKind::Flatten) {}

void Flatten::forward(const float* x, float* y, int batch, Mode) {
  std::memcpy(y, x, sizeof(float) * static_cast<size_t>(input_.size() * batch));
}

void Flatten::backward(const float*, const float*, const float* dy, float* dx, int batch) {
  if (dx) std::memcpy(dx, dy, sizeof(float) * static_cast<size_t>(input_.size() * batch));
}

}  // namespace tml::trainer
