// The Wio Terminal's hardware as the port sees it: a handful of functions the Arduino glue
// (wio_hw_arduino.cpp) implements over the Seeed SAMD core. Everything else of the port
// (wio_port.cpp) is plain C++ over these, compiled for Cortex-M4 in CI without the Arduino core.
#ifndef TML_WIO_HW_H
#define TML_WIO_HW_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void wio_hw_init(void);                                  // USB CDC, Wire1 (400 kHz), ADC (12 bit)
uint32_t wio_hw_micros(void);                            // free-running microseconds (wraps)
int wio_hw_usb_write(const uint8_t* data, size_t len);   // blocks until queued; 0 or a negative status
int wio_hw_usb_read_byte(void);                          // -1 when nothing is waiting
// Register access to the LIS3DHTR on Wire1.
int wio_hw_i2c_write(uint8_t addr, uint8_t reg, uint8_t value);                // 0 on success
int wio_hw_i2c_read(uint8_t addr, uint8_t reg, uint8_t* out, size_t len);     // 0 on success
uint16_t wio_hw_light_read(void);                        // WIO_LIGHT, 12-bit ADC counts
// Microphone: WIO_MIC sampled at exactly `rate_hz` by the hardware (a timer's event starts each ADC
// conversion, the DMA controller stores the results in a double buffer); for every full block the DMA
// interrupt calls wio_port_mic_block(). Stopping leaves the ADC to analogRead() again.
void wio_hw_mic_start(uint32_t rate_hz);
void wio_hw_mic_stop(void);

// Implemented by the port, called from the microphone's DMA interrupt: `n` 12-bit ADC values, which
// follow `lost` samples the hardware could not deliver (0 unless the interrupt came too late).
void wio_port_mic_block(const uint16_t* adc, size_t n, uint32_t lost);
// Implemented by the port, for the interrupt: the blocks lost between two block interrupts `elapsed_us`
// apart (`block_us` per block), when the block that arrived is (`other_half` 0) or is not (1) the half of
// the double buffer that was due.
uint32_t wio_mic_blocks_lost(uint32_t elapsed_us, uint32_t block_us, int other_half);

#ifdef __cplusplus
}
#endif

#endif  // TML_WIO_HW_H
