// Reference int8 depthwise 1D convolution, time-major, depth multiplier 1 (contract in tml/kernels.h).
#include "tml/kernels.h"
#include "tml/requant.h"

namespace tml {

extern "C" void tml_depthwise_conv1d_s8_ref(const tml_depthwise_conv1d_params* params, const tml_channel_quant* quant,
                                            const tml_dims* input_dims, const int8_t* input, const int8_t* filter,
                                            const int32_t* bias, const tml_dims* output_dims, int8_t* output) {
  const int32_t in_time = input_dims->time;
  const int32_t channels = input_dims->channels;
  const int32_t kernel = params->kernel_size;
  const int32_t in_zp = params->input_zero_point;
  TML_ASSERT(kernel >= 1 && params->stride >= 1);
  TML_ASSERT(params->pad_left >= 0 && params->pad_left < kernel);
  TML_ASSERT(output_dims->channels == channels);

  for (int32_t t = 0; t < output_dims->time; ++t) {
    const int32_t start = t * params->stride - params->pad_left;
    TML_ASSERT(start < in_time && start + kernel > 0);
    // Taps over real input steps; padding steps hold the zero point and add nothing.
    const int32_t k_first = start < 0 ? -start : 0;
    const int32_t k_end = start + kernel > in_time ? in_time - start : kernel;
    for (int32_t c = 0; c < channels; ++c) {
      int32_t acc = bias ? bias[c] : 0;
      for (int32_t k = k_first; k < k_end; ++k)
        acc += (input[(start + k) * channels + c] - in_zp) * filter[k * channels + c];
      output[t * channels + c] = tml_requantize_s8(acc, quant->multiplier[c], quant->shift[c],
                                                   params->output_zero_point, params->activation.min,
                                                   params->activation.max);
    }
  }
}

}  // namespace tml
