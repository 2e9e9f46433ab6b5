// tml_max_pool1d_s8 against hand values and a direct reference with explicit window clipping.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <vector>

#include "quant_reference.h"
#include "tml/kernels.h"

using namespace tml::test;

namespace {

std::vector<int8_t> run_kernel(const tml_pool_params& p, int32_t in_time, int32_t ch, const std::vector<int8_t>& x,
                               int32_t out_time) {
  const tml_dims in = {in_time, ch}, out = {out_time, ch};
  std::vector<int8_t> y(size_t(out_time) * ch + 3, 0x55);
  tml_max_pool1d_s8(&p, &in, x.data(), &out, y.data());
  for (size_t i = y.size() - 3; i < y.size(); ++i) CHECK(y[i] == 0x55);
  y.resize(size_t(out_time) * ch);
  return y;
}

}  // namespace

TEST_CASE("max pool: hand values / valid and same padding", "[kernels][pool]") {
  const std::vector<int8_t> x = {1, -5, 7, 3, -128, 2, 0, 127, 4, -1};  // [5][2]
  const tml_pool_params valid = {2, 2, 0, {-128, 127}};
  CHECK(run_kernel(valid, 5, 2, x, 2) == std::vector<int8_t>{7, 3, 0, 127});
  // Same padding, window 2 stride 2 on 5 steps: 3 outputs, the last window holds step 4 only.
  CHECK(run_kernel(valid, 5, 2, x, 3) == std::vector<int8_t>{7, 3, 0, 127, 4, -1});
  // Window 3 stride 1, padding 1 on the left (same): first window is steps 0..1.
  const tml_pool_params same3 = {3, 1, 1, {-128, 127}};
  CHECK(run_kernel(same3, 5, 2, x, 5) == std::vector<int8_t>{7, 3, 7, 3, 7, 127, 4, 127, 4, 127});
  // The clamp applies to the result (a fused ReLU with zero point 2).
  const tml_pool_params relu = {2, 2, 0, {2, 127}};
  CHECK(run_kernel(relu, 5, 2, x, 2) == std::vector<int8_t>{7, 3, 2, 127});
}

TEST_CASE("max pool: random sweep against the reference", "[kernels][pool]") {
  std::mt19937 rng(31);
  for (int32_t in_time : {1, 2, 3, 7, 16, 33}) {
    for (int32_t ch : {1, 3, 8}) {
      for (int32_t size : {1, 2, 3, 4}) {
        for (int32_t stride : {1, 2, 3}) {
          for (int32_t pad_left = 0; pad_left < size; ++pad_left) {
            const int32_t pad_right = size - 1 - pad_left;
            const int32_t span = in_time + pad_left + pad_right;
            if (span < size) continue;
            const int32_t out_time = (span - size) / stride + 1;
            const auto x = random_s8(rng, size_t(in_time) * ch);
            const tml_pool_params p = {size, stride, pad_left, {-100, 100}};
            std::vector<int8_t> expect;
            for (int t = 0; t < out_time; ++t)
              for (int c = 0; c < ch; ++c) {
                int best = -1000;
                for (int k = 0; k < size; ++k) {
                  const int s = t * stride - pad_left + k;
                  if (s >= 0 && s < in_time) best = std::max(best, int{x[size_t(s) * ch + c]});
                }
                REQUIRE(best > -1000);
                expect.push_back(static_cast<int8_t>(std::clamp(best, -100, 100)));
              }
            REQUIRE(run_kernel(p, in_time, ch, x, out_time) == expect);
          }
        }
      }
    }
  }
}
