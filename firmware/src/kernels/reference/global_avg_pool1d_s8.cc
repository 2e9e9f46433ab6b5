// Reference int8 global average pooling over time (contract in tml/kernels.h).
#include "tml/kernels.h"

namespace tml {

extern "C" void tml_global_avg_pool1d_s8(const tml_act_range* activation, const tml_dims* input_dims,
                                         const int8_t* input, int8_t* output) {
  const int32_t n = input_dims->time;
  const int32_t channels = input_dims->channels;
  TML_ASSERT(n >= 1 && n <= (1 << 23));
  for (int32_t c = 0; c < channels; ++c) {
    int32_t sum = 0;
    for (int32_t t = 0; t < n; ++t) sum += input[t * channels + c];
    int32_t avg = (sum >= 0 ? sum + n / 2 : sum - n / 2) / n;  // ties away from zero
    if (avg < activation->min) avg = activation->min;
    if (avg > activation->max) avg = activation->max;
    output[c] = static_cast<int8_t>(avg);
  }
}

extern "C" int32_t tml_global_avg_pool1d_s8_buffer_size(const tml_dims* input_dims) {
  (void)input_dims;
  return 0;
}

}  // namespace tml
