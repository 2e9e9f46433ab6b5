// The nearest int8 centre of an int8 vector (contract in tml/kernels.h): K-means assignment over the
// chosen kernel set's tml_squared_error_s8, so one definition serves both sets.
#include "tml/kernels.h"

namespace tml {

extern "C" int32_t tml_nearest_centre_s8(int32_t dims, const int8_t* input, int32_t clusters, const int8_t* centres,
                                         int32_t* distance_sq) {
  TML_ASSERT(dims >= 1 && clusters >= 1);
  int32_t best = 0;
  int32_t best_d2 = tml_squared_error_s8(dims, input, centres);
  for (int32_t k = 1; k < clusters; ++k) {
    const int32_t d2 = tml_squared_error_s8(dims, input, centres + k * dims);
    if (d2 < best_d2) {
      best_d2 = d2;
      best = k;
    }
  }
  *distance_sq = best_d2;
  return best;
}

}  // namespace tml
