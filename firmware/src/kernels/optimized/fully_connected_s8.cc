// Optimized int8 fully connected kernel for the Cortex-M4 DSP extension (contract in tml/kernels.h),
// bit-exact with tml_fully_connected_s8_ref.
//
// Four output rows at a time: each input word is loaded once and widened to two int16 pairs with the
// zero point already subtracted (SXTAB16 adds -zp to each lane: x - zp lies in -255..255), then every
// row's weight word is widened (SXTB16) and multiplied in (two SMLADs). The sums are the reference's
// products added in another order with wrapping int32 additions; the true result fits in an int32
// (checked at load), so they are equal. When in_features is not a multiple of 4, the first word keeps
// only its first in_features % 4 weight bytes and the following words start right after them, so no
// byte outside a row or the input is read. Fewer than 4 inputs take the reference's scalar loop; a last
// block of fewer than 4 rows repeats its last row (its output is written again with the same value).
#include "tml/dsp.h"
#include "tml/kernels.h"
#include "tml/requant.h"

namespace tml {
namespace {

struct Acc4 {
  int32_t r0, r1, r2, r3;
};

__attribute__((always_inline)) inline void mac_word(Acc4& acc, const int8_t* x, uint32_t neg_zp, const int8_t* w0,
                                                    const int8_t* w1, const int8_t* w2, const int8_t* w3,
                                                    uint32_t keep) {
  const uint32_t xw = tml_read_u32(x);
  const uint32_t xe = tml_sxtab16(neg_zp, xw), xo = tml_sxtab16_ror8(neg_zp, xw);
  uint32_t w = tml_read_u32(w0) & keep;
  acc.r0 = tml_smlad(xe, tml_sxtb16(w), acc.r0);
  acc.r0 = tml_smlad(xo, tml_sxtb16_ror8(w), acc.r0);
  w = tml_read_u32(w1) & keep;
  acc.r1 = tml_smlad(xe, tml_sxtb16(w), acc.r1);
  acc.r1 = tml_smlad(xo, tml_sxtb16_ror8(w), acc.r1);
  w = tml_read_u32(w2) & keep;
  acc.r2 = tml_smlad(xe, tml_sxtb16(w), acc.r2);
  acc.r2 = tml_smlad(xo, tml_sxtb16_ror8(w), acc.r2);
  w = tml_read_u32(w3) & keep;
  acc.r3 = tml_smlad(xe, tml_sxtb16(w), acc.r3);
  acc.r3 = tml_smlad(xo, tml_sxtb16_ror8(w), acc.r3);
}

}  // namespace

extern "C" void tml_fully_connected_s8_opt(const tml_fc_params* params, const tml_channel_quant* quant,
                                           int32_t in_features, const int8_t* input, int32_t out_features,
                                           const int8_t* weights, const int32_t* bias, int8_t* output) {
  TML_ASSERT(in_features >= 1 && out_features >= 1);
  const int32_t n = in_features;
  const int32_t in_zp = params->input_zero_point;
  // -zp in both int16 lanes.
  const uint32_t neg_zp = (static_cast<uint32_t>(-in_zp) & 0xFFFFu) * 0x00010001u;
  const int32_t r = n & 3;
  const uint32_t first_keep = r ? ~(~0u << (8 * r)) : ~0u;
  for (int32_t o = 0; o < out_features; o += 4) {
    int32_t rows[4];
    for (int32_t k = 0; k < 4; ++k) rows[k] = o + k < out_features ? o + k : out_features - 1;
    const int8_t* w0 = weights + rows[0] * n;
    const int8_t* w1 = weights + rows[1] * n;
    const int8_t* w2 = weights + rows[2] * n;
    const int8_t* w3 = weights + rows[3] * n;
    Acc4 acc = {0, 0, 0, 0};
    if (bias) acc = {bias[rows[0]], bias[rows[1]], bias[rows[2]], bias[rows[3]]};
    if (n >= 4) {
      mac_word(acc, input, neg_zp, w0, w1, w2, w3, first_keep);
      for (int32_t i = r ? r : 4; i < n; i += 4)
        mac_word(acc, input + i, neg_zp, w0 + i, w1 + i, w2 + i, w3 + i, ~0u);
    } else {
      for (int32_t i = 0; i < n; ++i) {
        const int32_t x = input[i] - in_zp;
        acc.r0 += x * w0[i];
        acc.r1 += x * w1[i];
        acc.r2 += x * w2[i];
        acc.r3 += x * w3[i];
      }
    }
    const int32_t sums[4] = {acc.r0, acc.r1, acc.r2, acc.r3};
    for (int32_t k = 0; k < 4; ++k)
      output[rows[k]] = tml_requantize_s8(sums[k], quant->multiplier[rows[k]], quant->shift[rows[k]],
                                          params->output_zero_point, params->activation.min,
                                          params->activation.max);
  }
}

}  // namespace tml
