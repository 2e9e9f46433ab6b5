// The DSP-extension operations of tml/dsp.h: their portable definitions (what the host build runs)
// against hand-worked words and against a statement of the Arm architecture's pseudocode written here
// with 64-bit integers. The instructions themselves are checked against the same definitions on the
// emulated board (tests/e2e/test_kernels_board.cc).
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>

#include "tml/dsp.h"

namespace {

int64_t lane16(uint32_t v, int lane) {
  const int64_t u = (v >> (16 * lane)) & 0xFFFF;
  return u >= 0x8000 ? u - 0x10000 : u;
}
int64_t byte8(uint32_t v, int index) {
  const int64_t u = (v >> (8 * index)) & 0xFF;
  return u >= 0x80 ? u - 0x100 : u;
}
uint32_t pack(int64_t lane0, int64_t lane1) {
  const uint64_t lo = static_cast<uint64_t>(lane0) & 0xFFFF, hi = static_cast<uint64_t>(lane1) & 0xFFFF;
  return static_cast<uint32_t>(lo | (hi << 16));
}
// SMLAD: the sum computed exactly, then its low 32 bits.
int32_t model_smlad(uint32_t a, uint32_t b, int32_t acc) {
  const int64_t sum = lane16(a, 0) * lane16(b, 0) + lane16(a, 1) * lane16(b, 1) + acc;
  const uint32_t low = static_cast<uint32_t>(static_cast<uint64_t>(sum));
  return static_cast<int32_t>(static_cast<int64_t>(low) - (low >= 0x80000000u ? (int64_t{1} << 32) : 0));
}

// SMLABB (lane 0) and SMLATT (lane 1): the one product added exactly, then the low 32 bits.
int32_t model_smla(uint32_t a, uint32_t b, int32_t acc, int lane) {
  const int64_t sum = lane16(a, lane) * lane16(b, lane) + acc;
  const uint32_t low = static_cast<uint32_t>(static_cast<uint64_t>(sum));
  return static_cast<int32_t>(static_cast<int64_t>(low) - (low >= 0x80000000u ? (int64_t{1} << 32) : 0));
}

}  // namespace

TEST_CASE("dsp: sign extension of bytes 0 and 2 / 1 and 3", "[dsp]") {
  // bytes (low to high): FF 01 7F 80 = -1, 1, 127, -128
  const uint32_t x = 0x807F01FFu;
  CHECK(tml_sxtb16(x) == 0x007FFFFFu);       // lanes (-1, 127)
  CHECK(tml_sxtb16_ror8(x) == 0xFF800001u);  // lanes (1, -128)
  CHECK(tml_sxtb16(0) == 0u);
  CHECK(tml_sxtb16(0x80808080u) == 0xFF80FF80u);
  CHECK(tml_sxtb16_ror8(0x7F7F7F7Fu) == 0x007F007Fu);
}

TEST_CASE("dsp: sign-extend-and-add wraps each 16-bit lane on its own", "[dsp]") {
  // a lanes (-1, 32767) plus bytes 0/2 = (-128, 1): (-129, -32768 after wrapping); no carry between lanes.
  CHECK(tml_sxtab16(0x7FFFFFFFu, 0x00010080u) == 0x8000FF7Fu);
  // The zero-point use: -zp in both lanes plus int8 values gives x - zp in -255..255.
  const uint32_t neg_zp = 0x00800080u;  // zp = -128
  CHECK(tml_sxtab16(neg_zp, 0x007F0080u) == pack(0, 255));
  CHECK(tml_sxtab16_ror8(neg_zp, 0x7F008000u) == pack(0, 255));
  const uint32_t neg_zp2 = pack(-127, -127);  // zp = 127
  CHECK(tml_sxtab16(neg_zp2, 0x00800000u) == pack(-127, -255));
}

TEST_CASE("dsp: dual multiply-accumulate wraps modulo 2^32 without saturating", "[dsp]") {
  CHECK(tml_smlad(pack(3, -4), pack(5, 6), 10) == 10 + 15 - 24);
  // (-32768)^2 + (-32768)^2 = 2^31: the sum wraps to INT32_MIN (the instruction only sets the Q flag).
  CHECK(tml_smlad(0x80008000u, 0x80008000u, 0) == INT32_MIN);
  CHECK(tml_smlad(pack(1, 0), pack(1, 0), INT32_MAX) == INT32_MIN);
  CHECK(tml_smlad(pack(-1, 0), pack(1, 0), INT32_MIN) == INT32_MAX);
  CHECK(tml_smlad(pack(-32768, 32767), pack(32767, -32768), 0) == -2 * 32768 * 32767);
}

TEST_CASE("dsp: single multiply-accumulate of the bottom or top lanes wraps modulo 2^32", "[dsp]") {
  CHECK(tml_smlabb(pack(3, 1000), pack(-5, 1000), 10) == 10 - 15);
  CHECK(tml_smlatt(pack(1000, 3), pack(1000, -5), 10) == 10 - 15);
  // The depthwise use: lanes hold x - zp (-255..255) and a weight (-127..127).
  CHECK(tml_smlabb(pack(-255, 0), pack(-127, 0), 0) == 32385);
  CHECK(tml_smlatt(pack(0, 255), pack(0, -127), 1) == 1 - 32385);
  // (-32768)^2 = 2^30: past INT32_MAX the sum wraps, it never saturates.
  CHECK(tml_smlabb(0x00008000u, 0x00008000u, INT32_MAX) == INT32_MIN + (1 << 30) - 1);
  CHECK(tml_smlatt(0x80000000u, 0x80000000u, 1 << 30) == INT32_MIN);
  CHECK(tml_smlabb(pack(-1, 0), pack(1, 0), INT32_MIN) == INT32_MAX);
}

TEST_CASE("dsp: random words against the architecture's pseudocode", "[dsp]") {
  std::mt19937 rng(5);
  std::uniform_int_distribution<uint32_t> word;
  for (int i = 0; i < 200000; ++i) {
    const uint32_t a = word(rng), x = word(rng);
    const int32_t acc = static_cast<int32_t>(static_cast<int64_t>(word(rng)) - (int64_t{1} << 31));
    REQUIRE(tml_sxtb16(x) == pack(byte8(x, 0), byte8(x, 2)));
    REQUIRE(tml_sxtb16_ror8(x) == pack(byte8(x, 1), byte8(x, 3)));
    REQUIRE(tml_sxtab16(a, x) == pack(lane16(a, 0) + byte8(x, 0), lane16(a, 1) + byte8(x, 2)));
    REQUIRE(tml_sxtab16_ror8(a, x) == pack(lane16(a, 0) + byte8(x, 1), lane16(a, 1) + byte8(x, 3)));
    REQUIRE(tml_smlad(a, x, acc) == model_smlad(a, x, acc));
    REQUIRE(tml_smlabb(a, x, acc) == model_smla(a, x, acc, 0));
    REQUIRE(tml_smlatt(a, x, acc) == model_smla(a, x, acc, 1));
  }
}

TEST_CASE("dsp: unaligned word reads are little-endian", "[dsp]") {
  const uint8_t bytes[7] = {1, 2, 3, 4, 5, 6, 7};
  CHECK(tml_read_u32(bytes) == 0x04030201u);
  CHECK(tml_read_u32(bytes + 3) == 0x07060504u);
}
