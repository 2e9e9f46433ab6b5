// The pooling kernels' one implementation (max, average and global average pooling over time differ
// only in how a window is reduced): internal to the kernels, contract in tml/kernels.h.
#ifndef TML_KERNELS_REFERENCE_POOL1D_H
#define TML_KERNELS_REFERENCE_POOL1D_H

#include "tml/kernels.h"

namespace tml {

// Max (average = false) or average pooling as tml_max_pool1d_s8 / tml_avg_pool1d_s8 describe them.
void pool1d_s8(const tml_pool_params* params, const tml_dims* input_dims, const int8_t* input,
               const tml_dims* output_dims, int8_t* output, bool average);

}  // namespace tml

#endif  // TML_KERNELS_REFERENCE_POOL1D_H
