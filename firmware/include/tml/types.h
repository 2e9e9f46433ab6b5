// Small value types shared by the int8 kernels, the model runner and the trainer's quantizer.
//
// The quantization scheme is TFLite's int8 scheme:
//   real = scale * (q - zero_point)
//   weights      int8, symmetric per output channel: zero point 0, values -127..127
//   activations  int8, asymmetric per tensor: zero point -128..127
//   bias         int32, scale = input_scale * weight_scale[c], zero point 0
//   requantization of an int32 accumulator: a Q31 multiplier and a power-of-two shift per output
//   channel (tml_quant), applied by tml_multiply_by_quantized_multiplier (requant.h).
#ifndef TML_TYPES_H
#define TML_TYPES_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// Shape of an activation tensor, time-major: element (t, c) is at index t * channels + c ("NWC" with
// N = H = 1). A flat vector of n values is {1, n}.
typedef struct tml_dims {
  int32_t time;      // >= 1
  int32_t channels;  // >= 1
} tml_dims;

// One requantization: real multiplier = multiplier * 2^(shift - 31).
typedef struct tml_quant {
  int32_t multiplier;  // 0, or 2^30 .. 2^31-1 (a Q31 value in [0.5, 1))
  int32_t shift;       // -31 .. 30; > 0 shifts left before the multiplication, < 0 right after it
} tml_quant;

// Per-output-channel requantization: two arrays of one entry per output channel (ranges as tml_quant).
typedef struct tml_channel_quant {
  const int32_t* multiplier;
  const int32_t* shift;
} tml_channel_quant;

// Clamp applied to a kernel's int8 outputs, in the output's quantized domain. No activation is
// {-128, 127}; a fused ReLU is {output_zero_point, 127}; ReLU6 is {zp, zp + round(6 / scale)} clamped.
typedef struct tml_act_range {
  int32_t min;  // -128 .. max
  int32_t max;  // min .. 127
} tml_act_range;

#ifdef __cplusplus
}  // extern "C"
#endif

// Checks of a kernel's preconditions, which the model runner has validated once at load: compiled in
// only when TML_ENABLE_ASSERTS is defined (the host build of the library does); they trap.
#if defined(TML_ENABLE_ASSERTS)
#define TML_ASSERT(cond) \
  do {                   \
    if (!(cond)) __builtin_trap(); \
  } while (0)
#else
#define TML_ASSERT(cond) ((void)0)
#endif

#endif  // TML_TYPES_H
