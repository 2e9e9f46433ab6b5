// tml_depthwise_conv1d_s8 (and both kernel sets' versions, _ref and _opt) against hand-derived values, an
// independent reference (explicit zero-point padding, 64-bit sums, the 128-bit rounding rule of
// quant_reference.h) and the real-valued result; and the identity with a conv1d whose filter is zero
// outside each channel's own input.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "quant_reference.h"
#include "tml/kernels.h"
#include "tml/requant.h"

using namespace tml::test;

namespace {

struct DwCase {
  int32_t in_time = 0, channels = 0, kernel = 1, stride = 1, pad_left = 0, pad_right = 0;
  int32_t in_zp = 0, out_zp = 0, act_min = -128, act_max = 127;
  std::vector<int8_t> input, filter;  // [T][C], [K][C]
  std::vector<int32_t> bias, multiplier, shift;

  int32_t out_time() const { return (in_time + pad_left + pad_right - kernel) / stride + 1; }
};

// The kernel the runner uses (tml_depthwise_conv1d_s8), which must agree byte for byte with both kernel
// sets' versions; returns its output.
std::vector<int8_t> run_kernel(const DwCase& c) {
  const tml_depthwise_conv1d_params p = {c.in_zp, c.out_zp, c.kernel, c.stride, c.pad_left, {c.act_min, c.act_max}};
  const tml_channel_quant q = {c.multiplier.data(), c.shift.data()};
  const tml_dims in = {c.in_time, c.channels}, out = {c.out_time(), c.channels};
  const size_t n = size_t(out.time) * out.channels;
  std::vector<int8_t> result;
  for (auto* kernel : {tml_depthwise_conv1d_s8, tml_depthwise_conv1d_s8_ref, tml_depthwise_conv1d_s8_opt}) {
    std::vector<int8_t> y(n + 4, 0x55);
    kernel(&p, &q, &in, c.input.data(), c.filter.data(), c.bias.empty() ? nullptr : c.bias.data(), &out, y.data());
    for (size_t i = n; i < n + 4; ++i) CHECK(y[i] == 0x55);
    y.resize(n);
    if (result.empty()) result = y;
    CHECK(y == result);
  }
  return result;
}

// Padding spelled out as zero-point steps, every sum in 64 bits.
std::vector<int64_t> reference_sums(const DwCase& c) {
  const int32_t padded_time = c.in_time + c.pad_left + c.pad_right;
  std::vector<int32_t> x(size_t(padded_time) * c.channels, c.in_zp);
  for (int t = 0; t < c.in_time; ++t)
    for (int i = 0; i < c.channels; ++i) x[size_t(t + c.pad_left) * c.channels + i] = c.input[size_t(t) * c.channels + i];
  std::vector<int64_t> sums(size_t(c.out_time()) * c.channels);
  for (int j = 0; j < c.out_time(); ++j)
    for (int ch = 0; ch < c.channels; ++ch) {
      int64_t acc = c.bias.empty() ? 0 : c.bias[ch];
      for (int k = 0; k < c.kernel; ++k)
        acc += int64_t{x[size_t(j * c.stride + k) * c.channels + ch] - c.in_zp} * c.filter[size_t(k) * c.channels + ch];
      sums[size_t(j) * c.channels + ch] = acc;
    }
  return sums;
}

std::vector<int8_t> run_reference(const DwCase& c) {
  const std::vector<int64_t> sums = reference_sums(c);
  std::vector<int8_t> out(sums.size());
  for (size_t i = 0; i < sums.size(); ++i) {
    const size_t ch = i % size_t(c.channels);
    out[i] = ref_requantize(sums[i], c.multiplier[ch], c.shift[ch], c.out_zp, c.act_min, c.act_max);
  }
  return out;
}

void same_padding(DwCase& c) {
  const int32_t out = (c.in_time + c.stride - 1) / c.stride;
  const int32_t total = std::max((out - 1) * c.stride + c.kernel - c.in_time, 0);
  c.pad_left = total / 2;
  c.pad_right = total - c.pad_left;
}

DwCase random_case(std::mt19937& rng, int32_t in_time, int32_t channels, int32_t kernel) {
  DwCase c;
  c.in_time = in_time;
  c.channels = channels;
  c.kernel = kernel;
  std::uniform_int_distribution<int> zp(-128, 127);
  std::uniform_real_distribution<double> scale(0.002, 0.05);
  c.in_zp = zp(rng);
  c.out_zp = zp(rng);
  c.input = random_s8(rng, size_t(in_time) * channels);
  c.filter = random_s8(rng, size_t(kernel) * channels, -127, 127);
  std::uniform_int_distribution<int32_t> bias(-5000, 5000);
  const double in_scale = scale(rng), out_scale = scale(rng) * std::sqrt(double(kernel)) * 3;
  for (int ch = 0; ch < channels; ++ch) {
    c.bias.push_back(bias(rng));
    int32_t m, s;
    REQUIRE(tml_quantize_multiplier(in_scale * scale(rng) / out_scale, &m, &s) == 0);
    c.multiplier.push_back(m);
    c.shift.push_back(s);
  }
  return c;
}

}  // namespace

TEST_CASE("depthwise conv1d: hand-computed same padding / stride 1 and 2 / ReLU", "[kernels][depthwise]") {
  DwCase c;
  c.in_time = 4;
  c.channels = 2;
  c.kernel = 3;
  same_padding(c);  // T_out = 4, padding 1 + 1
  REQUIRE(c.pad_left == 1);
  REQUIRE(c.pad_right == 1);
  c.in_zp = 2;  // inputs minus zero point: channel 0: 0 1 2 3, channel 1: 1 -1 4 0
  c.out_zp = -3;
  c.input = {2, 3, 3, 1, 4, 6, 5, 2};  // [4][2], time-major
  c.filter = {1, -1,                   // tap 0: channel 0 weight 1, channel 1 weight -1
              2, 3,                    // tap 1
              -1, 1};                  // tap 2
  c.multiplier = {1 << 30, 1 << 30};
  c.shift = {1, 0};  // real multipliers 1.0 and 0.5
  // Step j reads input steps j-1 .. j+1 (step -1 and 4 are padding and add nothing).
  // channel 0 (x - zp = 0 1 2 3; weights 1 2 -1): 0*2 + 1*-1 = -1; 0*1 + 1*2 + 2*-1 = 0; 1 + 4 - 3 = 2;
  //   2 + 6 = 8. Times 1.0, plus -3: -4 -3 -1 5.
  // channel 1 (x - zp = 1 -1 4 0; weights -1 3 1): 1*3 + -1*1 = 2; 1*-1 + -1*3 + 4*1 = 0;
  //   -1*-1 + 4*3 + 0 = 13; 4*-1 + 0*3 = -4. Times 0.5 (floor((x + 1) / 2) in the high multiply: 1, 0, 7,
  //   -2), plus -3: -2 -3 4 -5.
  CHECK(run_kernel(c) == std::vector<int8_t>{-4, -2, -3, -3, -1, 4, 5, -5});
  CHECK(run_reference(c) == run_kernel(c));
  c.act_min = c.out_zp;  // ReLU: nothing below the zero point
  CHECK(run_kernel(c) == std::vector<int8_t>{-3, -2, -3, -3, -1, 4, 5, -3});
  c.act_min = -128;
  c.stride = 2;
  same_padding(c);  // T_out = 2, total padding max(1*2 + 3 - 4, 0) = 1: left 0, right 1
  REQUIRE(c.pad_left == 0);
  REQUIRE(c.pad_right == 1);
  // Step 0 reads input steps 0..2, step 1 steps 2..3 and padding: channel 0: 0 + 2 - 2 = 0 and
  // 2 + 6 = 8; channel 1: -1 - 3 + 4 = 0 and -4 + 0 = -4 (times 0.5: -2).
  CHECK(run_kernel(c) == std::vector<int8_t>{-3, -3, 5, -5});
}

TEST_CASE("depthwise conv1d: no bias / valid padding / five channels (a scalar leftover)", "[kernels][depthwise]") {
  DwCase c;
  c.in_time = 3;
  c.channels = 5;
  c.kernel = 2;
  c.in_zp = -1;
  c.out_zp = 0;
  c.input = {-1, 0, 1, 2, 3,  //
             4, 5, 6, 7, 8,   //
             -1, -1, -1, -1, -1};
  c.filter = {1, 1, 1, 1, 1,  //
              2, -2, 3, -3, 1};
  c.multiplier = std::vector<int32_t>(5, 1 << 30);
  c.shift = std::vector<int32_t>(5, 1);  // 1.0
  // x - zp: rows (0 1 2 3 4), (5 6 7 8 9), (0 0 0 0 0).
  // step 0: x0 + w1 * x1 = 0+10, 1-12, 2+21, 3-24, 4+9 = 10 -11 23 -21 13; step 1: x1 + 0 = 5 6 7 8 9.
  CHECK(run_kernel(c) == std::vector<int8_t>{10, -11, 23, -21, 13, 5, 6, 7, 8, 9});
}

TEST_CASE("depthwise conv1d: random sweep against the independent reference", "[kernels][depthwise]") {
  std::mt19937 rng(31);
  int cases = 0;
  for (int32_t in_time : {1, 2, 3, 7, 13, 25, 49}) {
    for (int32_t channels : {1, 2, 3, 4, 5, 7, 8, 11, 64}) {
      for (int32_t kernel : {1, 2, 3, 5, 7}) {
        for (int32_t stride : {1, 2, 3}) {
          for (int same = 0; same < 2; ++same) {
            DwCase c = random_case(rng, in_time, channels, kernel);
            c.stride = stride;
            if (same) same_padding(c);
            if (c.in_time + c.pad_left + c.pad_right < c.kernel) continue;
            c.act_min = (cases % 3 == 0) ? c.out_zp : -128;
            REQUIRE(run_kernel(c) == run_reference(c));
            ++cases;
          }
        }
      }
    }
  }
  CHECK(cases > 1000);
}

TEST_CASE("depthwise conv1d: within one step of the real-valued result away from the clamps", "[kernels][depthwise]") {
  std::mt19937 rng(32);
  DwCase c = random_case(rng, 25, 64, 3);
  same_padding(c);
  const std::vector<int8_t> out = run_kernel(c);
  const std::vector<int64_t> sums = reference_sums(c);
  int checked = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    const size_t ch = i % 64;
    const double real = double(sums[i]) * real_multiplier(c.multiplier[ch], c.shift[ch]) + c.out_zp;
    if (real < -127 || real > 126) continue;
    CHECK(std::fabs(out[i] - real) <= 1.0);  // two roundings: within one step
    ++checked;
  }
  CHECK(checked > 600);  // of 1,600 outputs; the rest clamp
}

TEST_CASE("depthwise conv1d: equals conv1d with a filter that is zero outside each channel's own input", "[kernels][depthwise]") {
  std::mt19937 rng(33);
  for (int trial = 0; trial < 20; ++trial) {
    DwCase c = random_case(rng, 17 + trial, 1 + trial % 9, 1 + trial % 5);
    c.stride = 1 + trial % 3;
    if (trial % 2) same_padding(c);
    if (c.in_time + c.pad_left + c.pad_right < c.kernel) continue;
    const int32_t C = c.channels, K = c.kernel;
    std::vector<int8_t> full(size_t(C) * K * C, 0);  // conv1d filter [C_out][K][C_in]
    for (int o = 0; o < C; ++o)
      for (int k = 0; k < K; ++k) full[(size_t(o) * K + k) * C + o] = c.filter[size_t(k) * C + o];
    const tml_conv1d_params p = {c.in_zp, c.out_zp, K, c.stride, c.pad_left, 0, 0, {c.act_min, c.act_max}};
    const tml_channel_quant q = {c.multiplier.data(), c.shift.data()};
    const tml_dims in = {c.in_time, C}, out = {c.out_time(), C};
    std::vector<int8_t> y(size_t(out.time) * C);
    tml_conv1d_s8_ref(&p, &q, &in, c.input.data(), full.data(), c.bias.data(), &out, y.data());
    CHECK(run_kernel(c) == y);
  }
}
