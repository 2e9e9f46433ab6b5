// Chooses the kernel build for this CPU once per process.
#include <cstdlib>
#include <cstring>

#include "trainer/kernels.h"

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

}  // namespace tml::trainer::kernels
