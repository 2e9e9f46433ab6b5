// The emulated board's hardware: the CMSDK UART that stands in for USB serial, and time from SysTick.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace tml::mps2 {

void board_init();                                // UART0 on, SysTick at 1 kHz
int uart_write(const uint8_t* data, size_t len);  // blocks while QEMU applies back-pressure
int uart_read_byte();                             // -1 when nothing is waiting
uint64_t now_us();                                // microseconds since board_init (virtual time)
// SysTick ticks (25 MHz) since board_init. Under QEMU's -icount shift=0 one guest instruction takes
// 1 ns of virtual time, so ticks * 40 counts instructions exactly.
uint64_t now_ticks();

}  // namespace tml::mps2
