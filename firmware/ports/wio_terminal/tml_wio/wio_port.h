// The Wio Terminal port of the tml firmware: sensors (LIS3DHTR accelerometer on Wire1, the analog
// microphone WIO_MIC (PC30, ADC1) at 16 kHz by DMA, the light sensor WIO_LIGHT (pin 27, PD01, ADC1))
// behind the shared device core (tml/device.h), over the board's native USB serial.
#ifndef TML_WIO_PORT_H
#define TML_WIO_PORT_H

#include <stdint.h>

#include "tml/device.h"

#ifdef __cplusplus
extern "C" {
#endif

// LIS3DHTR output data rates in normal/high-resolution mode, Hz, and the nearest one to a request.
uint32_t wio_lis3dh_nearest_rate_millihz(uint32_t rate_millihz);
// CTRL_REG1 value for a rate (ODR bits, all three axes on).
uint8_t wio_lis3dh_ctrl_reg1(uint32_t rate_millihz);
// m/s^2 per raw count of the left-justified 16-bit output in high-resolution mode at +-4 g.
float wio_lis3dh_scale(void);
// 12-bit ADC count of the microphone as signed 16-bit PCM (centred on mid-scale, full scale).
int16_t wio_mic_pcm(uint16_t adc);

void wio_port_setup(void);  // Arduino setup()
void wio_port_loop(void);   // Arduino loop()

#ifdef __cplusplus
}
#endif

#endif  // TML_WIO_PORT_H
