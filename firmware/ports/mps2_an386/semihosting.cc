#include "semihosting.h"

#include <cstring>

namespace tml::mps2 {
namespace {

enum : uint32_t {
  SYS_OPEN = 0x01,
  SYS_CLOSE = 0x02,
  SYS_WRITE0 = 0x04,
  SYS_READ = 0x06,
  SYS_SEEK = 0x0A,
  SYS_FLEN = 0x0C,
  SYS_GET_CMDLINE = 0x15,
  SYS_EXIT_EXTENDED = 0x20,
};

int32_t call(uint32_t op, const void* arg) {
  register uint32_t r0 __asm__("r0") = op;
  register const void* r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return static_cast<int32_t>(r0);
}

}  // namespace

void semihost_exit(int code) {
  const uint32_t block[2] = {0x20026u /* ADP_Stopped_ApplicationExit */, static_cast<uint32_t>(code)};
  call(SYS_EXIT_EXTENDED, block);
  for (;;) {
  }
}

void semihost_write0(const char* text) { call(SYS_WRITE0, text); }

int semihost_open(const char* path) {
  const uint32_t block[3] = {reinterpret_cast<uint32_t>(path), 1u /* "rb" */, static_cast<uint32_t>(strlen(path))};
  return call(SYS_OPEN, block);
}

int semihost_read(int fd, void* buf, size_t len) {
  const uint32_t block[3] = {static_cast<uint32_t>(fd), reinterpret_cast<uint32_t>(buf), static_cast<uint32_t>(len)};
  const int32_t not_read = call(SYS_READ, block);
  if (not_read < 0 || static_cast<size_t>(not_read) > len) return -1;
  return static_cast<int>(len - static_cast<size_t>(not_read));
}

int semihost_seek(int fd, size_t pos) {
  const uint32_t block[2] = {static_cast<uint32_t>(fd), static_cast<uint32_t>(pos)};
  return call(SYS_SEEK, block);
}

long semihost_flen(int fd) {
  const uint32_t block[1] = {static_cast<uint32_t>(fd)};
  return call(SYS_FLEN, block);
}

int semihost_close(int fd) {
  const uint32_t block[1] = {static_cast<uint32_t>(fd)};
  return call(SYS_CLOSE, block);
}

int semihost_cmdline(char* buf, size_t cap) {
  uint32_t block[2] = {reinterpret_cast<uint32_t>(buf), static_cast<uint32_t>(cap)};
  return call(SYS_GET_CMDLINE, block) == 0 ? 0 : -1;
}

char* semihost_next_word(char** cursor) {
  char* p = *cursor;
  while (*p == ' ') ++p;
  if (!*p) {
    *cursor = p;
    return nullptr;
  }
  char* word = p;
  while (*p && *p != ' ') ++p;
  if (*p) *p++ = '\0';
  *cursor = p;
  return word;
}

}  // namespace tml::mps2
