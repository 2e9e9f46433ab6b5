// Reference int8 fully connected kernel (contract in tml/kernels.h).
#include "tml/kernels.h"
#include "tml/requant.h"

namespace tml {

extern "C" void tml_fully_connected_s8_ref(const tml_fc_params* params, const tml_channel_quant* quant,
                                           int32_t in_features, const int8_t* input, int32_t out_features,
                                           const int8_t* weights, const int32_t* bias, int8_t* output) {
  TML_ASSERT(in_features >= 1 && out_features >= 1);
  const int32_t in_zp = params->input_zero_point;
  for (int32_t o = 0; o < out_features; ++o) {
    const int8_t* row = weights + o * in_features;
    int32_t acc = bias ? bias[o] : 0;
    for (int32_t i = 0; i < in_features; ++i) acc += (input[i] - in_zp) * row[i];
    output[o] = tml_requantize_s8(acc, quant->multiplier[o], quant->shift[o], params->output_zero_point,
                                  params->activation.min, params->activation.max);
  }
}

}  // namespace tml
