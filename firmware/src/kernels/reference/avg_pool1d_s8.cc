// Reference int8 average pooling over time (contract in tml/kernels.h; implementation in pool1d_s8.cc).
#include "pool1d.h"

namespace tml {

extern "C" void tml_avg_pool1d_s8(const tml_pool_params* params, const tml_dims* input_dims, const int8_t* input,
                                  const tml_dims* output_dims, int8_t* output) {
  pool1d_s8(params, input_dims, input, output_dims, output, true);
}

}  // namespace tml
