// Requantization with per-channel precomputation for the optimized kernels (requant_channel.h).
#include "requant_channel.h"

namespace tml {

ChannelRequant channel_requant(const tml_channel_quant* quant, int32_t c, int32_t zero_point,
                               const tml_act_range& activation) {
  const int32_t shift = quant->shift[c];
  ChannelRequant q;
  q.multiplier = quant->multiplier[c];
  TML_ASSERT(q.multiplier >= 0 && shift >= -31 && shift <= 30);
  q.left = shift > 0 ? shift : 0;
  q.right = shift > 0 ? 0 : -shift;
  q.mask = static_cast<int32_t>((uint32_t{1} << q.right) - 1u);  // right <= 31
  q.lo = activation.min - zero_point;
  q.hi = activation.max - zero_point;
  q.zero_point = zero_point;
  q.offset = 0;
  return q;
}

namespace {

__attribute__((always_inline)) inline int32_t requant(int32_t acc, const ChannelRequant& q) {
  // The three steps of tml_multiply_by_quantized_multiplier: a wrapping left shift, the rounding doubling
  // high multiply floor((x * m + 2^30) / 2^31), the division by 2^right rounded half away from zero.
  const int32_t x = static_cast<int32_t>(static_cast<uint32_t>(acc) << q.left);
  const int32_t y = static_cast<int32_t>((static_cast<int64_t>(x) * q.multiplier + (int64_t{1} << 30)) >> 31);
  const int32_t remainder = y & q.mask;
  const int32_t threshold = (q.mask >> 1) + static_cast<int32_t>(static_cast<uint32_t>(y) >> 31);
  int32_t v = (y >> q.right) + (remainder > threshold ? 1 : 0);
  v = v < q.lo ? q.lo : (v > q.hi ? q.hi : v);
  return v + q.zero_point;
}

}  // namespace

// Not inlined: one copy for every kernel and call site (code size).
__attribute__((noinline)) void requantize4(const int32_t* acc, const ChannelRequant* q, int8_t* out) {
  for (int32_t k = 0; k < 4; ++k) out[q[k].offset] = static_cast<int8_t>(requant(acc[k], q[k]));
}

}  // namespace tml
