// Text output of the measurement and test images, through semihosting onto QEMU's stderr (apart from
// the UART stream): strings, decimal numbers and hex bytes. No printf (keeps newlib's formatter out).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "semihosting.h"

namespace tml::mps2 {

inline void print(const char* text) { semihost_write0(text); }

inline void print_int(int64_t v) {
  char buf[24];
  char* p = buf + sizeof buf;
  *--p = '\0';
  uint64_t u = v < 0 ? static_cast<uint64_t>(-(v + 1)) + 1 : static_cast<uint64_t>(v);
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0) *--p = '-';
  semihost_write0(p);
}

inline void print_hex(const uint8_t* data, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  char buf[65];
  size_t used = 0;
  for (size_t i = 0; i < n; ++i) {
    buf[used++] = kDigits[data[i] >> 4];
    buf[used++] = kDigits[data[i] & 15];
    if (used == 64 || i + 1 == n) {
      buf[used] = '\0';
      semihost_write0(buf);
      used = 0;
    }
  }
}

}  // namespace tml::mps2
