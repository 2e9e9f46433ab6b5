// The int8 kernels: one function per operation, one source file per kernel.
//
// Naming follows CMSIS-NN: tml_<op>_s8, with tml_<op>_s8_buffer_size() giving the scratch bytes the
// caller must provide. Two kernel sets exist, both always compiled:
//   - reference (src/kernels/reference/): plain C, the definition of the results;
//   - optimized (src/kernels/optimized/): Cortex-M4 DSP instructions (tml/dsp.h; portable C elsewhere),
//     for the kernels where they pay: tml_conv1d_s8_opt, tml_depthwise_conv1d_s8_opt,
//     tml_fully_connected_s8_opt and tml_squared_error_s8_opt.
// Where both exist they are named tml_<op>_s8_ref and tml_<op>_s8_opt, and give bit-identical outputs
// for every valid input (the tests compare them). tml_<op>_s8, which the model runner calls, is the one
// of the set chosen at build time (CMake -DTML_KERNELS=reference|optimized, src/kernels/kernel_set.cc);
// the other set stays linkable for comparisons. No kernel of either set needs scratch: the buffer_size
// functions (what the model planner reserves) are inline and return 0, so a blob planned with one set
// runs with the other. A kernel that needs scratch would say so there.
//
// Common conventions
//   - Activations are time-major [time][channels] int8 (tml_dims); a flat vector is {1, n}.
//   - Quantization as in types.h: int8 weights with zero point 0 in -127..127, per output channel
//     requantization (tml_channel_quant), int32 bias of scale input_scale * weight_scale[c].
//   - Zero points are passed as they are (not negated): input_zero_point and output_zero_point
//     in -128..127.
//   - The accumulator is int32; the model runner checks at load that no accumulator can overflow
//     (|bias| + dot_length * 255 * 127 <= INT32_MAX) so the kernels need not saturate it.
//   - Outputs are requantized with tml_requantize_s8 (requant.h), then clamped to `activation`:
//     a fused ReLU is activation = {output_zero_point, 127}.
//   - Input, output and scratch must not overlap. No pointer needs any alignment.
//   - Preconditions are documented per parameter; they are checked once by the model runner at load
//     and only asserted here (TML_ASSERT), so a kernel has no error path and returns nothing.
// The whole contract, with worked examples, is in docs/kernels.md.
#ifndef TML_KERNELS_H
#define TML_KERNELS_H

#include <stdint.h>

#include "tml/types.h"

#ifdef __cplusplus
extern "C" {
#endif

// ---------------------------------------------------------------------------------------------------
// Fully connected (Dense)

typedef struct tml_fc_params {
  int32_t input_zero_point;   // -128 .. 127
  int32_t output_zero_point;  // -128 .. 127
  tml_act_range activation;   // clamp of the int8 outputs
} tml_fc_params;

/**
 * @brief int8 fully connected layer: output[o] = requant(bias[o] + sum_i (input[i] - in_zp) * weights[o][i]).
 *
 * @param[in]  params        zero points and output clamp
 * @param[in]  quant         per-output-channel requantization: `out_features` multipliers and shifts;
 *                           real multiplier[o] = input_scale * weight_scale[o] / output_scale
 * @param[in]  in_features   length of the input vector, >= 1 (a [T][C] input is flattened: index t*C + c)
 * @param[in]  input         int8 [in_features]
 * @param[in]  out_features  number of outputs (units), >= 1
 * @param[in]  weights       int8 [out_features][in_features], row-major, values -127..127
 * @param[in]  bias          int32 [out_features], or NULL for no bias
 * @param[out] output        int8 [out_features]
 * Scratch: none (tml_fully_connected_s8_buffer_size).
 * tml_fully_connected_s8_ref and _opt: the two kernel sets' versions (see the top of this file).
 */
void tml_fully_connected_s8(const tml_fc_params* params, const tml_channel_quant* quant, int32_t in_features,
                            const int8_t* input, int32_t out_features, const int8_t* weights, const int32_t* bias,
                            int8_t* output);
void tml_fully_connected_s8_ref(const tml_fc_params* params, const tml_channel_quant* quant, int32_t in_features,
                                const int8_t* input, int32_t out_features, const int8_t* weights,
                                const int32_t* bias, int8_t* output);
void tml_fully_connected_s8_opt(const tml_fc_params* params, const tml_channel_quant* quant, int32_t in_features,
                                const int8_t* input, int32_t out_features, const int8_t* weights,
                                const int32_t* bias, int8_t* output);

/** Scratch bytes tml_fully_connected_s8 needs for these sizes: none, in both kernel sets. */
static inline int32_t tml_fully_connected_s8_buffer_size(int32_t in_features, int32_t out_features) {
  (void)in_features;
  (void)out_features;
  return 0;
}

// ---------------------------------------------------------------------------------------------------
// 1D convolution, with optional fused max pooling

typedef struct tml_conv1d_params {
  int32_t input_zero_point;   // -128 .. 127; padding positions hold this value (contribute 0)
  int32_t output_zero_point;  // -128 .. 127
  int32_t kernel_size;        // K >= 1
  int32_t stride;             // >= 1
  int32_t pad_left;           // 0 .. K-1 zero-point steps before input step 0 (right padding is implied
                              //   by output_dims: steps past the input's end are padding too)
  int32_t pool_size;          // fused max pooling window over the convolution's outputs; 0 or 1: none
  int32_t pool_stride;        // >= 1 when pool_size >= 1 (ignored otherwise)
  tml_act_range activation;   // clamp, applied before the pooling (so ReLU then max, as unfused)
} tml_conv1d_params;

/**
 * @brief int8 1D convolution over time, time-major (NWC), optionally followed by max pooling in the
 *        same pass: the pre-pooling activations are never stored.
 *
 * Convolution step j (0-based) reads input steps j*stride - pad_left .. j*stride - pad_left + K - 1;
 * steps outside 0..in.time-1 are padding. conv[j][o] = clamp(requant(bias[o] + sum_{k,i}
 * (x[step_k][i] - in_zp) * filter[o][k][i])). Without pooling output[t][o] = conv[t][o]; with
 * pooling output[t][o] = max_{p < pool_size} conv[t*pool_stride + p][o].
 *
 * @param[in]  params        zero points, geometry, pooling and clamp
 * @param[in]  quant         per-output-channel requantization: `output_dims->channels` entries;
 *                           real multiplier[o] = input_scale * weight_scale[o] / output_scale
 * @param[in]  input_dims    {T_in, C_in}, both >= 1
 * @param[in]  input         int8 [T_in][C_in]
 * @param[in]  filter        int8 [C_out][K][C_in], values -127..127
 * @param[in]  bias          int32 [C_out], or NULL for no bias
 * @param[in]  output_dims   {T_out, C_out}: every convolution step used must start before the input's
 *                           end and end after its start (its window holds at least one input step).
 *                           Valid padding: T_conv = (T_in - K) / stride + 1; TFLite "same" padding:
 *                           T_conv = ceil(T_in / stride), pad_total = max((T_conv-1)*stride + K - T_in, 0),
 *                           pad_left = pad_total / 2. With pooling T_out = (T_conv - pool_size) /
 *                           pool_stride + 1, else T_out = T_conv.
 * @param[out] output        int8 [T_out][C_out]
 * Scratch: none (tml_conv1d_s8_buffer_size).
 * tml_conv1d_s8_ref and _opt: the two kernel sets' versions (see the top of this file).
 */
void tml_conv1d_s8(const tml_conv1d_params* params, const tml_channel_quant* quant, const tml_dims* input_dims,
                   const int8_t* input, const int8_t* filter, const int32_t* bias, const tml_dims* output_dims,
                   int8_t* output);
void tml_conv1d_s8_ref(const tml_conv1d_params* params, const tml_channel_quant* quant, const tml_dims* input_dims,
                       const int8_t* input, const int8_t* filter, const int32_t* bias, const tml_dims* output_dims,
                       int8_t* output);
void tml_conv1d_s8_opt(const tml_conv1d_params* params, const tml_channel_quant* quant, const tml_dims* input_dims,
                       const int8_t* input, const int8_t* filter, const int32_t* bias, const tml_dims* output_dims,
                       int8_t* output);

/** Scratch bytes tml_conv1d_s8 needs: none, in both kernel sets. */
static inline int32_t tml_conv1d_s8_buffer_size(const tml_dims* input_dims, int32_t kernel_size,
                                                const tml_dims* output_dims) {
  (void)input_dims;
  (void)kernel_size;
  (void)output_dims;
  return 0;
}

// ---------------------------------------------------------------------------------------------------
// Depthwise 1D convolution (depth multiplier 1)

typedef struct tml_depthwise_conv1d_params {
  int32_t input_zero_point;   // -128 .. 127; padding positions hold this value (contribute 0)
  int32_t output_zero_point;  // -128 .. 127
  int32_t kernel_size;        // K >= 1
  int32_t stride;             // >= 1
  int32_t pad_left;           // 0 .. K-1 zero-point steps before input step 0 (right padding is implied
                              //   by output_dims, as for tml_conv1d_s8)
  tml_act_range activation;   // clamp of the int8 outputs (fused ReLU: {output_zero_point, 127})
} tml_depthwise_conv1d_params;

/**
 * @brief int8 depthwise 1D convolution over time, time-major (NWC), depth multiplier 1: every channel is
 *        convolved with its own filter, channels do not mix (the first half of a depthwise-separable
 *        convolution; a pointwise tml_conv1d_s8 with kernel 1 is the second).
 *
 * Step j (0-based) reads input steps j*stride - pad_left .. j*stride - pad_left + K - 1; steps outside
 * 0..in.time-1 are padding. output[j][c] = clamp(requant(bias[c] + sum_k (x[step_k][c] - in_zp) *
 * filter[k][c])). The dot product of an output has K terms (what the runner's accumulator check uses).
 *
 * @param[in]  params        zero points, geometry and clamp
 * @param[in]  quant         per-channel requantization: `input_dims->channels` entries;
 *                           real multiplier[c] = input_scale * weight_scale[c] / output_scale
 * @param[in]  input_dims    {T_in, C}, both >= 1
 * @param[in]  input         int8 [T_in][C]
 * @param[in]  filter        int8 [K][C], values -127..127: tap-major, so the taps of one time step for
 *                           consecutive channels are consecutive bytes (TFLite's depthwise layout
 *                           [1][K][C] with multiplier 1; the transpose of PyTorch's [C][1][K])
 * @param[in]  bias          int32 [C], or NULL for no bias
 * @param[in]  output_dims   {T_out, C}: every step must start before the input's end and end after its
 *                           start. Valid padding: T_out = (T_in - K) / stride + 1; TFLite "same" padding
 *                           as for tml_conv1d_s8. No fused pooling.
 * @param[out] output        int8 [T_out][C]
 * Scratch: none (tml_depthwise_conv1d_s8_buffer_size).
 * tml_depthwise_conv1d_s8_ref and _opt: the two kernel sets' versions (see the top of this file).
 */
void tml_depthwise_conv1d_s8(const tml_depthwise_conv1d_params* params, const tml_channel_quant* quant,
                             const tml_dims* input_dims, const int8_t* input, const int8_t* filter,
                             const int32_t* bias, const tml_dims* output_dims, int8_t* output);
void tml_depthwise_conv1d_s8_ref(const tml_depthwise_conv1d_params* params, const tml_channel_quant* quant,
                                 const tml_dims* input_dims, const int8_t* input, const int8_t* filter,
                                 const int32_t* bias, const tml_dims* output_dims, int8_t* output);
void tml_depthwise_conv1d_s8_opt(const tml_depthwise_conv1d_params* params, const tml_channel_quant* quant,
                                 const tml_dims* input_dims, const int8_t* input, const int8_t* filter,
                                 const int32_t* bias, const tml_dims* output_dims, int8_t* output);

/** Scratch bytes tml_depthwise_conv1d_s8 needs: none, in both kernel sets. */
static inline int32_t tml_depthwise_conv1d_s8_buffer_size(const tml_dims* input_dims, int32_t kernel_size,
                                                          const tml_dims* output_dims) {
  (void)input_dims;
  (void)kernel_size;
  (void)output_dims;
  return 0;
}

// ---------------------------------------------------------------------------------------------------
// Pooling over time (input and output share scale and zero point)

typedef struct tml_pool_params {
  int32_t size;              // window length W >= 1
  int32_t stride;            // >= 1
  int32_t pad_left;          // 0 .. W-1; padded steps are left out of the window (not counted)
  tml_act_range activation;  // clamp of the outputs
} tml_pool_params;

/**
 * @brief int8 max pooling over time, per channel.
 *
 * output[t][c] = clamp(max over steps s in t*stride - pad_left .. t*stride - pad_left + W - 1 that lie
 * in 0..T_in-1 of input[s][c]).
 *
 * @param[in]  params       window, stride, left padding, clamp
 * @param[in]  input_dims   {T_in, C}
 * @param[in]  input        int8 [T_in][C]
 * @param[in]  output_dims  {T_out, C}: every window holds at least one input step
 *                          (valid: T_out = (T_in - W) / stride + 1)
 * @param[out] output       int8 [T_out][C]
 * Scratch: none.
 */
void tml_max_pool1d_s8(const tml_pool_params* params, const tml_dims* input_dims, const int8_t* input,
                       const tml_dims* output_dims, int8_t* output);

/** Scratch bytes tml_max_pool1d_s8 needs: none. */
static inline int32_t tml_max_pool1d_s8_buffer_size(const tml_dims* input_dims, const tml_dims* output_dims) {
  (void)input_dims;
  (void)output_dims;
  return 0;
}

/**
 * @brief int8 average pooling over time, per channel (TFLite's rounding).
 *
 * For each window (as in tml_max_pool1d_s8) with n >= 1 input steps inside the input and sum s of their
 * values: average = (s + n/2) / n if s >= 0, else (s - n/2) / n, with C's truncating division (so ties
 * round away from zero); output = clamp(average). Zero points cancel out, so none is passed.
 *
 * Parameters as tml_max_pool1d_s8. Scratch: none.
 */
void tml_avg_pool1d_s8(const tml_pool_params* params, const tml_dims* input_dims, const int8_t* input,
                       const tml_dims* output_dims, int8_t* output);

/** Scratch bytes tml_avg_pool1d_s8 needs: none. */
static inline int32_t tml_avg_pool1d_s8_buffer_size(const tml_dims* input_dims, const tml_dims* output_dims) {
  (void)input_dims;
  (void)output_dims;
  return 0;
}

/**
 * @brief int8 global average pooling over time: [T][C] -> [1][C], the same rounding as
 *        tml_avg_pool1d_s8 with n = T.
 *
 * @param[in]  activation  clamp of the outputs
 * @param[in]  input_dims  {T, C}, T <= 2^23 (the int32 sum cannot overflow)
 * @param[in]  input       int8 [T][C]
 * @param[out] output      int8 [C]
 * Scratch: none.
 */
void tml_global_avg_pool1d_s8(const tml_act_range* activation, const tml_dims* input_dims, const int8_t* input,
                              int8_t* output);

/** Scratch bytes tml_global_avg_pool1d_s8 needs: none. */
static inline int32_t tml_global_avg_pool1d_s8_buffer_size(const tml_dims* input_dims) {
  (void)input_dims;
  return 0;
}

// ---------------------------------------------------------------------------------------------------
// Softmax

// Largest exp_multiplier: d * multiplier must fit in an int32 for every input difference d <= 255.
#define TML_SOFTMAX_MAX_EXP_MULTIPLIER ((1 << 23) - 1)
// The output quantization of tml_softmax_s8, as TFLite: scale 1/256, zero point -128.
#define TML_SOFTMAX_OUTPUT_ZERO_POINT (-128)
#define TML_SOFTMAX_OUTPUT_SCALE (1.0f / 256.0f)

typedef struct tml_softmax_params {
  // beta * input_scale * log2(e) in Q20 (see tml_softmax_s8_exp_multiplier): 1 .. 2^23 - 1.
  int32_t exp_multiplier;
} tml_softmax_params;

/**
 * @brief int8 softmax over the channels of each time step; output scale 1/256, zero point -128.
 *
 * Integer only, the same on every target. Per row with maximum m, for each channel c:
 *   d = m - x[c] (0..255);  z = d * exp_multiplier  (Q20 value of d * beta * input_scale * log2 e)
 *   k = z >> 20, f = z & (2^20 - 1)
 *   e[c] = 0 if k > 16, else round(P(f) / 2^(14 + k)) with P(f) ~ 2^30 * 2^-(f / 2^20), a fixed
 *          degree-5 polynomial evaluated in Q30 (error < 3e-7; P(0) = 2^30 exactly, so the maximum
 *          has e = 65536) -- e[c] ~ 65536 * exp(-beta * input_scale * d) in Q16;
 *   output[c] = min(floor((256 * e[c] + S/2) / S), 255) - 128, with S = sum of e over the row.
 * The result is within one step (1/256) of the exactly rounded real softmax.
 *
 * @param[in]  params  exp_multiplier, 1 .. TML_SOFTMAX_MAX_EXP_MULTIPLIER
 * @param[in]  dims    {T, C}: softmax over C (1 .. 65535) for each of the T rows
 * @param[in]  input   int8 [T][C] (its zero point cancels out)
 * @param[out] output  int8 [T][C], scale 1/256, zero point -128
 * Scratch: none (the exponentials are recomputed in the second pass).
 */
void tml_softmax_s8(const tml_softmax_params* params, const tml_dims* dims, const int8_t* input, int8_t* output);

/** Scratch bytes tml_softmax_s8 needs: none. */
static inline int32_t tml_softmax_s8_buffer_size(const tml_dims* dims) {
  (void)dims;
  return 0;
}

/**
 * @brief Host helper: the exp_multiplier of tml_softmax_s8, round(beta * input_scale * log2(e) * 2^20)
 *        (ties away from zero), using IEEE double arithmetic only.
 * @return TML_OK, or TML_ERR_ARG if the result would fall outside 1 .. TML_SOFTMAX_MAX_EXP_MULTIPLIER
 *         (beta * input_scale below about 3.4e-7 or above about 5.5) or the pointer is null.
 */
int tml_softmax_s8_exp_multiplier(double beta_times_input_scale, int32_t* exp_multiplier);

// ---------------------------------------------------------------------------------------------------
// Anomaly scores: squared distances between int8 vectors (tml/anomaly.h builds the scores on them)

/**
 * @brief Sum of squared differences of two int8 vectors in int8 steps: sum_i (a[i] - b[i])^2.
 *
 * Both vectors must share one quantization (scale and zero point), so the zero points cancel: the
 * autoencoder's reconstruction error (input against output) and a K-means distance (input against a
 * centre) are this sum.
 * @param[in] n  length, 1 .. TML_ANOMALY_MAX_DIMS (33,025: n * 255^2 fits the int32 accumulator)
 * @param[in] a  int8 [n]
 * @param[in] b  int8 [n]
 * @return the sum, 0 .. n * 65025
 * Scratch: none. tml_squared_error_s8_ref and _opt: the two kernel sets' versions (see the top of this
 * file); the optimized one takes four values per step with SXTB16, SSUB16 and SMLAD.
 */
int32_t tml_squared_error_s8(int32_t n, const int8_t* a, const int8_t* b);
int32_t tml_squared_error_s8_ref(int32_t n, const int8_t* a, const int8_t* b);
int32_t tml_squared_error_s8_opt(int32_t n, const int8_t* a, const int8_t* b);

/**
 * @brief The nearest of `clusters` int8 centres to an int8 vector (K-means assignment).
 *
 * For each centre k, d2[k] = tml_squared_error_s8(dims, input, centres + k * dims); returns the k with the
 * smallest d2 (the first on ties) and stores that d2 in *distance_sq.
 * @param[in]  dims         vector length, 1 .. TML_ANOMALY_MAX_DIMS
 * @param[in]  input        int8 [dims]
 * @param[in]  clusters     number of centres, >= 1
 * @param[in]  centres      int8 [clusters][dims], in the input's quantization
 * @param[out] distance_sq  the nearest centre's squared distance in int8 steps
 * @return the nearest centre's index, 0 .. clusters - 1
 * Scratch: none. Uses the chosen set's tml_squared_error_s8.
 */
int32_t tml_nearest_centre_s8(int32_t dims, const int8_t* input, int32_t clusters, const int8_t* centres,
                              int32_t* distance_sq);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // TML_KERNELS_H
