// C++ side of reset: RAM set-up, static constructors, main; and what a fault does.
#include <stdint.h>
#include <cstring>

#include "semihosting.h"

extern "C" {
extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss;
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
int main();

[[noreturn]] void tml_reset() {
  uint32_t* src = &_sidata;
  for (uint32_t* dst = &_sdata; dst < &_edata;) *dst++ = *src++;
  for (uint32_t* dst = &_sbss; dst < &_ebss;) *dst++ = 0;
  for (auto fn = __init_array_start; fn < __init_array_end; ++fn) (*fn)();
  tml::mps2::semihost_exit(main());
}

// Any fault ends the emulator with status 3 and a message on QEMU's stderr, instead of hanging.
[[noreturn]] void tml_fault_handler() {
  tml::mps2::semihost_write0("tml-mps2: fault, stopping\n");
  tml::mps2::semihost_exit(3);
}

// newlib-nano's stubs (nosys.specs) may reference these.
void _exit(int code) { tml::mps2::semihost_exit(code); }
}
