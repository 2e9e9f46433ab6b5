// Optimized int8 1D convolution for the Cortex-M4 DSP extension (contract in tml/kernels.h), bit-exact
// with tml_conv1d_s8_ref. The optimized fully connected kernel is this one with a single time step.
//
// A convolution step's window (the input steps its taps reach, C_in values each) is contiguous in the
// time-major input, and so is a filter row [K][C_in]: each output is one dot product, as in the
// reference. Here four output channels come at once, so every input word is loaded and widened once
// for four filter rows:
//   - SXTAB16 widens two input bytes and adds -zero_point to each 16-bit lane (x - zp lies in
//     -255..255), SXTB16 widens two weights, SMLAD multiplies and adds both pairs: 4 MACs per row for
//     a load and four instructions. Padding taps are left out of the dot product (they add (zp - zp) * w
//     = 0 in the reference), so a window clipped by padding is just a shorter dot product.
//   - The whole words of a full window go through the assembly loop below; the last len % 4 bytes, and
//     windows clipped by padding, through a scalar loop. No byte outside the window or the row is read.
//   - The sums are the reference's products added in another order with wrapping 32-bit additions; the
//     runner checks at load that the true sum fits in an int32, so the results are equal.
//   - Fused max pooling keeps the largest raw accumulator and requantizes once. That equals the
//     reference's requantize-then-max because requantization is non-decreasing in the accumulator when
//     shift <= 0 and the multiplier is >= 0 (the floor of a product by m >= 0, a rounding division by a
//     power of two and the clamp are each non-decreasing). With shift > 0 the reference's wrapping left
//     shift is not monotonic, so such channels requantize every step and take the max, like the
//     reference.
//   - A last block of fewer than 4 channels repeats its last channel (its output is written again with
//     the same value).
//   - Requantization is the rounding rule with the per-channel parts computed once per block of
//     channels instead of once per output (requant_channel.h).
#include "requant_channel.h"
#include "tml/dsp.h"
#include "tml/kernels.h"

namespace tml {
namespace {

// The four filter rows of a block of output channels and the input zero point, as the inner loop reads
// them (the assembly below relies on this layout).
struct Rows {
  const int8_t* w[4];
  uint32_t neg_zp;  // -input_zero_point in both 16-bit lanes
};
static_assert(sizeof(const int8_t*) != 4 || sizeof(Rows) == 20, "Rows layout (read by the assembly loop)");

// acc[k] += sum over the bytes i of [x, end) of (x[i] - zp) * rows->w[k][i], k = 0..3; end - x is a
// positive multiple of 4 (whole words).
#if TML_DSP_NATIVE
// On the Cortex-M4 in assembly, as one function: the loop needs all 14 allocatable registers (four
// row pointers, four accumulators, the input pointer and its end, four temporaries; the zero point is
// reloaded from the stack), which the compiler could only reach by spilling pointers in the loop. It
// computes exactly what the portable definition below computes; the on-board self-test compares the
// two kernel sets. Per word (4 bytes x 4 rows): 26 instructions.
__attribute__((naked, noinline, noipa)) void dot4_words(int32_t* /*acc*/, const int8_t* /*x*/,
                                                       const int8_t* /*end*/, const Rows* /*rows*/) {
  __asm__(
      "push {r0, r4-r11, lr}\n\t"
      "ldr r12, [r3, #16]\n\t"  // neg_zp, kept at [sp]
      "push {r12}\n\t"
      "ldmia r3, {r4-r7}\n\t"   // the four rows
      "ldmia r0, {r8-r11}\n\t"  // the four accumulators
      "1:\n\t"
      "ldr r3, [sp]\n\t"
      "ldr r0, [r1], #4\n\t"
      "sxtab16 r12, r3, r0, ror #8\n\t"  // input bytes 1, 3 minus zp
      "sxtab16 r0, r3, r0\n\t"           // input bytes 0, 2 minus zp
      "ldr lr, [r4], #4\n\t"
      "sxtb16 r3, lr\n\t"
      "sxtb16 lr, lr, ror #8\n\t"
      "smlad r8, r0, r3, r8\n\t"
      "smlad r8, r12, lr, r8\n\t"
      "ldr lr, [r5], #4\n\t"
      "sxtb16 r3, lr\n\t"
      "sxtb16 lr, lr, ror #8\n\t"
      "smlad r9, r0, r3, r9\n\t"
      "smlad r9, r12, lr, r9\n\t"
      "ldr lr, [r6], #4\n\t"
      "sxtb16 r3, lr\n\t"
      "sxtb16 lr, lr, ror #8\n\t"
      "smlad r10, r0, r3, r10\n\t"
      "smlad r10, r12, lr, r10\n\t"
      "ldr lr, [r7], #4\n\t"
      "sxtb16 r3, lr\n\t"
      "sxtb16 lr, lr, ror #8\n\t"
      "smlad r11, r0, r3, r11\n\t"
      "smlad r11, r12, lr, r11\n\t"
      "cmp r1, r2\n\t"
      "bne 1b\n\t"
      "add sp, sp, #4\n\t"
      "pop {r0}\n\t"
      "stmia r0, {r8-r11}\n\t"
      "pop {r4-r11, pc}");
}
#else
void dot4_words(int32_t* acc, const int8_t* x, const int8_t* end, const Rows* rows) {
  const int8_t* w0 = rows->w[0];
  const int8_t* w1 = rows->w[1];
  const int8_t* w2 = rows->w[2];
  const int8_t* w3 = rows->w[3];
  do {
    const uint32_t xw = tml_read_u32(x);
    const uint32_t xe = tml_sxtab16(rows->neg_zp, xw), xo = tml_sxtab16_ror8(rows->neg_zp, xw);
    uint32_t w = tml_read_u32(w0);
    acc[0] = tml_smlad(xo, tml_sxtb16_ror8(w), tml_smlad(xe, tml_sxtb16(w), acc[0]));
    w = tml_read_u32(w1);
    acc[1] = tml_smlad(xo, tml_sxtb16_ror8(w), tml_smlad(xe, tml_sxtb16(w), acc[1]));
    w = tml_read_u32(w2);
    acc[2] = tml_smlad(xo, tml_sxtb16_ror8(w), tml_smlad(xe, tml_sxtb16(w), acc[2]));
    w = tml_read_u32(w3);
    acc[3] = tml_smlad(xo, tml_sxtb16_ror8(w), tml_smlad(xe, tml_sxtb16(w), acc[3]));
    x += 4;
    w0 += 4;
    w1 += 4;
    w2 += 4;
    w3 += 4;
  } while (x != end);
}
#endif

}  // namespace

extern "C" void tml_conv1d_s8_opt(const tml_conv1d_params* params, const tml_channel_quant* quant,
                                  const tml_dims* input_dims, const int8_t* input, const int8_t* filter,
                                  const int32_t* bias, const tml_dims* output_dims, int8_t* output) {
  const tml_conv1d_params p = *params;
  const int32_t in_time = input_dims->time;
  const int32_t in_ch = input_dims->channels;
  const int32_t out_ch = output_dims->channels;
  const int32_t kernel = p.kernel_size;
  const int32_t zp = p.input_zero_point;
  const int32_t len = kernel * in_ch;  // bytes of a full window and of a filter row
  const int32_t words_len = len & ~3;  // the part of a full window taken by whole words
  const int32_t pool = p.pool_size > 1 ? p.pool_size : 1;
  const int32_t pool_stride = p.pool_size > 1 ? p.pool_stride : 1;
  TML_ASSERT(kernel >= 1 && p.stride >= 1 && pool_stride >= 1);
  TML_ASSERT(p.pad_left >= 0 && p.pad_left < kernel);
  Rows rows;
  rows.neg_zp = (static_cast<uint32_t>(-zp) & 0xFFFFu) * 0x00010001u;

  for (int32_t o = 0; o < out_ch; o += 4) {
    int32_t ch[4], b[4];
    ChannelRequant q[4];
    // Pooling keeps raw accumulators when every channel of the block allows it (shift <= 0), else
    // requantized values.
    bool raw_max = true;
    for (int32_t k = 0; k < 4; ++k) {
      ch[k] = o + k < out_ch ? o + k : out_ch - 1;
      b[k] = bias ? bias[ch[k]] : 0;
      rows.w[k] = filter + ch[k] * len;
      raw_max = raw_max && quant->shift[ch[k]] <= 0;
      q[k] = channel_requant(quant, ch[k], p.output_zero_point, p.activation);
      q[k].offset = ch[k] - o;
    }
    const int8_t* const w0 = rows.w[0];
    const int8_t* const w1 = rows.w[1];
    const int8_t* const w2 = rows.w[2];
    const int8_t* const w3 = rows.w[3];
    int8_t* out = output;
    for (int32_t t = 0; t < output_dims->time; ++t, out += out_ch) {
      int32_t best[4];
      for (int32_t k = 0; k < 4; ++k) best[k] = raw_max ? INT32_MIN : -128;
      for (int32_t s = 0; s < pool; ++s) {
        const int32_t start = (t * pool_stride + s) * p.stride - p.pad_left;
        TML_ASSERT(start < in_time && start + kernel > 0);
        // The taps inside the input, as offsets i_first .. i_end into the filter rows (padding adds
        // nothing); x points at the input byte of offset i_first.
        const int32_t i_first = (start < 0 ? -start : 0) * in_ch;
        const int32_t i_end = (start + kernel > in_time ? in_time - start : kernel) * in_ch;
        const int8_t* x = input + (start * in_ch + i_first);
        int32_t i = i_first;
        int32_t acc[4] = {b[0], b[1], b[2], b[3]};
        if (i == 0 && i_end == len && words_len) {  // a full window: its whole words, then the rest
          dot4_words(acc, x, x + words_len, &rows);
          i = words_len;
        }
        int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
        for (; i < i_end; ++i) {
          const int32_t v = x[i - i_first] - zp;
          a0 += v * w0[i];
          a1 += v * w1[i];
          a2 += v * w2[i];
          a3 += v * w3[i];
        }
        if (!raw_max) {
          acc[0] = a0;
          acc[1] = a1;
          acc[2] = a2;
          acc[3] = a3;
          int8_t v[4];  // indexed like out + o (repeated channels land on the same byte)
          requantize4(acc, q, v);
          a0 = v[q[0].offset];
          a1 = v[q[1].offset];
          a2 = v[q[2].offset];
          a3 = v[q[3].offset];
        }
        if (a0 > best[0]) best[0] = a0;
        if (a1 > best[1]) best[1] = a1;
        if (a2 > best[2]) best[2] = a2;
        if (a3 > best[3]) best[3] = a3;
      }
      if (raw_max) {
        requantize4(best, q, out + o);
      } else {
        for (int32_t k = 0; k < 4; ++k) out[ch[k]] = static_cast<int8_t>(best[k]);
      }
    }
  }
}

}  // namespace tml
