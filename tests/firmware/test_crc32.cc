// CRC-32 (IEEE): the standard check value and incremental use.
#include <catch2/catch.hpp>
#include <cstring>

#include "tml/crc32.h"

TEST_CASE("crc32 of the standard check string", "[crc32]") {
  CHECK(tml_crc32(0, "123456789", 9) == 0xCBF43926u);
  CHECK(tml_crc32(0, "", 0) == 0u);
}

TEST_CASE("crc32 continues across pieces", "[crc32]") {
  const char* text = "The quick brown fox jumps over the lazy dog";
  const size_t n = std::strlen(text);
  CHECK(tml_crc32(0, text, n) == 0x414FA339u);
  for (size_t split = 0; split <= n; split += 7) CHECK(tml_crc32(tml_crc32(0, text, split), text + split, n - split) == 0x414FA339u);
}
