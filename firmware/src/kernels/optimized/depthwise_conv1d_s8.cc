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
//   - With only K MACs per output, requantization is most of the cost: it is the rounding rule with the
//     per-channel parts computed once per layer (requant_channel.h).
#include "requant_channel.h"
#include "tml/dsp.h"
#include "tml/kernels.h"

namespace tml {
namespace {

// What the tap loop reads besides the accumulators and the two pointers (the assembly relies on it).
struct Taps {
  uint32_t end;     // bytes from the first tap to past the last: taps * channels (> 0)
  uint32_t step;    // bytes from one tap to the next: channels
  uint32_t neg_zp;  // -input_zero_point in both 16-bit lanes
};
static_assert(sizeof(Taps) == 12, "Taps layout (read by the assembly loop)");

// acc[k] += sum over taps i < taps.end / taps.step of (x[i * step + k] - zp) * w[i * step + k], k = 0..3.
#if TML_DSP_NATIVE
// On the Cortex-M4 in assembly: the four accumulators, both pointers, the tap offset, its end and step,
// the zero point and four temporaries fill the registers, which GCC at -Os only reaches by spilling
// inside the loop (35 instead of 13 instructions a tap). The portable definition below is what the host
// runs; the on-board self-test compares the two kernel sets.
__attribute__((naked, noinline, noipa)) void taps4(int32_t* /*acc*/, const int8_t* /*x*/, const int8_t* /*w*/,
                                                  const Taps* /*taps*/) {
  __asm__(
      "push {r0, r4-r11, lr}\n\t"
      "ldmia r3, {r4-r6}\n\t"   // end, step, neg_zp
      "movs r7, #0\n\t"         // offset of the tap
      "ldmia r0, {r8-r11}\n\t"  // the four accumulators
      "1:\n\t"
      "ldr r3, [r1, r7]\n\t"
      "ldr lr, [r2, r7]\n\t"
      "add r7, r7, r5\n\t"
      "sxtab16 r0, r6, r3\n\t"           // input bytes 0, 2 minus zp
      "sxtab16 r3, r6, r3, ror #8\n\t"   // input bytes 1, 3 minus zp
      "sxtb16 r12, lr\n\t"               // weights 0, 2
      "sxtb16 lr, lr, ror #8\n\t"        // weights 1, 3
      "smlabb r8, r0, r12, r8\n\t"
      "smlatt r10, r0, r12, r10\n\t"
      "smlabb r9, r3, lr, r9\n\t"
      "smlatt r11, r3, lr, r11\n\t"
      "cmp r7, r4\n\t"
      "bne 1b\n\t"
      "pop {r0}\n\t"
      "stmia r0, {r8-r11}\n\t"
      "pop {r4-r11, pc}");
}
#else
void taps4(int32_t* acc, const int8_t* x, const int8_t* w, const Taps* taps) {
  uint32_t i = 0;
  do {
    const uint32_t xw = tml_read_u32(x + i), ww = tml_read_u32(w + i);
    const uint32_t xe = tml_sxtab16(taps->neg_zp, xw), xo = tml_sxtab16_ror8(taps->neg_zp, xw);
    const uint32_t we = tml_sxtb16(ww), wo = tml_sxtb16_ror8(ww);
    acc[0] = tml_smlabb(xe, we, acc[0]);
    acc[2] = tml_smlatt(xe, we, acc[2]);
    acc[1] = tml_smlabb(xo, wo, acc[1]);
    acc[3] = tml_smlatt(xo, wo, acc[3]);
    i += taps->step;
  } while (i != taps->end);
}
#endif

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
  TML_ASSERT(kernel >= 1 && p.stride >= 1);
  TML_ASSERT(p.pad_left >= 0 && p.pad_left < kernel);
  TML_ASSERT(output_dims->channels == channels);
  Taps taps;
  taps.step = static_cast<uint32_t>(channels);
  taps.neg_zp = (static_cast<uint32_t>(-zp) & 0xFFFFu) * 0x00010001u;

  int32_t c = 0;
  for (; c + 4 <= channels; c += 4) {
    ChannelRequant q[4];
    int32_t b[4];
    for (int32_t k = 0; k < 4; ++k) {
      q[k] = channel_requant(quant, c + k, p.output_zero_point, p.activation);
      q[k].offset = k;
      b[k] = bias ? bias[c + k] : 0;
    }
    int8_t* out = output + c;
    int32_t start = -p.pad_left;
    for (int32_t t = 0; t < out_time; ++t, start += p.stride, out += channels) {
      TML_ASSERT(start < in_time && start + kernel > 0);
      const int32_t k_first = start < 0 ? -start : 0;
      const int32_t k_end = start + kernel > in_time ? in_time - start : kernel;
      taps.end = static_cast<uint32_t>((k_end - k_first) * channels);
      int32_t acc[4] = {b[0], b[1], b[2], b[3]};
      taps4(acc, input + (start + k_first) * channels + c, filter + k_first * channels + c, &taps);
      requantize4(acc, q, out);
    }
  }
  for (; c < channels; ++c) {  // the last channels, one at a time (a block of four copies of the channel)
    ChannelRequant q[4];
    q[0] = channel_requant(quant, c, p.output_zero_point, p.activation);
    q[1] = q[2] = q[3] = q[0];
    const int32_t b = bias ? bias[c] : 0;
    int32_t start = -p.pad_left;
    for (int32_t t = 0; t < out_time; ++t, start += p.stride) {
      const int32_t k_first = start < 0 ? -start : 0;
      const int32_t k_end = start + kernel > in_time ? in_time - start : kernel;
      int32_t acc = b;
      for (int32_t k = k_first; k < k_end; ++k)
        acc += (input[(start + k) * channels + c] - zp) * filter[k * channels + c];
      const int32_t same[4] = {acc, acc, acc, acc};
      requantize4(same, q, output + t * channels + c);
    }
  }
}

}  // namespace tml
