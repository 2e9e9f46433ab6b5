// The two kernel sets (tml/kernels.h) byte for byte: tml_<op>_s8_opt against tml_<op>_s8_ref (conv1d,
// depthwise conv1d, fully connected) over randomized shapes, strides, padding, pooling, zero points and
// per-channel requantization -- odd lengths, channel counts that are not multiples of 2 or 4 (stepped
// through the primes), dot products shorter than a word, positive shifts (where fused pooling must
// requantize every step), accumulators at the int32 limits the runner allows, unaligned pointers.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

#include "quant_reference.h"
#include "tml/kernels.h"
#include "tml/requant.h"

using namespace tml::test;

namespace {

std::mt19937& rng() {
  static std::mt19937 r(20240501);
  return r;
}
int32_t uniform(int32_t lo, int32_t hi) { return std::uniform_int_distribution<int32_t>(lo, hi)(rng()); }
bool chance(int percent) { return uniform(0, 99) < percent; }

// A requantization pair anywhere in the valid range, mostly realistic (small real multipliers).
void random_quant(int32_t* multiplier, int32_t* shift) {
  const int32_t kind = uniform(0, 9);
  *multiplier = kind == 0 ? 0 : (kind == 1 ? INT32_MAX : uniform(1 << 30, INT32_MAX));
  if (kind == 2) *multiplier = 1 << 30;
  const int32_t where = uniform(0, 9);
  *shift = where < 6 ? uniform(-12, 0) : (where < 8 ? uniform(-31, -12) : uniform(1, 30));
}

// Filters or weights: mostly random, sometimes all at an extreme (the largest accumulators).
std::vector<int8_t> random_weights(size_t n, int mode) {
  if (mode == 1) return std::vector<int8_t>(n, 127);
  if (mode == 2) return std::vector<int8_t>(n, -127);
  return random_s8(rng(), n, -127, 127);
}
std::vector<int8_t> random_input(size_t n, int mode, int32_t zp) {
  if (mode == 1) return std::vector<int8_t>(n, static_cast<int8_t>(zp >= 0 ? -128 : 127));
  if (mode == 2) return std::vector<int8_t>(n, static_cast<int8_t>(zp >= 0 ? 127 : -128));
  return random_s8(rng(), n);
}
// Biases within what the runner accepts for dot products of `len` terms: |bias| + len*255*127 <= INT32_MAX.
std::vector<int32_t> random_bias(int32_t count, int32_t len, bool extreme) {
  const int64_t limit = std::min<int64_t>(INT32_MAX - int64_t{len} * 255 * 127, 1 << 30);
  std::vector<int32_t> b(count);
  for (auto& v : b) {
    v = extreme ? static_cast<int32_t>(chance(50) ? limit : -limit) : uniform(-30000, 30000);
  }
  return b;
}

struct ConvCase {
  tml_conv1d_params p{};
  tml_dims in{}, out{};
  std::vector<int8_t> input, filter;
  std::vector<int32_t> bias, multiplier, shift;
  bool with_bias = true;
};

bool random_conv(ConvCase& c, int32_t max_time) {
  c.in.time = uniform(1, max_time);
  c.in.channels = uniform(1, 9);
  c.out.channels = uniform(1, 9);
  c.p.kernel_size = uniform(1, 7);
  c.p.stride = uniform(1, 3);
  c.p.pad_left = chance(60) ? 0 : uniform(0, c.p.kernel_size - 1);
  const int32_t pad_right = chance(60) ? 0 : uniform(0, c.p.kernel_size - 1);
  const int32_t span = c.in.time + c.p.pad_left + pad_right;
  if (span < c.p.kernel_size) return false;
  const int32_t conv_time = (span - c.p.kernel_size) / c.p.stride + 1;
  c.p.pool_size = chance(40) ? 0 : uniform(1, 4);
  c.p.pool_stride = c.p.pool_size ? uniform(1, 3) : 0;
  if (c.p.pool_size > conv_time) return false;
  c.out.time = c.p.pool_size ? (conv_time - c.p.pool_size) / c.p.pool_stride + 1 : conv_time;
  // Every convolution step must touch the input (what the runner's geometry check guarantees): the
  // last step starts before the input's end.
  const int32_t last_step = c.p.pool_size > 1 ? (c.out.time - 1) * c.p.pool_stride + c.p.pool_size - 1 : c.out.time - 1;
  if (last_step * c.p.stride - c.p.pad_left >= c.in.time) return false;
  c.p.input_zero_point = chance(20) ? (chance(50) ? -128 : 127) : uniform(-128, 127);
  c.p.output_zero_point = uniform(-128, 127);
  c.p.activation = {-128, 127};
  if (chance(40)) c.p.activation = {c.p.output_zero_point, 127};
  if (chance(15)) c.p.activation = {uniform(-128, 0), uniform(1, 127)};
  const int32_t len = c.p.kernel_size * c.in.channels;
  const int mode = chance(85) ? 0 : uniform(1, 2);
  c.input = random_input(size_t(c.in.time) * c.in.channels, mode, c.p.input_zero_point);
  c.filter = random_weights(size_t(c.out.channels) * len, mode);
  c.bias = random_bias(c.out.channels, len, mode != 0 && chance(50));
  c.with_bias = chance(85);
  c.multiplier.resize(c.out.channels);
  c.shift.resize(c.out.channels);
  for (int32_t o = 0; o < c.out.channels; ++o) random_quant(&c.multiplier[o], &c.shift[o]);
  return true;
}

std::vector<int8_t> run_conv(decltype(&tml_conv1d_s8) kernel, const ConvCase& c) {
  const tml_channel_quant q = {c.multiplier.data(), c.shift.data()};
  const size_t n = size_t(c.out.time) * c.out.channels;
  std::vector<int8_t> y(n + 8, 0x5A);
  kernel(&c.p, &q, &c.in, c.input.data(), c.filter.data(), c.with_bias ? c.bias.data() : nullptr, &c.out, y.data());
  for (size_t i = n; i < y.size(); ++i) REQUIRE(y[i] == 0x5A);
  y.resize(n);
  return y;
}

struct FcCase {
  tml_fc_params p{};
  int32_t in = 0, out = 0;
  std::vector<int8_t> input, weights;
  std::vector<int32_t> bias, multiplier, shift;
  bool with_bias = true;
};

void random_fc(FcCase& c, int32_t max_in) {
  c.in = chance(10) ? uniform(1, 4) : uniform(1, max_in);
  c.out = uniform(1, 13);
  c.p.input_zero_point = chance(20) ? (chance(50) ? -128 : 127) : uniform(-128, 127);
  c.p.output_zero_point = uniform(-128, 127);
  c.p.activation = chance(40) ? tml_act_range{c.p.output_zero_point, 127} : tml_act_range{-128, 127};
  const int mode = chance(85) ? 0 : uniform(1, 2);
  c.input = random_input(size_t(c.in), mode, c.p.input_zero_point);
  c.weights = random_weights(size_t(c.in) * c.out, mode);
  c.bias = random_bias(c.out, c.in, mode != 0 && chance(50));
  c.with_bias = chance(85);
  c.multiplier.resize(c.out);
  c.shift.resize(c.out);
  for (int32_t o = 0; o < c.out; ++o) random_quant(&c.multiplier[o], &c.shift[o]);
}

std::vector<int8_t> run_fc(decltype(&tml_fully_connected_s8) kernel, const FcCase& c) {
  const tml_channel_quant q = {c.multiplier.data(), c.shift.data()};
  std::vector<int8_t> y(size_t(c.out) + 8, 0x5A);
  kernel(&c.p, &q, c.in, c.input.data(), c.out, c.weights.data(), c.with_bias ? c.bias.data() : nullptr, y.data());
  for (size_t i = size_t(c.out); i < y.size(); ++i) REQUIRE(y[i] == 0x5A);
  y.resize(size_t(c.out));
  return y;
}

struct DwCase {
  tml_depthwise_conv1d_params p{};
  tml_dims in{}, out{};
  std::vector<int8_t> input, filter;
  std::vector<int32_t> bias, multiplier, shift;
  bool with_bias = true;
};

// A depthwise layer of the given size and random everything else; false for geometries the runner refuses.
bool random_depthwise(DwCase& c, int32_t in_time, int32_t channels, int32_t kernel) {
  c.in = {in_time, channels};
  c.p.kernel_size = kernel;
  c.p.stride = uniform(1, 3);
  c.p.pad_left = chance(50) ? 0 : uniform(0, kernel - 1);
  const int32_t pad_right = chance(50) ? 0 : uniform(0, kernel - 1);
  const int32_t span = in_time + c.p.pad_left + pad_right;
  if (span < kernel) return false;
  c.out = {(span - kernel) / c.p.stride + 1, channels};
  if ((c.out.time - 1) * c.p.stride - c.p.pad_left >= in_time) return false;  // every step touches the input
  c.p.input_zero_point = chance(20) ? (chance(50) ? -128 : 127) : uniform(-128, 127);
  c.p.output_zero_point = uniform(-128, 127);
  c.p.activation = {-128, 127};
  if (chance(40)) c.p.activation = {c.p.output_zero_point, 127};
  if (chance(15)) c.p.activation = {uniform(-128, 0), uniform(1, 127)};
  const int mode = chance(85) ? 0 : uniform(1, 2);
  c.input = random_input(size_t(in_time) * channels, mode, c.p.input_zero_point);
  c.filter = random_weights(size_t(kernel) * channels, mode);
  c.bias = random_bias(channels, kernel, mode != 0 && chance(50));
  c.with_bias = chance(85);
  c.multiplier.resize(channels);
  c.shift.resize(channels);
  for (int32_t ch = 0; ch < channels; ++ch) random_quant(&c.multiplier[ch], &c.shift[ch]);
  return true;
}

std::vector<int8_t> run_depthwise(decltype(&tml_depthwise_conv1d_s8) kernel, const DwCase& c, int misalign = 0) {
  const tml_channel_quant q = {c.multiplier.data(), c.shift.data()};
  const size_t n = size_t(c.out.time) * c.out.channels;
  // Input and filter at an offset of `misalign` bytes from a word boundary: the kernel reads words anywhere.
  std::vector<int8_t> in(c.input.size() + 4), w(c.filter.size() + 4);
  std::copy(c.input.begin(), c.input.end(), in.begin() + misalign);
  std::copy(c.filter.begin(), c.filter.end(), w.begin() + misalign);
  std::vector<int8_t> y(n + 8, 0x5A);
  kernel(&c.p, &q, &c.in, in.data() + misalign, w.data() + misalign, c.with_bias ? c.bias.data() : nullptr, &c.out,
         y.data());
  for (size_t i = n; i < y.size(); ++i) REQUIRE(y[i] == 0x5A);
  y.resize(n);
  return y;
}

}  // namespace

TEST_CASE("kernel sets: depthwise conv1d optimized equals reference on random layers", "[kernels][kernel_sets]") {
  int cases = 0, padded = 0, positive_shift = 0, leftover = 0;
  while (cases < 6000) {
    DwCase c;
    if (!random_depthwise(c, uniform(1, 40), uniform(1, 21), uniform(1, 7))) continue;
    INFO("case " << cases << ": T " << c.in.time << " C " << c.in.channels << " K " << c.p.kernel_size << " stride "
                  << c.p.stride << " pad " << c.p.pad_left);
    REQUIRE(run_depthwise(tml_depthwise_conv1d_s8_opt, c, cases % 4) == run_depthwise(tml_depthwise_conv1d_s8_ref, c));
    ++cases;
    padded += c.p.pad_left > 0;
    leftover += c.in.channels % 4 != 0;
    positive_shift += std::any_of(c.shift.begin(), c.shift.end(), [](int32_t s) { return s > 0; });
  }
  CHECK(padded > 1000);
  CHECK(leftover > 1000);
  CHECK(positive_shift > 1000);
}

TEST_CASE("kernel sets: depthwise conv1d over prime-stepped channel counts and lengths", "[kernels][kernel_sets]") {
  // Channel counts and lengths stepping through the primes, so every leftover of the four-channel
  // blocks and every clipped window at both ends comes up, plus the DS-CNN shape [25][64] k3.
  const int32_t primes[] = {1, 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67};
  int cases = 0;
  for (int32_t channels : primes)
    for (int32_t in_time : {1, 2, 3, 5, 7, 11, 13, 25, 49})
      for (int32_t kernel : {1, 2, 3, 5})
        for (int trial = 0; trial < 2; ++trial) {
          DwCase c;
          if (!random_depthwise(c, in_time, channels, kernel)) continue;
          INFO("T " << in_time << " C " << channels << " K " << kernel << " stride " << c.p.stride << " pad "
                    << c.p.pad_left);
          REQUIRE(run_depthwise(tml_depthwise_conv1d_s8_opt, c) == run_depthwise(tml_depthwise_conv1d_s8_ref, c));
          ++cases;
        }
  for (int trial = 0; trial < 20; ++trial) {
    DwCase c;
    REQUIRE(random_depthwise(c, 25, 64, 3));
    c.p.stride = 1;
    c.p.pad_left = 1;
    c.out = {25, 64};
    REQUIRE(run_depthwise(tml_depthwise_conv1d_s8_opt, c) == run_depthwise(tml_depthwise_conv1d_s8_ref, c));
  }
  CHECK(cases > 1000);
}

TEST_CASE("kernel sets: conv1d optimized equals reference on random layers", "[kernels][kernel_sets]") {
  int cases = 0, pooled = 0, positive_shift = 0, padded = 0;
  while (cases < 6000) {
    ConvCase c;
    if (!random_conv(c, 40)) continue;
    INFO("case " << cases << ": T " << c.in.time << " C_in " << c.in.channels << " C_out " << c.out.channels << " K "
                  << c.p.kernel_size << " stride " << c.p.stride << " pad " << c.p.pad_left << " pool "
                  << c.p.pool_size << "/" << c.p.pool_stride);
    REQUIRE(run_conv(tml_conv1d_s8_opt, c) == run_conv(tml_conv1d_s8_ref, c));
    ++cases;
    pooled += c.p.pool_size > 1;
    padded += c.p.pad_left > 0;
    positive_shift += std::any_of(c.shift.begin(), c.shift.end(), [](int32_t s) { return s > 0; });
  }
  CHECK(pooled > 1000);
  CHECK(padded > 1000);
  CHECK(positive_shift > 1000);
}

TEST_CASE("kernel sets: conv1d shapes of the reference conv1d model", "[kernels][kernel_sets]") {
  for (int trial = 0; trial < 20; ++trial) {
    // [208][3] -> k5 x8 ReLU pool 2 -> [102][8] -> k5 x16 ReLU pool 2 -> [49][16]
    for (const auto& shape : {std::vector<int32_t>{208, 3, 8}, std::vector<int32_t>{102, 8, 16}}) {
      ConvCase c;
      c.in = {shape[0], shape[1]};
      c.out = {(shape[0] - 4) / 2, shape[2]};
      c.p = {uniform(-128, 127), uniform(-128, 127), 5, 1, 0, 2, 2, {0, 127}};
      c.p.activation.min = c.p.output_zero_point;
      c.input = random_s8(rng(), size_t(c.in.time) * c.in.channels);
      c.filter = random_s8(rng(), size_t(c.out.channels) * 5 * c.in.channels, -127, 127);
      c.bias = random_bias(c.out.channels, 5 * c.in.channels, false);
      c.multiplier.resize(c.out.channels);
      c.shift.resize(c.out.channels);
      for (int32_t o = 0; o < c.out.channels; ++o) random_quant(&c.multiplier[o], &c.shift[o]);
      REQUIRE(run_conv(tml_conv1d_s8_opt, c) == run_conv(tml_conv1d_s8_ref, c));
    }
  }
}

TEST_CASE("kernel sets: fully connected optimized equals reference on random layers", "[kernels][kernel_sets]") {
  int cases = 0, odd = 0;
  for (; cases < 6000; ++cases) {
    FcCase c;
    random_fc(c, cases % 10 == 0 ? 800 : 40);
    INFO("case " << cases << ": in " << c.in << " out " << c.out);
    REQUIRE(run_fc(tml_fully_connected_s8_opt, c) == run_fc(tml_fully_connected_s8_ref, c));
    odd += (c.in % 4 != 0) && (c.out % 4 != 0);
  }
  CHECK(odd > 1000);
}

TEST_CASE("kernel sets: inputs at unaligned addresses", "[kernels][kernel_sets]") {
  // Kernels take any pointer; the optimized ones read words at odd addresses.
  FcCase f;
  random_fc(f, 40);
  f.in = 37;
  f.input = random_s8(rng(), 37);
  f.weights = random_s8(rng(), size_t(37) * f.out, -127, 127);
  f.bias = random_bias(f.out, 37, false);
  for (int misalign = 1; misalign < 4; ++misalign) {
    std::vector<int8_t> in(40 + 4), w(f.weights.size() + 4);
    std::memcpy(in.data() + misalign, f.input.data(), f.input.size());
    std::memcpy(w.data() + misalign, f.weights.data(), f.weights.size());
    const tml_channel_quant q = {f.multiplier.data(), f.shift.data()};
    std::vector<int8_t> a(size_t(f.out)), b(size_t(f.out));
    tml_fully_connected_s8_ref(&f.p, &q, 37, in.data() + misalign, f.out, w.data() + misalign, f.bias.data(), a.data());
    tml_fully_connected_s8_opt(&f.p, &q, 37, in.data() + misalign, f.out, w.data() + misalign, f.bias.data(), b.data());
    CHECK(a == b);
  }
}
