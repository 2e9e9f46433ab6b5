// The libFuzzer side of a fuzz target (fuzz_target.h): libFuzzer's main calls this for every input.
#include <cstdio>
#include <cstdlib>

#include "fuzz_target.h"

namespace tml::fuzz {

void fail(const char* what, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
  std::abort();
}

}  // namespace tml::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return tml_fuzz_one_input(data, size); }
