// Cascaded biquads in transposed direct form II (tml/biquad.h).
#include "fp_strict.h"  // first: see there
#include "tml/biquad.h"

#include "tml/types.h"

namespace tml {

extern "C" void tml_biquad_cascade_f32(const float* coeffs, uint32_t sections, float* x, uint32_t n) {
  TML_ASSERT((coeffs && x) || sections == 0 || n == 0);
  for (uint32_t s = 0; s < sections; ++s) {
    const float* c = coeffs + 5 * s;
    const float b0 = c[0], b1 = c[1], b2 = c[2], a1 = c[3], a2 = c[4];
    float s1 = 0.0f, s2 = 0.0f;
    for (uint32_t t = 0; t < n; ++t) {
      const float in = x[t];
      const float y = b0 * in + s1;
      s1 = (b1 * in - a1 * y) + s2;
      s2 = b2 * in - a2 * y;
      x[t] = y;
    }
  }
}

}  // namespace tml
