// Requantization for the optimized kernels (internal): the project's rounding rule (tml/requant.h) with
// everything that depends only on the channel computed once per layer instead of once per output.
//
// tml_requantize_s8 splits the shift into a left and a right part, builds the rounding mask and checks
// the high multiply's one saturating case on every call. Here the first two are stored per channel, and
// the check is left out: it needs the multiplier -2^31, and the runner only accepts 0 or 2^30..2^31-1
// (kernels.h: multipliers are validated at load). For every accepted multiplier and shift the result is
// tml_requantize_s8's, bit for bit; the kernel tests compare the two kernel sets over the whole range.
#ifndef TML_KERNELS_OPTIMIZED_REQUANT_CHANNEL_H
#define TML_KERNELS_OPTIMIZED_REQUANT_CHANNEL_H

#include <stdint.h>

#include "tml/types.h"

namespace tml {

struct ChannelRequant {
  int32_t multiplier;  // 0 or 2^30 .. 2^31-1
  int32_t left;        // shift > 0 ? shift : 0
  int32_t right;       // shift > 0 ? 0 : -shift
  int32_t mask;        // 2^right - 1
  int32_t lo, hi;      // the clamp before the zero point is added: act_min - zp, act_max - zp
  int32_t zero_point;  // the output zero point
  int32_t offset;      // requantize4: where this channel's output goes, from the block's first output
};

// The requantization of channel c of `quant` with the layer's output zero point and clamp (offset 0).
ChannelRequant channel_requant(const tml_channel_quant* quant, int32_t c, int32_t zero_point,
                               const tml_act_range& activation);

// out[q[k].offset] = tml_requantize_s8(acc[k], multiplier, shift, zero_point, act_min, act_max) of the
// channel q[k] describes, for k = 0..3: a block of four channels in one call (the only copy of the code;
// a block of fewer channels repeats one, whose output is then written more than once with one value).
void requantize4(const int32_t* acc, const ChannelRequant* q, int8_t* out);

}  // namespace tml

#endif  // TML_KERNELS_OPTIMIZED_REQUANT_CHANNEL_H
