#include "tml/trainer/dense.h"

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "tml/trainer/kernels.h"
#include "tml/trainer/error.h"
#include "tml/trainer/random.h"

namespace tml::trainer {

Dense::Dense(int units) : Layer(LayerKind::Dense), units_(units) {
  if (units < 1) throw Error("dense layer: units must be at least 1, got " + std::to_string(units));
}

Shape Dense::compute_output(Shape input) const {
  if (!input.flat())
    throw Error(where() + ": dense needs a flat input; add a flatten (or globalavgpool1d) layer before it");
  return Shape{1, units_};
}

void Dense::allocate() {
  add_param("weights", {units_, input_.channels});
  add_param("bias", {units_});
}

int64_t Dense::macs() const { return int64_t{units_} * input_.channels; }

void Dense::init(Rng& rng) {
  const float limit = std::sqrt(6.0f / static_cast<float>(input_.channels + units_));
  for (auto& w : weights().value) w = rng.uniform(-limit, limit);
  for (auto& b : bias().value) b = 0.0f;
}

void Dense::forward(const float* x, float* y, int batch, Mode) {
  const int in = input_.channels;
  // y[b][o] = dot(x[b][:], W[o][:]) + bias[o]
  kernels::kernels().gemm_nt(batch, units_, in, x, in, weights().value.data(), in, y, units_,
                             bias().value.data(), false);
}

void Dense::backward(const float* x, const float*, const float* dy, float* dx, int batch) {
  const int in = input_.channels;
  const auto& k = kernels::kernels();
  // dW[o][i] = sum_b dy[b][o] * x[b][i]: A(o, b) = dy[b * units + o].
  k.gemm_nn(units_, in, batch, dy, 1, units_, x, in, weights().grad.data(), in, nullptr, false);
  scratch_.resize(static_cast<size_t>(4 * units_));
  kernels::column_sums(dy, batch, units_, bias().grad.data(), scratch_.data());
  // dx[b][i] = sum_o dy[b][o] * W[o][i]
  if (dx) k.gemm_nn(batch, in, units_, dy, units_, 1, weights().value.data(), in, dx, in, nullptr, false);
}

}  // namespace tml::trainer
