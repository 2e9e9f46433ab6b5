// A small, fully specified random number generator (xoshiro256** seeded through splitmix64), so that a
// seed gives the same weights, shuffles and dropout masks on every platform and standard library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tml::trainer {

class Rng {
 public:
  explicit Rng(uint64_t seed = 1);

  uint64_t next();                       // 64 random bits
  float uniform();                       // [0, 1), 24 bits of resolution
  float uniform(float lo, float hi);     // [lo, hi)
  uint32_t below(uint32_t n);            // [0, n), unbiased; n > 0
  uint64_t split();                      // a seed for an independent generator

  // Fisher-Yates shuffle.
  template <typename T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) {
      const std::size_t j = below(static_cast<uint32_t>(i));
      T tmp = v[i - 1];
      v[i - 1] = v[j];
      v[j] = tmp;
    }
  }

 private:
  uint64_t s_[4];
};

}  // namespace tml::trainer
