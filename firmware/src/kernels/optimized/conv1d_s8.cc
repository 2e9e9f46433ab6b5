// Optimized int8 1D convolution for the Cortex-M4 DSP extension (contract in tml/kernels.h), bit-exact
// with tml_conv1d_s8_ref.
//
// A convolution step's window (kernel_size steps of C_in channels) is contiguous in the time-major input
// and so is a filter row [K][C_in]: each output is one dot product of L = K * C_in bytes, as in the
// reference. Here four come at once: two consecutive convolution steps times two output channels, so
// every input word and every weight word loaded and sign-extended (SXTB16) feeds two SMLADs twice.
//   - The input zero point is folded into the bias once per channel (bias - zp * sum of the filter row),
//     so the inner loop multiplies raw int8 values. The sums differ from the reference's only in the
//     order of wrapping int32 additions, and the true result fits in an int32 (checked at load), so
//     they are equal.
//   - When L is not a multiple of 4 the last word overlaps the one before; its weight bytes already
//     counted are masked to zero. No byte outside a window or a filter row is read.
//   - Fused max pooling takes the maximum of the raw accumulators and requantizes once. This equals
//     the reference's requantize-then-max because requantization is non-decreasing in the accumulator
//     when shift <= 0 and the multiplier is >= 0 (floor of a product by m >= 0, rounding division by a
//     power of two and the clamp are all non-decreasing); with shift > 0 the wrapping left shift is not
//     monotonic, and those channels requantize every step like the reference.
//   - Steps whose window reaches into the padding, and filters shorter than 4 bytes, take the
//     reference's scalar path.
#include "tml/dsp.h"
#include "tml/kernels.h"
#include "tml/requant.h"

namespace tml {
namespace {

struct Geometry {
  const int8_t* input;
  int32_t in_time;
  int32_t in_ch;
  int32_t kernel;
  int32_t stride;
  int32_t pad_left;
  int32_t len;  // kernel * in_ch
  int32_t in_zp;
};

// One output channel: where its filter row is and how its outputs are requantized.
struct Channel {
  const int8_t* w;
  int32_t bias;         // the layer's bias (0 without)
  int32_t folded_bias;  // bias - in_zp * sum(w), modulo 2^32
  int32_t multiplier;
  int32_t shift;
  bool raw_max;         // pooling may take the max before requantizing (shift <= 0)
};

// Reference arithmetic for one convolution step and one channel, padding included.
int32_t conv_step_scalar(const Geometry& g, const Channel& c, int32_t j) {
  const int32_t start = j * g.stride - g.pad_left;
  const int32_t k_first = start < 0 ? -start : 0;
  const int32_t k_end = start + g.kernel > g.in_time ? g.in_time - start : g.kernel;
  const int8_t* x = g.input + (start + k_first) * g.in_ch;
  const int8_t* w = c.w + k_first * g.in_ch;
  const int32_t n = (k_end - k_first) * g.in_ch;
  uint32_t acc = static_cast<uint32_t>(c.bias);
  for (int32_t i = 0; i < n; ++i) acc += static_cast<uint32_t>((x[i] - g.in_zp) * w[i]);
  return static_cast<int32_t>(acc);
}

bool interior(const Geometry& g, int32_t j) {
  const int32_t start = j * g.stride - g.pad_left;
  return start >= 0 && start + g.kernel <= g.in_time;
}

// Four accumulators: two convolution steps (a, b) times two channels (0, 1).
struct Acc4 {
  int32_t a0, a1, b0, b1;
};

// One word (4 bytes) of the two windows and the two filter rows; `keep` masks weight bytes.
__attribute__((always_inline)) inline void mac_word(Acc4& acc, const int8_t* xa, const int8_t* xb,
                                                    const int8_t* w0, const int8_t* w1, uint32_t keep) {
  const uint32_t xaw = tml_read_u32(xa), xbw = tml_read_u32(xb);
  const uint32_t xa_e = tml_sxtb16(xaw), xa_o = tml_sxtb16_ror8(xaw);
  const uint32_t xb_e = tml_sxtb16(xbw), xb_o = tml_sxtb16_ror8(xbw);
  uint32_t w = tml_read_u32(w0) & keep;
  uint32_t we = tml_sxtb16(w), wo = tml_sxtb16_ror8(w);
  acc.a0 = tml_smlad(xa_e, we, acc.a0);
  acc.a0 = tml_smlad(xa_o, wo, acc.a0);
  acc.b0 = tml_smlad(xb_e, we, acc.b0);
  acc.b0 = tml_smlad(xb_o, wo, acc.b0);
  w = tml_read_u32(w1) & keep;
  we = tml_sxtb16(w);
  wo = tml_sxtb16_ror8(w);
  acc.a1 = tml_smlad(xa_e, we, acc.a1);
  acc.a1 = tml_smlad(xa_o, wo, acc.a1);
  acc.b1 = tml_smlad(xb_e, we, acc.b1);
  acc.b1 = tml_smlad(xb_o, wo, acc.b1);
}

// Convolution steps ja and jb for channels c0 and c1.
Acc4 conv_pair(const Geometry& g, const Channel& c0, const Channel& c1, int32_t ja, int32_t jb) {
  if (g.len < 4 || !interior(g, ja) || !interior(g, jb))
    return {conv_step_scalar(g, c0, ja), conv_step_scalar(g, c1, ja), conv_step_scalar(g, c0, jb),
            conv_step_scalar(g, c1, jb)};
  const int8_t* xa = g.input + (ja * g.stride - g.pad_left) * g.in_ch;
  const int8_t* xb = g.input + (jb * g.stride - g.pad_left) * g.in_ch;
  const int8_t* w0 = c0.w;
  const int8_t* w1 = c1.w;
  Acc4 acc = {c0.folded_bias, c1.folded_bias, c0.folded_bias, c1.folded_bias};
  // The first word keeps only its first r = len % 4 weight bytes (all four when r = 0); the words
  // after it start at r (or 4), so the last one ends exactly at len.
  const int32_t r = g.len & 3;
  mac_word(acc, xa, xb, w0, w1, r ? ~(~0u << (8 * r)) : ~0u);
  for (int32_t off = r ? r : 4; off < g.len; off += 4) mac_word(acc, xa + off, xb + off, w0 + off, w1 + off, ~0u);
  return acc;
}

Channel make_channel(const Geometry& g, const tml_channel_quant* quant, const int32_t* bias, const int8_t* filter,
                     int32_t o) {
  Channel c;
  c.w = filter + o * g.len;
  c.bias = bias ? bias[o] : 0;
  uint32_t sum = 0;
  for (int32_t i = 0; i < g.len; ++i) sum += static_cast<uint32_t>(c.w[i]);
  c.folded_bias = static_cast<int32_t>(static_cast<uint32_t>(c.bias) - static_cast<uint32_t>(g.in_zp) * sum);
  c.multiplier = quant->multiplier[o];
  c.shift = quant->shift[o];
  c.raw_max = c.shift <= 0;
  return c;
}

}  // namespace

extern "C" void tml_conv1d_s8_opt(const tml_conv1d_params* params, const tml_channel_quant* quant,
                                  const tml_dims* input_dims, const int8_t* input, const int8_t* filter,
                                  const int32_t* bias, const tml_dims* output_dims, int8_t* output) {
  const Geometry g = {input,           input_dims->time, input_dims->channels,
                      params->kernel_size, params->stride, params->pad_left,
                      params->kernel_size * input_dims->channels, params->input_zero_point};
  const int32_t out_ch = output_dims->channels;
  const int32_t out_time = output_dims->time;
  const int32_t zp = params->output_zero_point;
  const int32_t act_min = params->activation.min, act_max = params->activation.max;
  const bool pooled = params->pool_size > 1;
  const int32_t pool = pooled ? params->pool_size : 1;
  const int32_t pool_stride = pooled ? params->pool_stride : 1;
  TML_ASSERT(g.kernel >= 1 && g.stride >= 1 && pool_stride >= 1);
  TML_ASSERT(g.pad_left >= 0 && g.pad_left < g.kernel);

  const auto requant = [&](int32_t acc, const Channel& c) -> int32_t {
    return tml_requantize_s8(acc, c.multiplier, c.shift, zp, act_min, act_max);
  };

  // Two channels at a time; an odd last channel is paired with itself (its outputs written twice).
  for (int32_t o = 0; o < out_ch; o += 2) {
    const int32_t o1 = o + 1 < out_ch ? o + 1 : o;
    const Channel c0 = make_channel(g, quant, bias, filter, o);
    const Channel c1 = make_channel(g, quant, bias, filter, o1);
    if (!pooled) {
      // Two output steps at a time; an odd last step is paired with itself.
      for (int32_t t = 0; t < out_time; t += 2) {
        const int32_t tb = t + 1 < out_time ? t + 1 : t;
        const Acc4 acc = conv_pair(g, c0, c1, t, tb);
        output[t * out_ch + o] = static_cast<int8_t>(requant(acc.a0, c0));
        output[t * out_ch + o1] = static_cast<int8_t>(requant(acc.a1, c1));
        output[tb * out_ch + o] = static_cast<int8_t>(requant(acc.b0, c0));
        output[tb * out_ch + o1] = static_cast<int8_t>(requant(acc.b1, c1));
      }
      continue;
    }
    for (int32_t t = 0; t < out_time; ++t) {
      // best: the largest accumulator (raw_max) or the largest requantized value.
      int32_t best0 = c0.raw_max ? INT32_MIN : -128;
      int32_t best1 = c1.raw_max ? INT32_MIN : -128;
      const auto fold = [&](int32_t a0, int32_t a1) {
        const int32_t v0 = c0.raw_max ? a0 : requant(a0, c0);
        const int32_t v1 = c1.raw_max ? a1 : requant(a1, c1);
        if (v0 > best0) best0 = v0;
        if (v1 > best1) best1 = v1;
      };
      for (int32_t p = 0; p < pool; p += 2) {
        const int32_t ja = t * pool_stride + p;
        const Acc4 acc = conv_pair(g, c0, c1, ja, p + 1 < pool ? ja + 1 : ja);
        fold(acc.a0, acc.a1);
        fold(acc.b0, acc.b1);
      }
      output[t * out_ch + o] = static_cast<int8_t>(c0.raw_max ? requant(best0, c0) : best0);
      output[t * out_ch + o1] = static_cast<int8_t>(c1.raw_max ? requant(best1, c1) : best1);
    }
  }
}

}  // namespace tml
