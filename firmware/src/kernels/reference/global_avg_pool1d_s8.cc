// Reference int8 global average pooling over time (contract in tml/kernels.h): average pooling with
// one window of all T steps (pool1d_s8.cc), the same rounding.
#include "pool1d.h"

namespace tml {

extern "C" void tml_global_avg_pool1d_s8(const tml_act_range* activation, const tml_dims* input_dims,
                                         const int8_t* input, int8_t* output) {
  TML_ASSERT(input_dims->time >= 1 && input_dims->time <= (1 << 23));
  const tml_pool_params window = {input_dims->time, 1, 0, *activation};
  const tml_dims out = {1, input_dims->channels};
  pool1d_s8(&window, input_dims, input, &out, output, true);
}

}  // namespace tml
