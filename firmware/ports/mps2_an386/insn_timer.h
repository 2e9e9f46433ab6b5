// Instruction counting on the emulated board: SysTick free-running at the 25 MHz processor clock. Under
// QEMU's -icount shift=0 one guest instruction takes 1 ns of virtual time, so one tick is exactly 40
// instructions, identical run to run (without -icount the ticks follow the host's clock and are noise).
// For the measurement images (bench_main.cc); the device firmware keeps SysTick at 1 kHz (board.cc).
#pragma once

#include <stdint.h>

namespace tml::mps2 {

constexpr uint32_t kInstructionsPerTick = 40;

struct SysTickRegs {
  volatile uint32_t ctrl;
  volatile uint32_t load;
  volatile uint32_t val;
  volatile uint32_t calib;
};

inline SysTickRegs* systick_regs() { return reinterpret_cast<SysTickRegs*>(0xE000E010u); }

// Starts SysTick counting down from 2^24 - 1, without interrupts, wrapping every 2^24 ticks (671 M
// instructions under -icount shift=0): longer intervals cannot be measured.
inline void insn_timer_start() {
  systick_regs()->ctrl = 0;
  systick_regs()->load = 0xFFFFFFu;
  systick_regs()->val = 0;
  systick_regs()->ctrl = 0x5;  // processor clock, no interrupt, enabled
}

// The counter now; a compiler barrier on each side keeps measured code from moving across the read.
inline uint32_t insn_timer_read() {
  __asm__ volatile("" ::: "memory");
  const uint32_t v = systick_regs()->val;
  __asm__ volatile("" ::: "memory");
  return v;
}

// Ticks from `start` to `end` (two insn_timer_read values), for intervals under 2^24 ticks.
inline uint32_t insn_timer_ticks(uint32_t start, uint32_t end) { return (start - end) & 0xFFFFFFu; }

}  // namespace tml::mps2
