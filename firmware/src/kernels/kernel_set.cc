// The kernels the model runner calls: tml_<op>_s8 of the set chosen at build time (tml/kernels.h).
// CMake compiles this file with TML_KERNELS_REFERENCE or TML_KERNELS_OPTIMIZED (-DTML_KERNELS=...); an
// Arduino library build gets the define from the tml/build_config.h that tml stages with it; a build that
// defines neither gets the optimized set where the DSP extension exists and the reference set elsewhere.
// Each function is one tail call, and a board image keeps only the set it calls (--gc-sections).
#include "tml/build_config.h"
#include "tml/dsp.h"
#include "tml/kernels.h"

#if defined(TML_KERNELS_OPTIMIZED) || (!defined(TML_KERNELS_REFERENCE) && TML_DSP_NATIVE)
#define TML_KERNEL_OF_SET(name) name##_opt
#else
#define TML_KERNEL_OF_SET(name) name##_ref
#endif

namespace tml {

extern "C" void tml_fully_connected_s8(const tml_fc_params* params, const tml_channel_quant* quant,
                                       int32_t in_features, const int8_t* input, int32_t out_features,
                                       const int8_t* weights, const int32_t* bias, int8_t* output) {
  TML_KERNEL_OF_SET(tml_fully_connected_s8)(params, quant, in_features, input, out_features, weights, bias, output);
}

extern "C" void tml_conv1d_s8(const tml_conv1d_params* params, const tml_channel_quant* quant,
                              const tml_dims* input_dims, const int8_t* input, const int8_t* filter,
                              const int32_t* bias, const tml_dims* output_dims, int8_t* output) {
  TML_KERNEL_OF_SET(tml_conv1d_s8)(params, quant, input_dims, input, filter, bias, output_dims, output);
}

extern "C" void tml_depthwise_conv1d_s8(const tml_depthwise_conv1d_params* params, const tml_channel_quant* quant,
                                        const tml_dims* input_dims, const int8_t* input, const int8_t* filter,
                                        const int32_t* bias, const tml_dims* output_dims, int8_t* output) {
  TML_KERNEL_OF_SET(tml_depthwise_conv1d_s8)(params, quant, input_dims, input, filter, bias, output_dims, output);
}

extern "C" int32_t tml_squared_error_s8(int32_t n, const int8_t* a, const int8_t* b) {
  return TML_KERNEL_OF_SET(tml_squared_error_s8)(n, a, b);
}

}  // namespace tml
