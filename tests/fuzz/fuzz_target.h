// A fuzz target is one function over bytes, tml_fuzz_one_input(), in its own file here. Each is built
// two ways:
//   - as a libFuzzer program (cmake -DTML_FUZZ=ON with clang; scripts/fuzz.sh), where
//     libfuzzer_main.cc calls it and a failed check aborts so libFuzzer keeps the input;
//   - into the normal test suite, where replay_test.cc runs it over its seed corpus
//     (tests/fuzz/corpus/<target>/) and every input fuzzing ever found (tests/fuzz/regressions/<target>/).
// A target checks properties with TML_FUZZ_CHECK, beyond "does not crash": what a bad input may do is
// spelled out there (a status, a tml::Error with a message), and anything else is a finding.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tml::fuzz {

// Reports a failed check; defined by each driver (abort for libFuzzer, an exception for the replay test).
[[noreturn]] void fail(const char* what, const char* file, int line);

}  // namespace tml::fuzz

#define TML_FUZZ_CHECK(cond)                                    \
  do {                                                          \
    if (!(cond)) ::tml::fuzz::fail(#cond, __FILE__, __LINE__);  \
  } while (0)

// The target's entry point: returns 0 (libFuzzer's convention).
int tml_fuzz_one_input(const uint8_t* data, size_t size);
