// Reference sum of squared differences of two int8 vectors (contract in tml/kernels.h): the definition
// of the K-means distances and the autoencoder's reconstruction error.
#include "tml/kernels.h"

namespace tml {

extern "C" int32_t tml_squared_error_s8_ref(int32_t n, const int8_t* a, const int8_t* b) {
  TML_ASSERT(n >= 1 && n <= 33025);
  int32_t sum = 0;
  for (int32_t i = 0; i < n; ++i) {
    const int32_t d = int32_t{a[i]} - int32_t{b[i]};
    sum += d * d;
  }
  return sum;
}

}  // namespace tml
