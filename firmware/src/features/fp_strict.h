// Included first by every front-end source: no floating-point contraction (a*b + c fused into one
// multiply-add with a single rounding) whatever the build's flags, so the board computes the host's bits.
// CMake passes -ffp-contract=off, but an Arduino build (the Wio Terminal library `tml flash` stages)
// compiles with -std=gnu++, where GCC's default is -ffp-contract=fast: on a Cortex-M4F that turns a*b + c
// into VFMA. The pragma applies to everything after it in the file, so it comes before every include
// (functions inline from headers then share the same options). tests/e2e/test_features_board.cc compiles
// these sources with -ffp-contract=fast and checks that no fused instruction comes out.
#pragma once

#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
