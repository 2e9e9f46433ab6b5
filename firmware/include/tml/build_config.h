// Build options of builds that take no command line. CMake builds choose with -D options and use this
// file as it is (it defines nothing); `tml flash --board wio-terminal` and `tml export --arduino-library`
// stage the firmware as an Arduino library and replace it with one that fixes the kernel set
// (TML_KERNELS_REFERENCE or TML_KERNELS_OPTIMIZED, read by src/kernels/kernel_set.cc).
#ifndef TML_BUILD_CONFIG_H
#define TML_BUILD_CONFIG_H

#endif  // TML_BUILD_CONFIG_H
