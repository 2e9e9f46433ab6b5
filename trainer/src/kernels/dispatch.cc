// Chooses the kernel build for this CPU once per process.
#include <cstdlib>
#include <cstring>

#include "tml/trainer/kernels.h"

namespace tml::trainer::kernels {
namespace {

bool cpu_has_avx2_fma() {
#if defined(TML_HAVE_AVX2_KERNELS)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

}  // namespace

#if !defined(TML_HAVE_AVX2_KERNELS)
const Table& table_avx2() { return table_generic(); }
#endif

int available_count() { return cpu_has_avx2_fma() ? 2 : 1; }

const Table& available(int i) { return i == 1 && cpu_has_avx2_fma() ? table_avx2() : table_generic(); }

const Table& kernels() {
  static const Table& chosen = [] () -> const Table& {
    const char* isa = std::getenv("TML_ISA");
    if (isa && std::strcmp(isa, "generic") == 0) return table_generic();
    return cpu_has_avx2_fma() ? table_avx2() : table_generic();
  }();
  return chosen;
}

void column_sums(const float* m, int rows, int cols, float* out, float* scratch) {
  static const float one = 1.0f;
  const int groups = rows / 4;
  if (groups > 0) {
    kernels().gemm_nn(1, 4 * cols, groups, &one, 0, 0, m, 4 * cols, scratch, 4 * cols, nullptr, false);
    for (int c = 0; c < cols; ++c) out[c] = (scratch[c] + scratch[cols + c]) + (scratch[2 * cols + c] + scratch[3 * cols + c]);
  } else {
    for (int c = 0; c < cols; ++c) out[c] = 0.0f;
  }
  for (int r = groups * 4; r < rows; ++r)
    for (int c = 0; c < cols; ++c) out[c] += m[static_cast<size_t>(r) * cols + c];
}

}  // namespace tml::trainer::kernels
