// The AVX2+FMA build of the channel kernels: 8-float vectors, fused multiply-add. Compiled with
// -mavx2 -mfma like gemm_avx2.cc (trainer/CMakeLists.txt); only called after the CPU was checked.
#define TML_VW 8
#include "channel_impl.h"

namespace tml::trainer::kernels {

const ChannelTable& channel_table_avx2() {
  static const ChannelTable table{"avx2+fma", dw_forward, dw_backward, centered_moments, normalize, gradient_sums,
                                  normalize_backward};
  return table;
}

}  // namespace tml::trainer::kernels
