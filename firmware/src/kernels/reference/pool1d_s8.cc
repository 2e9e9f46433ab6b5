// Reference int8 pooling over time, max or average (contracts in tml/kernels.h).
#include "pool1d.h"

namespace tml {

void pool1d_s8(const tml_pool_params* params, const tml_dims* input_dims, const int8_t* input,
               const tml_dims* output_dims, int8_t* output, bool average) {
  const int32_t channels = input_dims->channels;
  TML_ASSERT(params->size >= 1 && params->stride >= 1 && output_dims->channels == channels);
  for (int32_t t = 0; t < output_dims->time; ++t) {
    // The window's steps inside the input; padded steps are left out (not counted).
    int32_t first = t * params->stride - params->pad_left;
    int32_t end = first + params->size;
    if (first < 0) first = 0;
    if (end > input_dims->time) end = input_dims->time;
    const int32_t n = end - first;
    TML_ASSERT(n >= 1);
    for (int32_t c = 0; c < channels; ++c) {
      int32_t v = average ? 0 : -128;  // the sum, or the maximum
      for (int32_t s = first; s < end; ++s) {
        const int32_t x = input[s * channels + c];
        v = average ? v + x : (x > v ? x : v);
      }
      // Round to nearest, ties away from zero (C division truncates toward zero).
      if (average) v = (v >= 0 ? v + n / 2 : v - n / 2) / n;
      if (v < params->activation.min) v = params->activation.min;
      if (v > params->activation.max) v = params->activation.max;
      output[t * channels + c] = static_cast<int8_t>(v);
    }
  }
}

}  // namespace tml
