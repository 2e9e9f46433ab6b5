// The trainer's inner loops whose vector dimension is the channels: the depthwise convolution
// (depthwise_conv1d.h) and batch normalisation (batchnorm.h). Internal to the trainer; public for its
// tests and benchmarks.
//
// Like the matrix kernels (kernels.h) they are compiled twice from one source (channel_impl.h): a
// baseline x86-64 build and an AVX2+FMA build, chosen once per process with the same rule
// (TML_ISA=generic forces the baseline). Activations are time-major [rows][C] (a batch of [time][C]
// examples is batch * time rows), the depthwise filter [kernel][C]: VW consecutive channels are one
// vector load of each.
#pragma once

#include <cstdint>

namespace tml::trainer::kernels {

struct DepthwiseShape {
  int in_time = 0, channels = 0, kernel = 0, stride = 1, pad_left = 0, out_time = 0;
};

// A batch normalisation's per-channel parameters over `rows` rows of C channels.
struct BatchNormRows {
  int64_t rows = 0;
  int C = 0;
  const float* mean = nullptr;     // [C], of the batch
  const float* inv_std = nullptr;  // [C], 1 / sqrt(var + epsilon)
  const float* gamma = nullptr;    // [C]
  const float* beta = nullptr;     // [C]
  bool relu = false;               // with the ReLU after it
};

struct ChannelTable {
  const char* isa;  // "avx2+fma" or "sse2"

  // Depthwise convolution: y[b][t][c] = bias[c] + sum over taps k with input step
  // s = t * stride + k - pad_left in [0, in_time) of w[k][c] * x[b][s][c], for b < batch.
  void (*depthwise_forward)(const DepthwiseShape& s, int batch, const float* x, const float* w, const float* bias,
                            float* y);

  // Its gradients, given dy = dL/dy: dw[k][c] = sum_{b,t} dy[b][t][c] * x[b][s][c] and
  // db[c] = sum_{b,t} dy[b][t][c] (overwritten); unless dx is null, dx[b][s][c] = sum over the (t, k) that
  // read step s of w[k][c] * dy[b][t][c] (overwritten, 0 for steps no output reads).
  void (*depthwise_backward)(const DepthwiseShape& s, int batch, const float* x, const float* w, const float* dy,
                             float* dw, float* db, float* dx);

  // Per-channel sums over the rows of a [rows][C] matrix, as float partial sums over blocks of rows, each
  // added into a double, so that long sums keep double accuracy:
  // sum[c] = sum_r (a[r][c] - center[c]) and sum_sq[c] = sum_r (a[r][c] - center[c])^2.
  void (*centered_moments)(const float* a, const float* center, int64_t rows, int C, double* sum, double* sum_sq);

  // Batch normalisation of x [p.rows][p.C]: y = gamma * xhat + beta with xhat = (x - mean) * inv_std, or
  // max(that, 0) with p.relu (the batch norm and the ReLU after it in one pass). xhat is not stored: the
  // gradient recomputes it from x with the same operations.
  void (*normalize)(const BatchNormRows& p, const float* x, float* y);

  // Given dy = dL/dy: sum_dy[c] = sum_r dy'[r][c] and sum_dy_xhat[c] = sum_r dy'[r][c] * xhat[r][c], where
  // dy' = dy, or with p.relu dy masked to 0 where the output was (bit for bit as normalize computes it).
  void (*gradient_sums)(const BatchNormRows& p, const float* dy, const float* x, double* sum_dy, double* sum_dy_xhat);

  // dx[r][c] = a[c] * dy'[r][c] - b[c] - xhat[r][c] * k[c] (batch normalisation's input gradient).
  void (*normalize_backward)(const BatchNormRows& p, const float* dy, const float* x, const float* a, const float* b,
                             const float* k, float* dx);
};

// The build chosen for this CPU (the same as kernels()).
const ChannelTable& channel_kernels();

// Every build this CPU can run (index as kernels::available).
const ChannelTable& channel_available(int i);

const ChannelTable& channel_table_generic();
const ChannelTable& channel_table_avx2();  // only when the CPU supports AVX2 and FMA

}  // namespace tml::trainer::kernels
