// Chooses the channel kernel build with the matrix kernels' choice (dispatch.cc): AVX2+FMA when those
// run with it.
#include <cstring>

#include "tml/trainer/channel_kernels.h"
#include "tml/trainer/kernels.h"

namespace tml::trainer::kernels {
namespace {

bool is_avx2(const Table& t) { return std::strcmp(t.isa, "avx2+fma") == 0; }

}  // namespace

#if !defined(TML_HAVE_AVX2_KERNELS)
const ChannelTable& channel_table_avx2() { return channel_table_generic(); }
#endif

const ChannelTable& channel_available(int i) {
  return is_avx2(available(i)) ? channel_table_avx2() : channel_table_generic();
}

const ChannelTable& channel_kernels() {
  static const ChannelTable& chosen = is_avx2(kernels()) ? channel_table_avx2() : channel_table_generic();
  return chosen;
}

}  // namespace tml::trainer::kernels
