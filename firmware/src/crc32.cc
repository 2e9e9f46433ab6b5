#include "tml/crc32.h"

namespace tml {
namespace {

struct Crc32Table {
  uint32_t v[256];
};

constexpr Crc32Table make_table() {
  Crc32Table t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? (0xEDB88320u ^ (c >> 1)) : (c >> 1);
    t.v[i] = c;
  }
  return t;
}

constexpr Crc32Table kTable = make_table();  // in flash: computed at compile time

}  // namespace

extern "C" uint32_t tml_crc32(uint32_t crc, const void* data, size_t len) {
  const uint8_t* p = static_cast<const uint8_t*>(data);
  crc = ~crc;
  for (size_t i = 0; i < len; ++i) crc = kTable.v[(crc ^ p[i]) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

}  // namespace tml
