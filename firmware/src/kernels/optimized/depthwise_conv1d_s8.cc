// Optimized int8 depthwise 1D convolution for the Cortex-M4 DSP extension (contract in tml/kernels.h),
// bit-exact with tml_depthwise_conv1d_s8_ref.
//
// In the time-major input [T][C] and the tap-major filter [K][C], the four channels c..c+3 of one input
// step and of one filter tap are one word each. Four channels come at once:
//   - SXTAB16 widens input bytes 0 and 2 (and, rotated, 1 and 3) to 16-bit lanes and adds -zero_point
//     to each (x - zp lies in -255..255); SXTB16 widens the weights the same way; SMLABB and SMLATT
//     multiply lane 0 by lane 0 and lane 1 by lane 1 and add each product to its channel's accumulator:
//     4 MACs for two loads and eight instructions, no scratch and no reordering of the input.
//   - Padding taps are left out (they add (zp - zp) * w = 0 in the reference): a step clipped by
//     padding just has fewer taps.
//   - The sums are the reference's products added in the same order; the wrapping 32-bit additions
//     equal the reference's because the runner checks at load that no true sum leaves the int32 range.
//   - The last C % 4 channels take a scalar loop.
//   - Requantization is the reference's rounding rule, computed with the shift split into its left and
//     right parts once per channel instead of once per output, and without the saturation branch of
//     the high multiply, which only the multiplier -2^31 can reach (multipliers are 0 or 2^30..2^31-1).
#include "tml/dsp.h"
#include "tml/kernels.h"
#include "tml/requant.h"

namespace tml {
namespace {

// The requantization of one channel with everything that depends only on the channel precomputed.
struct ChannelRequant {
  int32_t multiplier;  // 0 or 2^30 .. 2^31-1
  int32_t left;        // shift > 0 ? shift : 0
  int32_t right;       // shift > 0 ? 0 : -shift
  int32_t mask;        // 2^right - 1: the remainder of the division by 2^right
};

ChannelRequant channel_requant(const tml_channel_quant* quant, int32_t c) {
  const int32_t shift = quant->shift[c];
  ChannelRequant q;
  q.multiplier = quant->multiplier[c];
  TML_ASSERT(q.multiplier >= 0);
  q.left = shift > 0 ? shift : 0;
  q.right = shift > 0 ? 0 : -shift;
  q.mask = static_cast<int32_t>((uint32_t{1} << q.right) - 1u);  // right <= 31
  return q;
}

// tml_requantize_s8(acc, multiplier, shift, zp, lo + zp, hi + zp) for a multiplier >= 0: the same three
// steps (wrapping left shift, rounding doubling high multiply, rounding division), then the clamp.
inline int32_t requant(int32_t acc, const ChannelRequant& q, int32_t lo, int32_t hi, int32_t zp) {
  const int32_t x = static_cast<int32_t>(static_cast<uint32_t>(acc) << q.left);
  const int32_t y = static_cast<int32_t>((static_cast<int64_t>(x) * q.multiplier + (int64_t{1} << 30)) >> 31);
  const int32_t remainder = y & q.mask;
  const int32_t threshold = (q.mask >> 1) + static_cast<int32_t>(static_cast<uint32_t>(y) >> 31);
  int32_t v = (y >> q.right) + (remainder > threshold ? 1 : 0);
  v = v < lo ? lo : (v > hi ? hi : v);
  return v + zp;
}

}  // namespace

extern "C" void tml_depthwise_conv1d_s8_opt(const tml_depthwise_conv1d_params* params, const tml_channel_quant* quant,
                                            const tml_dims* input_dims, const int8_t* input, const int8_t* filter,
                                            const int32_t* bias, const tml_dims* output_dims, int8_t* output) {
  const tml_depthwise_conv1d_params p = *params;
  const int32_t in_time = input_dims->time;
  const int32_t channels = input_dims->channels;
  const int32_t out_time = output_dims->time;
  const int32_t kernel = p.kernel_size;
  const int32_t zp = p.input_zero_point;
  const int32_t out_zp = p.output_zero_point;
  const int32_t lo = p.activation.min - out_zp, hi = p.activation.max - out_zp;  // the clamp before adding zp
  TML_ASSERT(kernel >= 1 && p.stride >= 1);
  TML_ASSERT(p.pad_left >= 0 && p.pad_left < kernel);
  TML_ASSERT(output_dims->channels == channels);
  const uint32_t neg_zp = (static_cast<uint32_t>(-zp) & 0xFFFFu) * 0x00010001u;

  int32_t c = 0;
  for (; c + 4 <= channels; c += 4) {
    const ChannelRequant q0 = channel_requant(quant, c), q1 = channel_requant(quant, c + 1),
                         q2 = channel_requant(quant, c + 2), q3 = channel_requant(quant, c + 3);
    const int32_t b0 = bias ? bias[c] : 0, b1 = bias ? bias[c + 1] : 0, b2 = bias ? bias[c + 2] : 0,
                  b3 = bias ? bias[c + 3] : 0;
    int8_t* out = output + c;
    int32_t start = -p.pad_left;
    for (int32_t t = 0; t < out_time; ++t, start += p.stride, out += channels) {
      TML_ASSERT(start < in_time && start + kernel > 0);
      const int32_t k_first = start < 0 ? -start : 0;
      const int32_t k_end = start + kernel > in_time ? in_time - start : kernel;
      const int8_t* x = input + (start + k_first) * channels + c;
      const int8_t* w = filter + k_first * channels + c;
      int32_t a0 = b0, a1 = b1, a2 = b2, a3 = b3;
      for (int32_t k = k_first; k < k_end; ++k, x += channels, w += channels) {
        const uint32_t xw = tml_read_u32(x), ww = tml_read_u32(w);
        const uint32_t xe = tml_sxtab16(neg_zp, xw), xo = tml_sxtab16_ror8(neg_zp, xw);
        const uint32_t we = tml_sxtb16(ww), wo = tml_sxtb16_ror8(ww);
        a0 = tml_smlabb(xe, we, a0);
        a2 = tml_smlatt(xe, we, a2);
        a1 = tml_smlabb(xo, wo, a1);
        a3 = tml_smlatt(xo, wo, a3);
      }
      out[0] = static_cast<int8_t>(requant(a0, q0, lo, hi, out_zp));
      out[1] = static_cast<int8_t>(requant(a1, q1, lo, hi, out_zp));
      out[2] = static_cast<int8_t>(requant(a2, q2, lo, hi, out_zp));
      out[3] = static_cast<int8_t>(requant(a3, q3, lo, hi, out_zp));
    }
  }
  for (; c < channels; ++c) {  // the last channels, one at a time
    const ChannelRequant q = channel_requant(quant, c);
    const int32_t b = bias ? bias[c] : 0;
    int32_t start = -p.pad_left;
    for (int32_t t = 0; t < out_time; ++t, start += p.stride) {
      const int32_t k_first = start < 0 ? -start : 0;
      const int32_t k_end = start + kernel > in_time ? in_time - start : kernel;
      int32_t acc = b;
      for (int32_t k = k_first; k < k_end; ++k)
        acc += (input[(start + k) * channels + c] - zp) * filter[k * channels + c];
      output[t * channels + c] = static_cast<int8_t>(requant(acc, q, lo, hi, out_zp));
    }
  }
}

}  // namespace tml
