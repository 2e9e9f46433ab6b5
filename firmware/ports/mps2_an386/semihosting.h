// ARM semihosting on the emulated board (QEMU -semihosting-config enable=on,target=native): exit with a
// status, read files of the host, read the command line QEMU passes (its `arg=` options), print to
// QEMU's stderr. None of this exists on the real board; only this port uses it.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace tml::mps2 {

[[noreturn]] void semihost_exit(int code);
void semihost_write0(const char* text);                     // to QEMU's stderr
int semihost_open(const char* path);                        // read-only binary; -1 on failure
int semihost_read(int fd, void* buf, size_t len);           // bytes read (0 at end), -1 on failure
int semihost_seek(int fd, size_t pos);                      // 0 on success
long semihost_flen(int fd);                                 // file length, -1 on failure
int semihost_close(int fd);
int semihost_cmdline(char* buf, size_t cap);                // 0 on success, NUL-terminated
// The next space-separated word of a command line, cut out in place (NUL-terminated); *cursor moves past
// it. Null when no word is left. Usage: char* c = buf; while (char* w = semihost_next_word(&c)) ...
char* semihost_next_word(char** cursor);

}  // namespace tml::mps2
