// Batch normalisation per channel (statistics over the batch and all time steps):
//   y = gamma * (x - mean) / sqrt(var + epsilon) + beta.
// Training uses the batch's mean and (biased) variance and updates the moving statistics:
//   moving = (1 - momentum) * moving + momentum * batch   (the variance term unbiased, n / (n - 1)).
// Inference uses the moving statistics; quantization folds the layer into the preceding Dense/Conv1D.
// The per-channel loops are the channel kernels (channel_kernels.h): one pass for the batch's statistics
// (sums around the batch's first row, in double), one for the output; the gradient recomputes the
// normalised input from x (nothing but per-channel values is stored).
// Parameters: gamma, beta (trainable), moving_mean, moving_var (not trainable), each [channels].
#pragma once

#include <vector>

#include "tml/trainer/channel_kernels.h"
#include "tml/trainer/layer.h"

namespace tml::trainer {

class BatchNorm : public Layer {
 public:
  explicit BatchNorm(float momentum = 0.1f, float epsilon = 1e-5f);

  float momentum() const { return momentum_; }
  float epsilon() const { return epsilon_; }
  Param& gamma() { return params()[0]; }
  Param& beta() { return params()[1]; }
  Param& moving_mean() { return params()[2]; }
  Param& moving_var() { return params()[3]; }
  const Param& gamma() const { return params()[0]; }
  const Param& beta() const { return params()[1]; }
  const Param& moving_mean() const { return params()[2]; }
  const Param& moving_var() const { return params()[3]; }

  int64_t macs() const override { return input_.size(); }
  void init(Rng& rng) override;  // gamma 1, beta 0, moving mean 0, moving variance 1
  void forward(const float* x, float* y, int batch, Mode mode) override;
  void backward(const float* x, const float* y, const float* dy, float* dx, int batch) override;

  // This layer and a ReLU after it in one pass: y = max(batch_norm(x), 0), the same values as forward()
  // then ReLU::forward(); backward_relu takes the same x and dL/dy and gives the gradients the two
  // layers' backward() would give (Sequential fuses the pair; the batch norm's own output buffer is
  // never written).
  void forward_relu(const float* x, float* y, int batch, Mode mode);
  void backward_relu(const float* x, const float* dy, float* dx, int batch);

 protected:
  Shape compute_output(Shape input) const override { return input; }
  void allocate() override;

 private:
  void run(const float* x, float* y, int batch, Mode mode, bool relu);
  kernels::BatchNormRows rows_of(int64_t rows, bool relu) const;
  void gradients(const float* x, const float* dy, float* dx, int batch, bool relu);

  float momentum_, epsilon_;
  std::vector<float> mean_, inv_std_;  // per channel, of the last training batch
  std::vector<float> scale_, shift_;     // per channel, inference
  std::vector<double> sum_a_, sum_b_;    // per channel, sums of a pass
  std::vector<float> coef_;              // per channel, a coefficient of the input gradient
};

}  // namespace tml::trainer
