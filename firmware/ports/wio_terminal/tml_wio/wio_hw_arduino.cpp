// Arduino glue of the Wio Terminal port (Seeed SAMD core, board "Seeeduino:samd:seeed_wio_terminal"):
// USB serial, Wire1 for the LIS3DHTR, analogRead() for the light sensor, and the microphone at 16 kHz
// through ADC1, TC3, the event system and the DMA controller (registers of the CMSIS-Atmel SAMD51 headers
// the core includes). Only built by `tml flash --board wio-terminal` (arduino-cli or
// PlatformIO); everything it calls into is in wio_port.cpp and the shared core.
#include <Arduino.h>
#include <Wire.h>
#include <wiring_private.h>  // pinPeripheral()

#include "wio_hw.h"
#include "wio_port.h"

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

// ---- Microphone: 16 kHz through ADC1 with DMA, no interrupt per sample --------------------------------
//
//   TC3 (48 MHz GCLK1, match-frequency mode) overflows at exactly rate_hz; its overflow event, routed by
//   EVSYS channel 0 (asynchronous path), starts an ADC1 conversion of WIO_MIC (PC30, AIN12, 12 bit,
//   single-ended against GND, the core's prescaler and sampling time); each result-ready raises DMAC
//   channel 0's trigger, which moves the 16-bit RESULT into one half of a double buffer. Two linked
//   descriptors form a ring; at the end of each half (kMicBlock samples, 16 ms at 16 kHz) the channel's
//   transfer-complete interrupt hands that half to the port (wio_port_mic_block), while the DMA fills the
//   other. The sketch owns the DMA controller (no other library of this firmware uses it).
namespace {

constexpr uint32_t kDmaChannel = 0;
constexpr uint32_t kEvsysChannel = 0;
constexpr size_t kMicBlock = 256;

alignas(16) DmacDescriptor g_dma_base[kDmaChannel + 1];       // first descriptor of each channel (BASEADDR)
alignas(16) DmacDescriptor g_dma_writeback[kDmaChannel + 1];  // the ongoing descriptor of each channel (WRBADDR)
alignas(16) DmacDescriptor g_dma_second;                      // the second half's descriptor
uint16_t g_mic_dma[2][kMicBlock];
volatile uint32_t g_mic_last_us = 0;
volatile uint8_t g_mic_expected = 0;  // the half whose completion comes next
uint32_t g_mic_block_us = 0;

void mic_descriptor(DmacDescriptor* d, uint16_t* buffer, const DmacDescriptor* next) {
  d->BTCTRL.reg = DMAC_BTCTRL_VALID | DMAC_BTCTRL_BEATSIZE_HWORD | DMAC_BTCTRL_DSTINC | DMAC_BTCTRL_BLOCKACT_INT;
  d->BTCNT.reg = kMicBlock;
  d->SRCADDR.reg = reinterpret_cast<uint32_t>(&ADC1->RESULT.reg);
  d->DSTADDR.reg = reinterpret_cast<uint32_t>(buffer + kMicBlock);  // with DSTINC: the end of the block
  d->DESCADDR.reg = reinterpret_cast<uint32_t>(next);
}

void tc3_disable() {
  TC3->COUNT16.CTRLA.bit.ENABLE = 0;
  while (TC3->COUNT16.SYNCBUSY.bit.ENABLE) {
  }
}

void adc1_disable() {
  ADC1->CTRLA.bit.ENABLE = 0;
  while (ADC1->SYNCBUSY.reg & ADC_SYNCBUSY_ENABLE) {
  }
}

void dma_channel_disable() {
  DMAC->Channel[kDmaChannel].CHCTRLA.bit.ENABLE = 0;
  while (DMAC->Channel[kDmaChannel].CHCTRLA.bit.ENABLE) {
  }
}

}  // namespace

extern "C" void wio_hw_mic_start(uint32_t rate_hz) {
  wio_hw_mic_stop();
  g_mic_block_us = static_cast<uint32_t>(kMicBlock * 1000000u / rate_hz);

  // DMAC: descriptor sections, channel 0 triggered by ADC1's result-ready, one beat (16 bits) per trigger.
  MCLK->AHBMASK.reg |= MCLK_AHBMASK_DMAC;
  DMAC->CTRL.bit.DMAENABLE = 0;
  while (DMAC->CTRL.bit.DMAENABLE) {
  }
  DMAC->BASEADDR.reg = reinterpret_cast<uint32_t>(g_dma_base);
  DMAC->WRBADDR.reg = reinterpret_cast<uint32_t>(g_dma_writeback);
  DMAC->CTRL.reg = DMAC_CTRL_DMAENABLE | DMAC_CTRL_LVLEN(0xF);
  DMAC->Channel[kDmaChannel].CHCTRLA.bit.SWRST = 1;
  while (DMAC->Channel[kDmaChannel].CHCTRLA.bit.SWRST) {
  }
  mic_descriptor(&g_dma_base[kDmaChannel], g_mic_dma[0], &g_dma_second);
  mic_descriptor(&g_dma_second, g_mic_dma[1], &g_dma_base[kDmaChannel]);
  DMAC->Channel[kDmaChannel].CHCTRLA.reg =
      DMAC_CHCTRLA_TRIGSRC(ADC1_DMAC_ID_RESRDY) | DMAC_CHCTRLA_TRIGACT_BURST | DMAC_CHCTRLA_BURSTLEN_SINGLE;
  DMAC->Channel[kDmaChannel].CHPRILVL.reg = 0;
  DMAC->Channel[kDmaChannel].CHINTFLAG.reg = DMAC_CHINTFLAG_MASK;
  DMAC->Channel[kDmaChannel].CHINTENSET.reg = DMAC_CHINTENSET_TCMPL;
  g_mic_expected = 0;
  NVIC_ClearPendingIRQ(DMAC_0_IRQn);
  NVIC_EnableIRQ(DMAC_0_IRQn);
  DMAC->Channel[kDmaChannel].CHCTRLA.bit.ENABLE = 1;

  // ADC1 on the microphone's input, a conversion per start event (the core set the clock, 12 bits by
  // analogReadResolution(12), the sampling time and the reference).
  pinPeripheral(WIO_MIC, PIO_ANALOG);
  adc1_disable();
  ADC1->INPUTCTRL.reg = ADC_INPUTCTRL_MUXNEG_GND | ADC_INPUTCTRL_MUXPOS(g_APinDescription[WIO_MIC].ulADCChannelNumber);
  while (ADC1->SYNCBUSY.reg & ADC_SYNCBUSY_INPUTCTRL) {
  }
  ADC1->EVCTRL.reg = ADC_EVCTRL_STARTEI;  // enable-protected: written while ADC1 is off
  ADC1->INTFLAG.reg = ADC_INTFLAG_RESRDY;
  ADC1->CTRLA.bit.ENABLE = 1;
  while (ADC1->SYNCBUSY.reg & ADC_SYNCBUSY_ENABLE) {
  }

  // EVSYS: TC3's overflow starts ADC1 (user channel numbers are the channel + 1).
  MCLK->APBBMASK.reg |= MCLK_APBBMASK_EVSYS;
  EVSYS->USER[EVSYS_ID_USER_ADC1_START].reg = EVSYS_USER_CHANNEL(kEvsysChannel + 1);
  EVSYS->Channel[kEvsysChannel].CHANNEL.reg = EVSYS_CHANNEL_EVGEN(EVSYS_ID_GEN_TC3_OVF) | EVSYS_CHANNEL_PATH_ASYNCHRONOUS;

  // TC3 from generic clock 1 (48 MHz in the Seeed SAMD51 core), match-frequency mode: an overflow event at
  // exactly rate_hz, no interrupt.
  GCLK->PCHCTRL[TC3_GCLK_ID].reg = GCLK_PCHCTRL_GEN_GCLK1 | GCLK_PCHCTRL_CHEN;
  while (!(GCLK->PCHCTRL[TC3_GCLK_ID].reg & GCLK_PCHCTRL_CHEN)) {
  }
  MCLK->APBBMASK.reg |= MCLK_APBBMASK_TC3;
  TC3->COUNT16.CTRLA.reg = TC_CTRLA_MODE_COUNT16 | TC_CTRLA_PRESCALER_DIV1;
  TC3->COUNT16.WAVE.reg = TC_WAVE_WAVEGEN_MFRQ;
  TC3->COUNT16.EVCTRL.reg = TC_EVCTRL_OVFEO;
  TC3->COUNT16.CC[0].reg = static_cast<uint16_t>(48000000u / rate_hz - 1);
  while (TC3->COUNT16.SYNCBUSY.bit.CC0) {
  }
  TC3->COUNT16.INTENCLR.reg = TC_INTENCLR_MASK;
  g_mic_last_us = micros();
  TC3->COUNT16.CTRLA.bit.ENABLE = 1;
  while (TC3->COUNT16.SYNCBUSY.bit.ENABLE) {
  }
}

extern "C" void wio_hw_mic_stop(void) {
  // Undo in reverse so analogRead() finds ADC1 as the core left it: triggered by software only. Also
  // called before the first start, when TC3 has no generic clock yet (its ENABLE would never sync).
  if (TC3->COUNT16.CTRLA.bit.ENABLE) tc3_disable();
  TC3->COUNT16.EVCTRL.reg = 0;
  MCLK->APBBMASK.reg |= MCLK_APBBMASK_EVSYS;
  EVSYS->USER[EVSYS_ID_USER_ADC1_START].reg = 0;
  EVSYS->Channel[kEvsysChannel].CHANNEL.reg = 0;
  adc1_disable();
  ADC1->EVCTRL.reg = 0;
  NVIC_DisableIRQ(DMAC_0_IRQn);
  MCLK->AHBMASK.reg |= MCLK_AHBMASK_DMAC;
  if (DMAC->CTRL.bit.DMAENABLE) dma_channel_disable();
}

// One half of the double buffer is full. The write-back section says where the DMA is: right after a
// block ends it still holds the finished descriptor (VALID cleared), then the next one, being filled. If
// the DMA is already filling the half this interrupt was expected to deliver, the interrupt came more than
// a block late (interrupts were off) and a whole block was overwritten: the port counts it.
extern "C" void DMAC_0_Handler(void) {
  const uint8_t flags = DMAC->Channel[kDmaChannel].CHINTFLAG.reg;
  DMAC->Channel[kDmaChannel].CHINTFLAG.reg = flags;
  if (!(flags & DMAC_CHINTFLAG_TCMPL)) return;
  const DmacDescriptor& wb = g_dma_writeback[kDmaChannel];
  const uint8_t wb_half = wb.DSTADDR.reg == reinterpret_cast<uint32_t>(g_mic_dma[1] + kMicBlock) ? 1 : 0;
  const uint8_t done = (wb.BTCTRL.reg & DMAC_BTCTRL_VALID) ? static_cast<uint8_t>(wb_half ^ 1) : wb_half;
  const uint32_t now = micros();
  const uint32_t lost = wio_mic_blocks_lost(now - g_mic_last_us, g_mic_block_us, done != g_mic_expected);
  g_mic_last_us = now;
  g_mic_expected = static_cast<uint8_t>(done ^ 1);
  wio_port_mic_block(g_mic_dma[done], kMicBlock, lost * static_cast<uint32_t>(kMicBlock));
}
