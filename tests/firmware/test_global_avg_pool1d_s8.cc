// tml_global_avg_pool1d_s8 against hand values and a double reference rounded with std::round.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "quant_reference.h"
#include "tml/kernels.h"

using namespace tml::test;

TEST_CASE("global average pool: hand values", "[kernels][pool]") {
  const std::vector<int8_t> x = {1, -1, 2, -2, 4, -4, 0, 127};  // [4][2]
  const tml_dims dims = {4, 2};
  const tml_act_range none = {-128, 127};
  int8_t y[3] = {0x55, 0x55, 0x55};
  tml_global_avg_pool1d_s8(&none, &dims, x.data(), y);
  CHECK(y[0] == 2);   // 7 / 4 = 1.75
  CHECK(y[1] == 30);  // 120 / 4
  CHECK(y[2] == 0x55);
  const std::vector<int8_t> ties = {1, -1, 2, -2};  // [2][2]: 1.5 -> 2, -1.5 -> -2
  const tml_dims two = {2, 2};
  tml_global_avg_pool1d_s8(&none, &two, ties.data(), y);
  CHECK(y[0] == 2);
  CHECK(y[1] == -2);
  const tml_act_range relu = {0, 127};
  tml_global_avg_pool1d_s8(&relu, &two, ties.data(), y);
  CHECK(y[1] == 0);
}

TEST_CASE("global average pool: random inputs against the reference", "[kernels][pool]") {
  std::mt19937 rng(51);
  for (int32_t time : {1, 2, 3, 49, 208, 1001}) {
    for (int32_t ch : {1, 3, 16}) {
      const auto x = random_s8(rng, size_t(time) * ch);
      const tml_dims dims = {time, ch};
      const tml_act_range act = {-128, 127};
      std::vector<int8_t> y(ch);
      tml_global_avg_pool1d_s8(&act, &dims, x.data(), y.data());
      for (int c = 0; c < ch; ++c) {
        double sum = 0;
        for (int t = 0; t < time; ++t) sum += x[size_t(t) * ch + c];
        REQUIRE(y[c] == static_cast<int8_t>(std::round(sum / time)));
      }
    }
  }
}
