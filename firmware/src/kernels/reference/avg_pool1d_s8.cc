// Reference int8 average pooling over time (contract in tml/kernels.h).
#include "tml/kernels.h"

namespace tml {

extern "C" void tml_avg_pool1d_s8(const tml_pool_params* params, const tml_dims* input_dims, const int8_t* input,
                                  const tml_dims* output_dims, int8_t* output) {
  const int32_t channels = input_dims->channels;
  TML_ASSERT(params->size >= 1 && params->stride >= 1 && output_dims->channels == channels);
  for (int32_t t = 0; t < output_dims->time; ++t) {
    int32_t first = t * params->stride - params->pad_left;
    int32_t end = first + params->size;
    if (first < 0) first = 0;
    if (end > input_dims->time) end = input_dims->time;
    const int32_t n = end - first;
    TML_ASSERT(n >= 1);
    for (int32_t c = 0; c < channels; ++c) {
      int32_t sum = 0;
      for (int32_t s = first; s < end; ++s) sum += input[s * channels + c];
      // Round to nearest, ties away from zero (C division truncates toward zero).
      int32_t avg = (sum >= 0 ? sum + n / 2 : sum - n / 2) / n;
      if (avg < params->activation.min) avg = params->activation.min;
      if (avg > params->activation.max) avg = params->activation.max;
      output[t * channels + c] = static_cast<int8_t>(avg);
    }
  }
}

extern "C" int32_t tml_avg_pool1d_s8_buffer_size(const tml_dims* input_dims, const tml_dims* output_dims) {
  (void)input_dims;
  (void)output_dims;
  return 0;
}

}  // namespace tml
