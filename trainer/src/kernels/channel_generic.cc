// The baseline build of the channel kernels: 4-float (SSE2) vectors, no fused multiply-add.
#define TML_VW 4
#include "channel_impl.h"

namespace tml::trainer::kernels {

const ChannelTable& channel_table_generic() {
  static const ChannelTable table{"sse2", dw_forward, dw_backward, centered_moments, normalize, gradient_sums,
                                  normalize_backward};
  return table;
}

}  // namespace tml::trainer::kernels
