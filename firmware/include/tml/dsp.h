// The Cortex-M4 DSP-extension (SIMD32) operations the optimized kernels use, with one meaning everywhere.
//
// On a target with the DSP extension (__ARM_FEATURE_DSP: Cortex-M4, M7, M33 with DSP) each function is
// one instruction, from the compiler's arm_acle.h or, for the rotated forms ACLE lacks, from inline
// assembly. Elsewhere (the host build, Cortex-M0/M3) it is its definition in plain C (tml_<op>_c below),
// which gives the same 32-bit result for every input, so the optimized kernels run and are tested on
// the host too. tests/firmware/test_dsp.cc checks the definitions; the on-board self-test
// (ports/mps2_an386/selftest_main.cc) checks the instructions against them.
//
// Packed values are uint32_t: "two int16 lanes" means bits 0..15 (lane 0) and 16..31 (lane 1), each a
// two's-complement int16; "four int8" means bytes 0..3. Nothing here saturates: every sum wraps modulo
// 2^16 per lane or 2^32 (SMLAD sets the Q flag on overflow, which nothing reads).
#ifndef TML_DSP_H
#define TML_DSP_H

#include <stdint.h>

#if defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_SIMD32)
#include <arm_acle.h>
#define TML_DSP_NATIVE 1
#else
#define TML_DSP_NATIVE 0
#endif

#ifdef __cplusplus
extern "C" {
#endif

// Four bytes at any address, as a little-endian word (one LDR on Cortex-M3/M4, which load unaligned
// words; never LDRD/LDM, which would fault). The compiler's own memcpy, which GCC and Clang turn into
// that single load, so this header needs no C library header.
static inline uint32_t tml_read_u32(const void* p) {
  uint32_t v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}

// The definitions, in portable C (the *_c functions; the on-board self-test compares the instructions
// with them).
static inline int32_t tml_dsp_sext8(uint32_t v) { return (int32_t)((v & 0xFFu) ^ 0x80u) - 0x80; }
static inline int32_t tml_dsp_sext16(uint32_t v) { return (int32_t)((v & 0xFFFFu) ^ 0x8000u) - 0x8000; }
static inline uint32_t tml_dsp_pack16(uint32_t lane0, uint32_t lane1) {
  return (lane0 & 0xFFFFu) | ((lane1 & 0xFFFFu) << 16);
}

// SXTB16: lanes (sext(byte 0), sext(byte 2)).
static inline uint32_t tml_sxtb16_c(uint32_t x) {
  return tml_dsp_pack16((uint32_t)tml_dsp_sext8(x), (uint32_t)tml_dsp_sext8(x >> 16));
}

// SXTB16 with ROR #8: lanes (sext(byte 1), sext(byte 3)).
static inline uint32_t tml_sxtb16_ror8_c(uint32_t x) {
  return tml_dsp_pack16((uint32_t)tml_dsp_sext8(x >> 8), (uint32_t)tml_dsp_sext8(x >> 24));
}

// SXTAB16: lanes (a.lane0 + sext(byte 0), a.lane1 + sext(byte 2)), each modulo 2^16.
static inline uint32_t tml_sxtab16_c(uint32_t a, uint32_t x) {
  return tml_dsp_pack16(a + (uint32_t)tml_dsp_sext8(x), (a >> 16) + (uint32_t)tml_dsp_sext8(x >> 16));
}

// SXTAB16 with ROR #8: lanes (a.lane0 + sext(byte 1), a.lane1 + sext(byte 3)), each modulo 2^16.
static inline uint32_t tml_sxtab16_ror8_c(uint32_t a, uint32_t x) {
  return tml_dsp_pack16(a + (uint32_t)tml_dsp_sext8(x >> 8), (a >> 16) + (uint32_t)tml_dsp_sext8(x >> 24));
}

// SSUB16: lanes (a.lane0 - b.lane0, a.lane1 - b.lane1), each modulo 2^16.
static inline uint32_t tml_ssub16_c(uint32_t a, uint32_t b) {
  return tml_dsp_pack16(a - b, (a >> 16) - (b >> 16));
}

// SMLAD: acc + a.lane0 * b.lane0 + a.lane1 * b.lane1, modulo 2^32.
static inline int32_t tml_smlad_c(uint32_t a, uint32_t b, int32_t acc) {
  // Each product fits in an int32 (at most 2^30); the sum wraps like the instruction's.
  const int32_t p0 = tml_dsp_sext16(a) * tml_dsp_sext16(b);
  const int32_t p1 = tml_dsp_sext16(a >> 16) * tml_dsp_sext16(b >> 16);
  const uint32_t sum = (uint32_t)acc + (uint32_t)p0 + (uint32_t)p1;
  return sum < 0x80000000u ? (int32_t)sum : -(int32_t)~sum - 1;  // two's complement, no implementation-defined cast
}

// SMLABB: acc + a.lane0 * b.lane0, modulo 2^32 (the depthwise kernel's per-channel product).
static inline int32_t tml_smlabb_c(uint32_t a, uint32_t b, int32_t acc) {
  const uint32_t sum = (uint32_t)acc + (uint32_t)(tml_dsp_sext16(a) * tml_dsp_sext16(b));
  return sum < 0x80000000u ? (int32_t)sum : -(int32_t)~sum - 1;
}

// SMLATT: acc + a.lane1 * b.lane1, modulo 2^32.
static inline int32_t tml_smlatt_c(uint32_t a, uint32_t b, int32_t acc) {
  const uint32_t sum = (uint32_t)acc + (uint32_t)(tml_dsp_sext16(a >> 16) * tml_dsp_sext16(b >> 16));
  return sum < 0x80000000u ? (int32_t)sum : -(int32_t)~sum - 1;
}

// What the kernels call: the instruction, or the definition above.
#if TML_DSP_NATIVE

static inline uint32_t tml_sxtb16(uint32_t x) { return (uint32_t)__sxtb16((int32_t)x); }

static inline uint32_t tml_sxtb16_ror8(uint32_t x) {
  uint32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
}

static inline uint32_t tml_sxtab16(uint32_t a, uint32_t x) { return (uint32_t)__sxtab16((int32_t)a, (int32_t)x); }

static inline uint32_t tml_sxtab16_ror8(uint32_t a, uint32_t x) {
  uint32_t r;
  __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(x));
  return r;
}

static inline uint32_t tml_ssub16(uint32_t a, uint32_t b) { return (uint32_t)__ssub16((int16x2_t)a, (int16x2_t)b); }

static inline int32_t tml_smlad(uint32_t a, uint32_t b, int32_t acc) {
  return __smlad((int32_t)a, (int32_t)b, acc);
}

static inline int32_t tml_smlabb(uint32_t a, uint32_t b, int32_t acc) {
  return __smlabb((int32_t)a, (int32_t)b, acc);
}

static inline int32_t tml_smlatt(uint32_t a, uint32_t b, int32_t acc) {
  return __smlatt((int32_t)a, (int32_t)b, acc);
}

#else

static inline uint32_t tml_sxtb16(uint32_t x) { return tml_sxtb16_c(x); }
static inline uint32_t tml_sxtb16_ror8(uint32_t x) { return tml_sxtb16_ror8_c(x); }
static inline uint32_t tml_sxtab16(uint32_t a, uint32_t x) { return tml_sxtab16_c(a, x); }
static inline uint32_t tml_sxtab16_ror8(uint32_t a, uint32_t x) { return tml_sxtab16_ror8_c(a, x); }
static inline uint32_t tml_ssub16(uint32_t a, uint32_t b) { return tml_ssub16_c(a, b); }
static inline int32_t tml_smlad(uint32_t a, uint32_t b, int32_t acc) { return tml_smlad_c(a, b, acc); }
static inline int32_t tml_smlabb(uint32_t a, uint32_t b, int32_t acc) { return tml_smlabb_c(a, b, acc); }
static inline int32_t tml_smlatt(uint32_t a, uint32_t b, int32_t acc) { return tml_smlatt_c(a, b, acc); }

#endif  // TML_DSP_NATIVE

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // TML_DSP_H
