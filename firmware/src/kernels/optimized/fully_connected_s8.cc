// Optimized int8 fully connected kernel (contract in tml/kernels.h), bit-exact with
// tml_fully_connected_s8_ref: a dense layer is the optimized 1D convolution of a single time step whose
// one tap covers the whole input (kernel 1, in_features channels), which computes exactly
// requant(bias[o] + sum_i (input[i] - zp) * weights[o][i]) with four rows per pass (conv1d_s8.cc).
#include "tml/kernels.h"

namespace tml {

extern "C" void tml_fully_connected_s8_opt(const tml_fc_params* params, const tml_channel_quant* quant,
                                           int32_t in_features, const int8_t* input, int32_t out_features,
                                           const int8_t* weights, const int32_t* bias, int8_t* output) {
  TML_ASSERT(in_features >= 1 && out_features >= 1);
  const tml_conv1d_params p = {params->input_zero_point, params->output_zero_point, 1, 1, 0, 0, 0, params->activation};
  const tml_dims in = {1, in_features}, out = {1, out_features};
  tml_conv1d_s8_opt(&p, quant, &in, input, weights, bias, &out, output);
}

}  // namespace tml
