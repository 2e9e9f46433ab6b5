// tml_conv1d_s8 (and both kernel sets' versions, _ref and _opt) against hand-derived values, an
// independent reference (explicit zero-point padding, every convolution step stored, then pooled) and
// the unfused conv + max pool kernels.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <vector>

#include "quant_reference.h"
#include "tml/kernels.h"
#include "tml/requant.h"

using namespace tml::test;

namespace {

struct ConvCase {
  int32_t in_time = 0, in_ch = 0, out_ch = 0, kernel = 1, stride = 1, pad_left = 0, pad_right = 0;
  int32_t pool = 0, pool_stride = 0;
  int32_t in_zp = 0, out_zp = 0, act_min = -128, act_max = 127;
  std::vector<int8_t> input, filter;
  std::vector<int32_t> bias, multiplier, shift;

  int32_t conv_time() const { return (in_time + pad_left + pad_right - kernel) / stride + 1; }
  int32_t out_time() const { return pool ? (conv_time() - pool) / pool_stride + 1 : conv_time(); }
};

// The kernel the runner uses (tml_conv1d_s8), which must agree byte for byte with both kernel sets'
// versions; returns its output.
std::vector<int8_t> run_kernel(const ConvCase& c) {
  const tml_conv1d_params p = {c.in_zp, c.out_zp, c.kernel, c.stride, c.pad_left, c.pool, c.pool_stride,
                               {c.act_min, c.act_max}};
  const tml_channel_quant q = {c.multiplier.data(), c.shift.data()};
  const tml_dims in = {c.in_time, c.in_ch}, out = {c.out_time(), c.out_ch};
  const size_t n = size_t(out.time) * out.channels;
  std::vector<int8_t> result;
  for (auto* kernel : {tml_conv1d_s8, tml_conv1d_s8_ref, tml_conv1d_s8_opt}) {
    std::vector<int8_t> y(n + 4, 0x55);
    kernel(&p, &q, &in, c.input.data(), c.filter.data(), c.bias.empty() ? nullptr : c.bias.data(), &out, y.data());
    for (size_t i = n; i < n + 4; ++i) CHECK(y[i] == 0x55);
    y.resize(n);
    if (result.empty()) result = y;
    CHECK(y == result);
  }
  return result;
}

std::vector<int8_t> run_reference(const ConvCase& c) {
  // The input with explicit padding steps holding the zero point.
  const int32_t padded_time = c.in_time + c.pad_left + c.pad_right;
  std::vector<int32_t> x(size_t(padded_time) * c.in_ch, c.in_zp);
  for (int t = 0; t < c.in_time; ++t)
    for (int i = 0; i < c.in_ch; ++i) x[size_t(t + c.pad_left) * c.in_ch + i] = c.input[size_t(t) * c.in_ch + i];
  const int32_t conv_time = c.conv_time();
  std::vector<int8_t> conv(size_t(conv_time) * c.out_ch);
  for (int j = 0; j < conv_time; ++j)
    for (int o = 0; o < c.out_ch; ++o) {
      int64_t acc = c.bias.empty() ? 0 : c.bias[o];
      for (int k = 0; k < c.kernel; ++k)
        for (int i = 0; i < c.in_ch; ++i)
          acc += int64_t{x[size_t(j * c.stride + k) * c.in_ch + i] - c.in_zp} *
                 c.filter[(size_t(o) * c.kernel + k) * c.in_ch + i];
      conv[size_t(j) * c.out_ch + o] = ref_requantize(acc, c.multiplier[o], c.shift[o], c.out_zp, c.act_min, c.act_max);
    }
  if (!c.pool) return conv;
  std::vector<int8_t> out(size_t(c.out_time()) * c.out_ch);
  for (int t = 0; t < c.out_time(); ++t)
    for (int o = 0; o < c.out_ch; ++o) {
      int8_t best = -128;
      for (int p = 0; p < c.pool; ++p) best = std::max(best, conv[size_t(t * c.pool_stride + p) * c.out_ch + o]);
      out[size_t(t) * c.out_ch + o] = best;
    }
  return out;
}

void same_padding(ConvCase& c) {
  const int32_t out = (c.in_time + c.stride - 1) / c.stride;
  const int32_t total = std::max((out - 1) * c.stride + c.kernel - c.in_time, 0);
  c.pad_left = total / 2;
  c.pad_right = total - c.pad_left;
}

ConvCase random_case(std::mt19937& rng, int32_t in_time, int32_t in_ch, int32_t out_ch, int32_t kernel) {
  ConvCase c;
  c.in_time = in_time;
  c.in_ch = in_ch;
  c.out_ch = out_ch;
  c.kernel = kernel;
  std::uniform_int_distribution<int> zp(-128, 127);
  std::uniform_real_distribution<double> scale(0.002, 0.05);
  c.in_zp = zp(rng);
  c.out_zp = zp(rng);
  c.input = random_s8(rng, size_t(in_time) * in_ch);
  c.filter = random_s8(rng, size_t(out_ch) * kernel * in_ch, -127, 127);
  std::uniform_int_distribution<int32_t> bias(-5000, 5000);
  const double in_scale = scale(rng), out_scale = scale(rng) * std::sqrt(double(kernel * in_ch)) * 3;
  for (int o = 0; o < out_ch; ++o) {
    c.bias.push_back(bias(rng));
    int32_t m, s;
    REQUIRE(tml_quantize_multiplier(in_scale * scale(rng) / out_scale, &m, &s) == 0);
    c.multiplier.push_back(m);
    c.shift.push_back(s);
  }
  return c;
}

}  // namespace

TEST_CASE("conv1d: hand-computed same padding / stride 2 / fused pooling", "[kernels][conv1d]") {
  ConvCase c;
  c.in_time = 5;
  c.in_ch = 1;
  c.out_ch = 1;
  c.kernel = 3;
  c.stride = 2;
  same_padding(c);  // T_conv = 3, padding 1 + 1
  REQUIRE(c.pad_left == 1);
  REQUIRE(c.pad_right == 1);
  c.in_zp = 1;  // inputs minus zero point: 0 1 2 3 4, padding contributes 0
  c.out_zp = -1;
  c.input = {1, 2, 3, 4, 5};
  c.filter = {1, 2, 3};
  c.multiplier = {1 << 30};
  c.shift = {1};  // 1.0
  // Steps: (pad, 0, 1) -> 3; (1, 2, 3) -> 1 + 4 + 9 = 14; (3, 4, pad) -> 3 + 8 = 11; each - 1.
  CHECK(run_kernel(c) == std::vector<int8_t>{2, 13, 10});
  c.pool = 2;
  c.pool_stride = 1;
  CHECK(run_kernel(c) == std::vector<int8_t>{13, 13});
  c.bias = {-20};  // ReLU (act_min = zero point): -17, -6, -9 all clamp to -1
  c.act_min = c.out_zp;
  c.pool = 0;
  c.pool_stride = 0;
  CHECK(run_kernel(c) == std::vector<int8_t>{-1, -1, -1});
}

TEST_CASE("conv1d: two channels in / two out / per-channel scales / by hand", "[kernels][conv1d]") {
  ConvCase c;
  c.in_time = 3;
  c.in_ch = 2;
  c.out_ch = 2;
  c.kernel = 2;
  c.input = {10, 20, 30, 40, 50, 60};  // [3][2]
  c.in_zp = 10;                        // 0 10 | 20 30 | 40 50
  c.out_zp = 0;
  c.filter = {1, 0, 0, 1,    // out 0: w[k0] = (1, 0), w[k1] = (0, 1)
              -1, -1, 2, 2};  // out 1
  c.bias = {0, 1};
  c.multiplier = {1 << 30, 1 << 30};
  c.shift = {0, -1};  // 0.5 and 0.25
  // out0 step0 = 0 + 30 = 30 -> 15; step1 = 20 + 50 = 70 -> 35
  // out1 step0 = 1 - 10 + 100 = 91 -> 22.75: step 2 gives 45.5 -> 46, step 3 23; step1 = 1 - 50 + 180 = 131
  //   -> 65.5 -> 66 -> 33
  CHECK(run_kernel(c) == std::vector<int8_t>{15, 23, 35, 33});
  CHECK(run_reference(c) == std::vector<int8_t>{15, 23, 35, 33});
}

TEST_CASE("conv1d: random sweep against the reference", "[kernels][conv1d]") {
  std::mt19937 rng(21);
  int cases = 0;
  for (int32_t in_time : {1, 2, 5, 8, 13, 30}) {
    for (int32_t in_ch : {1, 3, 5}) {
      for (int32_t out_ch : {1, 4, 7}) {
        for (int32_t kernel : {1, 3, 5}) {
          for (int32_t stride : {1, 2, 3}) {
            for (int same = 0; same < 2; ++same) {
              ConvCase c = random_case(rng, in_time, in_ch, out_ch, kernel);
              c.stride = stride;
              if (same) same_padding(c);
              if (c.in_time + c.pad_left + c.pad_right < c.kernel) continue;
              const int32_t pools[][2] = {{0, 0}, {2, 2}, {3, 1}, {2, 1}};
              for (const auto& pool : pools) {
                c.pool = pool[0];
                c.pool_stride = pool[1];
                if (c.pool && c.conv_time() < c.pool) continue;
                c.act_min = (cases % 3 == 0) ? c.out_zp : -128;
                REQUIRE(run_kernel(c) == run_reference(c));
                ++cases;
              }
            }
          }
        }
      }
    }
  }
  CHECK(cases > 1000);
}

TEST_CASE("conv1d: fused max pooling equals conv then tml_max_pool1d_s8", "[kernels][conv1d]") {
  std::mt19937 rng(22);
  // The first layer of the reference conv1d model: [208][3] -> conv k5 x8, ReLU -> max pool 2.
  ConvCase c = random_case(rng, 208, 3, 8, 5);
  c.act_min = c.out_zp;
  const auto unfused = run_kernel(c);  // [204][8]
  REQUIRE(unfused.size() == 204u * 8);
  const tml_pool_params pp = {2, 2, 0, {-128, 127}};
  const tml_dims conv_dims = {204, 8}, pooled_dims = {102, 8};
  std::vector<int8_t> pooled(102 * 8);
  tml_max_pool1d_s8(&pp, &conv_dims, unfused.data(), &pooled_dims, pooled.data());
  c.pool = 2;
  c.pool_stride = 2;
  CHECK(run_kernel(c) == pooled);
  CHECK(run_reference(c) == pooled);
}
