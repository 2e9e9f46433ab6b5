// Self-test image for the emulated board: the optimized kernels (conv1d, depthwise conv1d, fully
// connected), built with the real DSP instructions, against the reference kernels on the same random
// inputs, and the instructions of tml/dsp.h against
// their portable definitions. tests/e2e/test_kernels_board.cc runs it under QEMU.
//
// Exit status (semihosting): 0 when everything matched, 1 on the first mismatch (described on QEMU's
// stderr), 2 if the image was not built for the DSP extension. Prints `selftest: <n> cases passed`.
#include <cstring>

#include "semihost_print.h"
#include "tml/dsp.h"
#include "tml/kernels.h"

namespace tml::mps2 {
namespace {

uint32_t g_state = 0x9E3779B9u;

uint32_t next() {  // xorshift32
  g_state ^= g_state << 13;
  g_state ^= g_state >> 17;
  g_state ^= g_state << 5;
  return g_state;
}
int32_t uniform(int32_t lo, int32_t hi) {
  return lo + static_cast<int32_t>(next() % static_cast<uint32_t>(hi - lo + 1));
}
bool chance(int32_t percent) { return uniform(0, 99) < percent; }

// Large enough for the reference models' layers: dense 624 -> 32 (19,968 weights), conv [208][3], and
// the DS-CNN's [25][64] activations.
alignas(4) int8_t g_input[2048];
alignas(4) int8_t g_weights[20 * 1024];
int32_t g_bias[64], g_multiplier[64], g_shift[64];
int8_t g_out_ref[2048], g_out_opt[2048];

void fill_s8(int8_t* x, int32_t n, int32_t lo, int32_t hi) {
  for (int32_t i = 0; i < n; ++i) x[i] = static_cast<int8_t>(uniform(lo, hi));
}

// Per-channel parameters within what the runner accepts for dot products of `len` terms.
void fill_channels(int32_t count, int32_t len) {
  const int32_t limit = INT32_MAX - len * 255 * 127;
  for (int32_t o = 0; o < count; ++o) {
    g_bias[o] = chance(10) ? (chance(50) ? limit : -limit) : uniform(-30000, 30000);
    const int32_t kind = uniform(0, 9);
    g_multiplier[o] = kind == 0 ? 0 : (kind == 1 ? INT32_MAX : uniform(1 << 30, INT32_MAX));
    const int32_t where = uniform(0, 9);
    g_shift[o] = where < 6 ? uniform(-12, 0) : (where < 8 ? uniform(-31, -12) : uniform(1, 30));
  }
}

bool same(const char* what, int32_t index, int32_t n) {
  if (!memcmp(g_out_ref, g_out_opt, static_cast<size_t>(n))) return true;
  print("selftest: ");
  print(what);
  print(" case ");
  print_int(index);
  print(": optimized differs from reference\n");
  return false;
}

bool dsp_case(int32_t index) {
  const uint32_t a = next(), x = next();
  const int32_t acc = static_cast<int32_t>(next());
  if (tml_sxtb16(x) == tml_sxtb16_c(x) && tml_sxtb16_ror8(x) == tml_sxtb16_ror8_c(x) &&
      tml_sxtab16(a, x) == tml_sxtab16_c(a, x) && tml_sxtab16_ror8(a, x) == tml_sxtab16_ror8_c(a, x) &&
      tml_smlad(a, x, acc) == tml_smlad_c(a, x, acc) && tml_smlabb(a, x, acc) == tml_smlabb_c(a, x, acc) &&
      tml_smlatt(a, x, acc) == tml_smlatt_c(a, x, acc))
    return true;
  print("selftest: DSP instruction differs from its definition, case ");
  print_int(index);
  print("\n");
  return false;
}

bool fc_case(int32_t index, int32_t in, int32_t out) {
  tml_fc_params p = {uniform(-128, 127), uniform(-128, 127), {-128, 127}};
  if (chance(40)) p.activation.min = p.output_zero_point;
  fill_s8(g_input, in, -128, 127);
  fill_s8(g_weights, in * out, -127, 127);
  fill_channels(out, in);
  const tml_channel_quant quant = {g_multiplier, g_shift};
  const int32_t* bias = chance(85) ? g_bias : nullptr;
  tml_fully_connected_s8_ref(&p, &quant, in, g_input, out, g_weights, bias, g_out_ref);
  tml_fully_connected_s8_opt(&p, &quant, in, g_input, out, g_weights, bias, g_out_opt);
  return same("fully connected", index, out);
}

// A conv1d layer; pool_size 0 means none. Returns true (nothing run) for geometries the runner refuses.
bool conv_case(int32_t index, int32_t in_time, int32_t in_ch, int32_t out_ch, int32_t kernel, int32_t stride,
               int32_t pad_left, int32_t pad_right, int32_t pool, int32_t pool_stride) {
  const int32_t span = in_time + pad_left + pad_right;
  if (span < kernel) return true;
  const int32_t conv_time = (span - kernel) / stride + 1;
  if (pool > conv_time) return true;
  const int32_t out_time = pool ? (conv_time - pool) / pool_stride + 1 : conv_time;
  const int32_t last_step = pool > 1 ? (out_time - 1) * pool_stride + pool - 1 : out_time - 1;
  if (last_step * stride - pad_left >= in_time || out_time * out_ch > 2048) return true;
  tml_conv1d_params p = {uniform(-128, 127), uniform(-128, 127), kernel, stride, pad_left, pool, pool_stride,
                         {-128, 127}};
  if (chance(50)) p.activation.min = p.output_zero_point;
  fill_s8(g_input, in_time * in_ch, -128, 127);
  fill_s8(g_weights, out_ch * kernel * in_ch, -127, 127);
  fill_channels(out_ch, kernel * in_ch);
  const tml_channel_quant quant = {g_multiplier, g_shift};
  const tml_dims in = {in_time, in_ch}, out = {out_time, out_ch};
  const int32_t* bias = chance(85) ? g_bias : nullptr;
  tml_conv1d_s8_ref(&p, &quant, &in, g_input, g_weights, bias, &out, g_out_ref);
  tml_conv1d_s8_opt(&p, &quant, &in, g_input, g_weights, bias, &out, g_out_opt);
  return same("conv1d", index, out_time * out_ch);
}

// A depthwise conv1d layer. Returns true (nothing run) for geometries the runner refuses.
bool depthwise_case(int32_t index, int32_t in_time, int32_t channels, int32_t kernel, int32_t stride,
                    int32_t pad_left, int32_t pad_right) {
  const int32_t span = in_time + pad_left + pad_right;
  if (span < kernel) return true;
  const int32_t out_time = (span - kernel) / stride + 1;
  if ((out_time - 1) * stride - pad_left >= in_time || out_time * channels > 2048) return true;
  tml_depthwise_conv1d_params p = {uniform(-128, 127), uniform(-128, 127), kernel, stride, pad_left, {-128, 127}};
  if (chance(50)) p.activation.min = p.output_zero_point;
  fill_s8(g_input, in_time * channels, -128, 127);
  fill_s8(g_weights, kernel * channels, -127, 127);
  fill_channels(channels, kernel);
  const tml_channel_quant quant = {g_multiplier, g_shift};
  const tml_dims in = {in_time, channels}, out = {out_time, channels};
  const int32_t* bias = chance(85) ? g_bias : nullptr;
  tml_depthwise_conv1d_s8_ref(&p, &quant, &in, g_input, g_weights, bias, &out, g_out_ref);
  tml_depthwise_conv1d_s8_opt(&p, &quant, &in, g_input, g_weights, bias, &out, g_out_opt);
  return same("depthwise conv1d", index, out_time * channels);
}

bool run_all(int32_t* passed) {
  int32_t n = 0;
  for (int32_t i = 0; i < 20000; ++i, ++n)
    if (!dsp_case(i)) return false;
  // The layers of the two reference models.
  for (int32_t i = 0; i < 4; ++i, n += 6) {
    if (!conv_case(i, 208, 3, 8, 5, 1, 0, 0, 2, 2) || !conv_case(i, 102, 8, 16, 5, 1, 0, 0, 2, 2) ||
        !fc_case(i, 784, 4) || !fc_case(i, 624, 32) || !fc_case(i, 32, 16) || !fc_case(i, 16, 4))
      return false;
  }
  for (int32_t i = 0; i < 400; ++i, ++n) {
    const int32_t kernel = uniform(1, 7);
    const int32_t pool = chance(40) ? 0 : uniform(1, 4);
    if (!conv_case(i, uniform(1, 40), uniform(1, 9), uniform(1, 9), kernel, uniform(1, 3),
                   chance(60) ? 0 : uniform(0, kernel - 1), chance(60) ? 0 : uniform(0, kernel - 1), pool,
                   pool ? uniform(1, 3) : 0))
      return false;
  }
  for (int32_t i = 0; i < 400; ++i, ++n)
    if (!fc_case(i, chance(10) ? uniform(1, 4) : uniform(1, 200), uniform(1, 13))) return false;
  // The DS-CNN's layers: conv [49][10] -> [25][64] k5 stride 2 same, depthwise [25][64] k3 same,
  // pointwise 64 -> 64, dense 64 -> 12.
  for (int32_t i = 0; i < 4; ++i, n += 4) {
    if (!conv_case(i, 49, 10, 64, 5, 2, 2, 2, 0, 0) || !depthwise_case(i, 25, 64, 3, 1, 1, 1) ||
        !conv_case(i, 25, 64, 64, 1, 1, 0, 0, 0, 0) || !fc_case(i, 64, 12))
      return false;
  }
  for (int32_t i = 0; i < 400; ++i, ++n) {
    const int32_t kernel = uniform(1, 7);
    if (!depthwise_case(i, uniform(1, 40), uniform(1, 21), kernel, uniform(1, 3),
                        chance(50) ? 0 : uniform(0, kernel - 1), chance(50) ? 0 : uniform(0, kernel - 1)))
      return false;
  }
  *passed = n;
  return true;
}

}  // namespace
}  // namespace tml::mps2

int main() {
  using namespace tml::mps2;
  if (!TML_DSP_NATIVE) {
    print("selftest: built without the DSP extension\n");
    return 2;
  }
  int32_t passed = 0;
  if (!run_all(&passed)) return 1;
  print("selftest: ");
  print_int(passed);
  print(" cases passed\n");
  return 0;
}
