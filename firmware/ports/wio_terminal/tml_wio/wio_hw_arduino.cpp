// Arduino glue of the Wio Terminal port (Seeed SAMD core, board "Seeeduino:samd:seeed_wio_terminal"):
// USB serial, Wire1 for the LIS3DHTR, the ADC for the light sensor and the microphone, and TC3 as the
// microphone's 16 kHz sample clock. Only built by `tml flash --board wio-terminal` (arduino-cli or
// PlatformIO); everything it calls into is in wio_port.cpp and the shared core.
#include <Arduino.h>
#include <Wire.h>

#include "wio_hw.h"

extern "C" void wio_hw_init(void) {
  Serial.begin(115200);  // native USB CDC: the baud rate is ignored
  Wire1.begin();
  Wire1.setClock(400000);
  analogReadResolution(12);
  pinMode(WIO_LIGHT, INPUT);
  pinMode(WIO_MIC, INPUT);
}

extern "C" uint32_t wio_hw_micros(void) { return micros(); }

extern "C" int wio_hw_usb_write(const uint8_t* data, size_t len) {
  while (len > 0) {
    const size_t n = Serial.write(data, len);
    if (n == 0) {
      if (!Serial) return -8;  // TML_ERR_IO: no host
      continue;
    }
    data += n;
    len -= n;
  }
  return 0;
}

extern "C" int wio_hw_usb_read_byte(void) { return Serial.available() > 0 ? Serial.read() : -1; }

extern "C" int wio_hw_i2c_write(uint8_t addr, uint8_t reg, uint8_t value) {
  Wire1.beginTransmission(addr);
  Wire1.write(reg);
  Wire1.write(value);
  return Wire1.endTransmission() == 0 ? 0 : -8;
}

extern "C" int wio_hw_i2c_read(uint8_t addr, uint8_t reg, uint8_t* out, size_t len) {
  while (len > 0) {  // the Wire buffer holds 32 bytes per transfer
    const size_t chunk = len > 30 ? 30 : len;
    Wire1.beginTransmission(addr);
    Wire1.write(reg);
    if (Wire1.endTransmission(false) != 0) return -8;
    if (Wire1.requestFrom(addr, static_cast<uint8_t>(chunk)) != chunk) return -8;
    for (size_t i = 0; i < chunk; ++i) out[i] = static_cast<uint8_t>(Wire1.read());
    out += chunk;
    len -= chunk;
    // With auto-increment (bit 7 of the register address) the LIS3DH wraps within its output registers
    // and serves the next FIFO entry, so the same address continues the read.
  }
  return 0;
}

extern "C" uint16_t wio_hw_light_read(void) { return static_cast<uint16_t>(analogRead(WIO_LIGHT)); }

extern "C" void wio_hw_mic_start(uint32_t rate_hz) {
  // TC3 from generic clock 1 (48 MHz in the Seeed SAMD51 core), match-frequency mode: an interrupt at
  // exactly rate_hz.
  GCLK->PCHCTRL[TC3_GCLK_ID].reg = GCLK_PCHCTRL_GEN_GCLK1 | GCLK_PCHCTRL_CHEN;
  while (!(GCLK->PCHCTRL[TC3_GCLK_ID].reg & GCLK_PCHCTRL_CHEN)) {
  }
  MCLK->APBBMASK.reg |= MCLK_APBBMASK_TC3;
  TC3->COUNT16.CTRLA.bit.ENABLE = 0;
  while (TC3->COUNT16.SYNCBUSY.bit.ENABLE) {
  }
  TC3->COUNT16.CTRLA.reg = TC_CTRLA_MODE_COUNT16 | TC_CTRLA_PRESCALER_DIV1;
  TC3->COUNT16.WAVE.reg = TC_WAVE_WAVEGEN_MFRQ;
  TC3->COUNT16.CC[0].reg = static_cast<uint16_t>(48000000u / rate_hz - 1);
  while (TC3->COUNT16.SYNCBUSY.bit.CC0) {
  }
  TC3->COUNT16.INTENSET.reg = TC_INTENSET_MC0;
  NVIC_EnableIRQ(TC3_IRQn);
  TC3->COUNT16.CTRLA.bit.ENABLE = 1;
  while (TC3->COUNT16.SYNCBUSY.bit.ENABLE) {
  }
}

extern "C" void wio_hw_mic_stop(void) {
  TC3->COUNT16.CTRLA.bit.ENABLE = 0;
  while (TC3->COUNT16.SYNCBUSY.bit.ENABLE) {
  }
  NVIC_DisableIRQ(TC3_IRQn);
}

extern "C" void TC3_Handler(void) {
  TC3->COUNT16.INTFLAG.reg = TC_INTFLAG_MC0;
  wio_port_mic_sample(static_cast<uint16_t>(analogRead(WIO_MIC)));
}
