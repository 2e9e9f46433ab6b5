// tml_avg_pool1d_s8 against hand values and a double reference rounded with std::round.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
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
  tml_avg_pool1d_s8(&p, &in, x.data(), &out, y.data());
  for (size_t i = y.size() - 3; i < y.size(); ++i) CHECK(y[i] == 0x55);
  y.resize(size_t(out_time) * ch);
  return y;
}

}  // namespace

TEST_CASE("average pool: hand values / ties away from zero / clipped windows", "[kernels][pool]") {
  // One channel: 1 2 | -1 -2 | 3 4 | -128 -127 | 5
  const std::vector<int8_t> x = {1, 2, -1, -2, 3, 4, -128, -127, 5};
  const tml_pool_params p = {2, 2, 0, {-128, 127}};
  // 1.5 -> 2, -1.5 -> -2, 3.5 -> 4, -127.5 -> -128
  CHECK(run_kernel(p, 9, 1, x, 4) == std::vector<int8_t>{2, -2, 4, -128});
  // Same padding adds a fifth window holding step 8 alone: n = 1, not 2.
  CHECK(run_kernel(p, 9, 1, x, 5) == std::vector<int8_t>{2, -2, 4, -128, 5});
  // Window 3, left padding 1: the first window averages steps 0..1 only: 1.5 -> 2.
  const tml_pool_params p3 = {3, 3, 1, {-128, 127}};
  // (-1 - 2 + 3) / 3 = 0; (4 - 128 - 127) / 3 = -83.7 -> -84
  CHECK(run_kernel(p3, 9, 1, x, 3) == std::vector<int8_t>{2, 0, -84});
}

TEST_CASE("average pool: random sweep against the reference", "[kernels][pool]") {
  std::mt19937 rng(41);
  for (int32_t in_time : {1, 2, 3, 7, 16, 33}) {
    for (int32_t ch : {1, 3, 8}) {
      for (int32_t size : {1, 2, 3, 5}) {
        for (int32_t stride : {1, 2, 3}) {
          for (int32_t pad_left = 0; pad_left < size; ++pad_left) {
            const int32_t pad_right = size - 1 - pad_left;
            const int32_t span = in_time + pad_left + pad_right;
            if (span < size) continue;
            const int32_t out_time = (span - size) / stride + 1;
            const auto x = random_s8(rng, size_t(in_time) * ch);
            const tml_pool_params p = {size, stride, pad_left, {-90, 120}};
            std::vector<int8_t> expect;
            for (int t = 0; t < out_time; ++t)
              for (int c = 0; c < ch; ++c) {
                double sum = 0;
                int n = 0;
                for (int k = 0; k < size; ++k) {
                  const int s = t * stride - pad_left + k;
                  if (s >= 0 && s < in_time) {
                    sum += x[size_t(s) * ch + c];
                    ++n;
                  }
                }
                REQUIRE(n > 0);
                expect.push_back(static_cast<int8_t>(std::clamp(std::round(sum / n), -90.0, 120.0)));
              }
            REQUIRE(run_kernel(p, in_time, ch, x, out_time) == expect);
          }
        }
      }
    }
  }
}
