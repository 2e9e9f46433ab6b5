#include "board.h"

#include "semihosting.h"

namespace tml::mps2 {
namespace {

// CMSDK APB UART0 (QEMU's first -serial).
struct Uart {
  volatile uint32_t data;
  volatile uint32_t state;  // bit0 TX full, bit1 RX full
  volatile uint32_t ctrl;   // bit0 TX enable, bit1 RX enable
  volatile uint32_t intstatus;
  volatile uint32_t bauddiv;  // must be >= 16 or QEMU neither sends nor receives
};
Uart* const uart0 = reinterpret_cast<Uart*>(0x40004000u);

// SysTick, clocked at 25 MHz on this machine.
struct SysTick {
  volatile uint32_t ctrl;
  volatile uint32_t load;
  volatile uint32_t val;
  volatile uint32_t calib;
};
SysTick* const systick = reinterpret_cast<SysTick*>(0xE000E010u);
constexpr uint32_t kTicksPerMs = 25000;

volatile uint32_t g_ms = 0;

}  // namespace

void board_init() {
  uart0->bauddiv = 16;
  uart0->ctrl = 0x3;
  systick->load = kTicksPerMs - 1;
  systick->val = 0;
  systick->ctrl = 0x7;  // processor clock, interrupt, enable
}

int uart_write(const uint8_t* data, size_t len) {
  for (size_t i = 0; i < len; ++i) {
    while (uart0->state & 0x1u) {
    }
    uart0->data = data[i];
  }
  return 0;
}

int uart_read_byte() {
  if (!(uart0->state & 0x2u)) return -1;
  return static_cast<int>(uart0->data & 0xFFu);
}

uint64_t now_ticks() {
  uint32_t ms, val;
  do {
    ms = g_ms;
    val = systick->val;
  } while (ms != g_ms);
  return static_cast<uint64_t>(ms) * kTicksPerMs + (kTicksPerMs - 1 - val);
}

uint64_t now_us() { return now_ticks() / 25u; }

}  // namespace tml::mps2

extern "C" void SysTick_Handler() { tml::mps2::g_ms = tml::mps2::g_ms + 1; }
