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
// Microphone: a timer interrupt samples WIO_MIC at `rate_hz` and calls wio_port_mic_sample() with each
// 12-bit ADC value.
void wio_hw_mic_start(uint32_t rate_hz);
void wio_hw_mic_stop(void);

// Implemented by the port, called from the microphone interrupt.
void wio_port_mic_sample(uint16_t adc);

#ifdef __cplusplus
}
#endif

#endif  // TML_WIO_HW_H
