// tml_fully_connected_s8 (and both kernel sets' versions, _ref and _opt) against hand-derived values and
// an independent reference (quant_reference.h).
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "quant_reference.h"
#include "tml/kernels.h"
#include "tml/requant.h"

using namespace tml::test;

namespace {

struct FcCase {
  int32_t in = 0, out = 0, in_zp = 0, out_zp = 0, act_min = -128, act_max = 127;
  std::vector<int8_t> input, weights;
  std::vector<int32_t> bias, multiplier, shift;
};

// The kernel the runner uses (tml_fully_connected_s8), which must agree byte for byte with both kernel
// sets' versions; returns its output.
std::vector<int8_t> run_kernel(const FcCase& c, bool with_bias = true) {
  const tml_fc_params p = {c.in_zp, c.out_zp, {c.act_min, c.act_max}};
  const tml_channel_quant q = {c.multiplier.data(), c.shift.data()};
  std::vector<int8_t> result;
  for (auto* kernel : {tml_fully_connected_s8, tml_fully_connected_s8_ref, tml_fully_connected_s8_opt}) {
    std::vector<int8_t> out(c.out + 2, 0x55);  // two sentinels past the end
    kernel(&p, &q, c.in, c.input.data(), c.out, c.weights.data(), with_bias ? c.bias.data() : nullptr, out.data());
    CHECK(out[c.out] == 0x55);
    CHECK(out[c.out + 1] == 0x55);
    out.resize(c.out);
    if (result.empty()) result = out;
    CHECK(out == result);
  }
  return result;
}

std::vector<int8_t> run_reference(const FcCase& c, bool with_bias = true) {
  std::vector<int8_t> out(c.out);
  for (int o = 0; o < c.out; ++o) {
    int64_t acc = with_bias ? c.bias[o] : 0;
    for (int i = 0; i < c.in; ++i) acc += int64_t{c.input[i] - c.in_zp} * c.weights[o * c.in + i];
    out[o] = ref_requantize(acc, c.multiplier[o], c.shift[o], c.out_zp, c.act_min, c.act_max);
  }
  return out;
}

// A random layer whose per-channel multipliers come from real scales, as the quantizer makes them.
FcCase random_case(std::mt19937& rng, int32_t in, int32_t out) {
  FcCase c;
  c.in = in;
  c.out = out;
  std::uniform_int_distribution<int> zp(-128, 127);
  std::uniform_real_distribution<double> scale(0.002, 0.05);
  c.in_zp = zp(rng);
  c.out_zp = zp(rng);
  c.input = random_s8(rng, in);
  c.weights = random_s8(rng, size_t(in) * out, -127, 127);
  std::uniform_int_distribution<int32_t> bias(-20000, 20000);
  const double in_scale = scale(rng), out_scale = scale(rng) * std::sqrt(double(in)) * 4;
  for (int o = 0; o < out; ++o) {
    c.bias.push_back(bias(rng));
    int32_t m, s;
    REQUIRE(tml_quantize_multiplier(in_scale * scale(rng) / out_scale, &m, &s) == 0);
    c.multiplier.push_back(m);
    c.shift.push_back(s);
  }
  return c;
}

}  // namespace

TEST_CASE("fully connected: a hand-computed layer", "[kernels][fc]") {
  FcCase c;
  c.in = 3;
  c.out = 2;
  c.in_zp = -2;  // inputs minus zero point: 12, -18, 32
  c.out_zp = 3;
  c.input = {10, -20, 30};
  c.weights = {1, 2, 3, -127, 0, 127};
  c.bias = {100, -50};
  // acc0 = 100 + 12 - 36 + 96 = 172, times 0.5 = 86, + 3 = 89.
  // acc1 = -50 - 1524 + 4064 = 2490, times 0.01 (1374389535 * 2^-37): step 2 gives 1594, step 3
  // 1594 / 64 = 24.9 -> 25, + 3 = 28.
  c.multiplier = {1 << 30, 1374389535};
  c.shift = {0, -6};
  CHECK(run_kernel(c) == std::vector<int8_t>{89, 28});
  // Without bias: acc0 = 72 -> 36 + 3 = 39; acc1 = 2540 -> 25.4 (1625.6 -> 1626, / 64 = 25.4) -> 25 + 3.
  CHECK(run_kernel(c, false) == std::vector<int8_t>{39, 28});
  // A fused ReLU with zero point 3 clamps at 3; a negative real result would go there.
  c.bias = {-1000, -50};
  c.act_min = c.out_zp;
  CHECK(run_kernel(c) == std::vector<int8_t>{3, 28});
}

TEST_CASE("fully connected: saturation at both ends", "[kernels][fc]") {
  FcCase c;
  c.in = 5;
  c.out = 2;
  c.in_zp = -128;
  c.out_zp = -7;
  c.input = {127, 127, 127, 127, 127};  // 255 above the zero point each
  c.weights = {127, 127, 127, 127, 127, -127, -127, -127, -127, -127};
  c.bias = {0, 0};
  c.multiplier = {1 << 30, 1 << 30};
  c.shift = {0, 0};
  CHECK(run_kernel(c) == std::vector<int8_t>{127, -128});
  CHECK(run_reference(c) == std::vector<int8_t>{127, -128});
}

TEST_CASE("fully connected: random layers match the reference / odd sizes / per-channel scales", "[kernels][fc]") {
  std::mt19937 rng(11);
  const int32_t sizes_in[] = {1, 2, 3, 7, 13, 64, 101, 624};
  const int32_t sizes_out[] = {1, 4, 5, 17};
  int saturated = 0;
  for (int32_t in : sizes_in) {
    for (int32_t out : sizes_out) {
      for (int rep = 0; rep < 3; ++rep) {
        FcCase c = random_case(rng, in, out);
        if (rep == 2) c.act_min = c.out_zp;  // fused ReLU
        const auto got = run_kernel(c);
        REQUIRE(got == run_reference(c));
        // The real-valued result is within one step of the integer one wherever it is not clamped.
        for (int o = 0; o < out; ++o) {
          int64_t acc = c.bias[o];
          for (int i = 0; i < in; ++i) acc += int64_t{c.input[i] - c.in_zp} * c.weights[o * in + i];
          const double real = acc * real_multiplier(c.multiplier[o], c.shift[o]) + c.out_zp;
          if (real < c.act_min || real > c.act_max) {
            ++saturated;
            continue;
          }
          CHECK(std::fabs(got[o] - real) <= 1.0);
        }
      }
    }
  }
  CHECK(saturated > 0);  // the sweep reaches the clamps too
}
