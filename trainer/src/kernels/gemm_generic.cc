// The baseline build of the kernels: 4-float vectors, any x86-64 (SSE2) or other 64-bit host.
#define TML_VW 4
#include "gemm_impl.h"
#include "tml/trainer/kernels.h"

namespace tml::trainer::kernels {

const Table& table_generic() {
  static const Table table{"sse2", gemm_nn, gemm_nt};
  return table;
}

}  // namespace tml::trainer::kernels
