// Pooling over time, per channel, time-major [T][C]:
//   MaxPool1D / AvgPool1D (pool, stride = pool by default, no padding): T_out = (T - pool) / stride + 1.
//   GlobalAveragePool1D: [T][C] -> [1][C], the mean over time.
#pragma once

#include <cstdint>
#include <vector>

#include "tml/trainer/layer.h"

namespace tml::trainer {

class MaxPool1D : public Layer {
 public:
  explicit MaxPool1D(int pool, int stride = 0);  // stride 0 means stride = pool

  int pool() const { return pool_; }
  int stride() const { return stride_; }

  void reserve(int max_batch) override;
  void forward(const float* x, float* y, int batch, Mode mode) override;
  void backward(const float* x, const float* y, const float* dy, float* dx, int batch) override;

  // ReLU then this pooling in one pass (Sequential uses it for that pair): y = max(0, max of the window),
  // and dx the gradient with respect to the ReLU's input. Bit-identical to the two layers one after the
  // other, without the ReLU's output buffer or its passes over memory.
  void forward_relu(const float* x, float* y, int batch, Mode mode);
  void backward_relu(const float* y, const float* dy, float* dx, int batch);

 protected:
  Shape compute_output(Shape input) const override;

 private:
  template <bool kRelu>
  void forward_impl(const float* x, float* y, int batch, Mode mode);
  template <bool kRelu>
  void backward_impl(const float* y, const float* dy, float* dx, int batch);

  int pool_, stride_;
  std::vector<int32_t> argmax_;  // per output element: offset in its window of the (first) maximum
};

class AvgPool1D : public Layer {
 public:
  explicit AvgPool1D(int pool, int stride = 0);

  int pool() const { return pool_; }
  int stride() const { return stride_; }

  void forward(const float* x, float* y, int batch, Mode mode) override;
  void backward(const float* x, const float* y, const float* dy, float* dx, int batch) override;

 protected:
  Shape compute_output(Shape input) const override;

 private:
  int pool_, stride_;
};

class GlobalAveragePool1D : public Layer {
 public:
  GlobalAveragePool1D();

  void forward(const float* x, float* y, int batch, Mode mode) override;
  void backward(const float* x, const float* y, const float* dy, float* dx, int batch) override;

 protected:
  Shape compute_output(Shape input) const override;
};

}  // namespace tml::trainer
