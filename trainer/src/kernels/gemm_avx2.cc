// The AVX2+FMA build of the kernels: 8-float vectors, fused multiply-add. This file alone is compiled
// with -mavx2 -mfma (trainer/CMakeLists.txt); it is only called after the CPU was checked (dispatch.cc).
#define TML_VW 8
#include "gemm_impl.h"
#include "tml/trainer/kernels.h"

namespace tml::trainer::kernels {

const Table& table_avx2() {
  static const Table table{"avx2+fma", gemm_nn, gemm_nt};
  return table;
}

}  // namespace tml::trainer::kernels
