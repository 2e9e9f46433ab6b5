// The Wio Terminal port: sensors and the main loop over the shared device core. Hardware access goes
// through wio_hw.h, so this file builds without the Arduino core (CI compiles it for Cortex-M4).
#include "wio_port.h"

#include <cstring>

#include "wio_hw.h"

// `tml flash` writes tml_config.h next to the sketch; with a model it also copies the exported header in
// as tml_model.h.
#if defined(__has_include)
#if __has_include("tml_config.h")
#include "tml_config.h"
#endif
#endif
#ifdef TML_WITH_MODEL
#include "tml_model.h"
#include "tml/inference.h"
#endif

#ifndef TML_FIRMWARE_VERSION
#define TML_FIRMWARE_VERSION "0.1.0"
#endif

namespace tml::wio {
namespace {

// LIS3DHTR (ST LIS3DH) registers.
constexpr uint8_t kAccelAddr = 0x18;
constexpr uint8_t kWhoAmI = 0x0F, kWhoAmIValue = 0x33;
constexpr uint8_t kCtrlReg1 = 0x20, kCtrlReg4 = 0x23, kCtrlReg5 = 0x24;
constexpr uint8_t kOutXL = 0x28, kFifoCtrl = 0x2E, kFifoSrc = 0x2F;
constexpr uint8_t kAutoIncrement = 0x80;

struct Odr {
  uint32_t millihz;
  uint8_t bits;
};
constexpr Odr kOdr[] = {{1000, 1}, {10000, 2}, {25000, 3}, {50000, 4}, {100000, 5}, {200000, 6}, {400000, 7}, {1344000, 9}};

constexpr uint32_t kMicRate = 16000;
constexpr size_t kMicRing = 4096;  // 256 ms of audio at 16 kHz

// Microphone ring buffer: the DMA interrupt writes head and the overrun count, the loop writes tail.
// When the ring is full, new samples are dropped and counted, as are samples the hardware lost before a
// block (a late interrupt); gap_pos remembers where in the stream they went missing, so the loop can
// report the loss at exactly that point.
int16_t g_mic[kMicRing];
volatile uint32_t g_mic_head = 0;
uint32_t g_mic_tail = 0;
volatile uint32_t g_mic_overrun_total = 0;  // samples dropped since boot
volatile uint32_t g_mic_gap_pos = 0;        // head when the pending loss began
uint32_t g_mic_overrun_seen = 0;            // the part of the total already reported

struct Port {
  tml_device device;
  tml_sensor_config config;
  bool accel_present = false;
  uint64_t clock_us = 0;  // extended from the 32-bit micros()
  uint32_t last_micros = 0;
  uint64_t start_us = 0;
  uint64_t produced = 0;
} g_port;

void set_axis(tml_axis* a, const char* name, const char* unit) {
  memset(a, 0, sizeof *a);
  strncpy(a->name, name, sizeof a->name);
  strncpy(a->unit, unit, sizeof a->unit);
}

uint64_t now_us() {
  const uint32_t m = wio_hw_micros();
  g_port.clock_us += static_cast<uint32_t>(m - g_port.last_micros);
  g_port.last_micros = m;
  return g_port.clock_us;
}

// Rows due since start for a paced sensor.
uint64_t due_rows() { return (now_us() - g_port.start_us) * g_port.config.rate_millihz / 1000000000ull; }

int op_write(void*, const uint8_t* data, size_t len) { return wio_hw_usb_write(data, len); }
int op_read_byte(void*) { return wio_hw_usb_read_byte(); }

int op_configure(void*, uint8_t sensor, uint32_t rate, tml_sensor_config* c) {
  memset(c, 0, sizeof *c);
  c->sensor = sensor;
  c->sample_format = TML_FORMAT_I16;
  switch (sensor) {
    case TML_SENSOR_ACCEL:
      if (!g_port.accel_present) return TML_ERR_UNSUPPORTED;
      c->axis_count = 3;
      c->rate_millihz = wio_lis3dh_nearest_rate_millihz(rate ? rate : 100000);
      c->scale = wio_lis3dh_scale();
      set_axis(&c->axes[0], "accx", "m/s2");
      set_axis(&c->axes[1], "accy", "m/s2");
      set_axis(&c->axes[2], "accz", "m/s2");
      break;
    case TML_SENSOR_MIC:
      c->axis_count = 1;
      c->rate_millihz = kMicRate * 1000;
      c->scale = 1.0f;
      set_axis(&c->axes[0], "audio", "PCM");
      break;
    case TML_SENSOR_LIGHT: {
      uint32_t r = rate ? rate : 10000;
      if (r < 1000) r = 1000;
      if (r > 1000000) r = 1000000;
      c->axis_count = 1;
      c->rate_millihz = r;
      c->scale = 1.0f;
      set_axis(&c->axes[0], "light", "raw");
      break;
    }
    default:
      return TML_ERR_UNSUPPORTED;
  }
  g_port.config = *c;
  return TML_OK;
}

int op_start(void*) {
  g_port.start_us = now_us();
  g_port.produced = 0;
  switch (g_port.config.sensor) {
    case TML_SENSOR_ACCEL:
      // High resolution, +-4 g, block data update; the 32-sample FIFO in stream mode absorbs loop jitter.
      if (wio_hw_i2c_write(kAccelAddr, kCtrlReg4, 0x80 | 0x10 | 0x08) || wio_hw_i2c_write(kAccelAddr, kCtrlReg5, 0x40) ||
          wio_hw_i2c_write(kAccelAddr, kFifoCtrl, 0x00) || wio_hw_i2c_write(kAccelAddr, kFifoCtrl, 0x80) ||
          wio_hw_i2c_write(kAccelAddr, kCtrlReg1, wio_lis3dh_ctrl_reg1(g_port.config.rate_millihz)))
        return TML_ERR_IO;
      return TML_OK;
    case TML_SENSOR_MIC:
      g_mic_tail = g_mic_head;
      g_mic_overrun_seen = g_mic_overrun_total;
      wio_hw_mic_start(kMicRate);
      return TML_OK;
    default:
      return TML_OK;
  }
}

int op_stop(void*) {
  if (g_port.config.sensor == TML_SENSOR_ACCEL) return wio_hw_i2c_write(kAccelAddr, kCtrlReg1, 0x00) ? TML_ERR_IO : TML_OK;
  if (g_port.config.sensor == TML_SENSOR_MIC) wio_hw_mic_stop();
  return TML_OK;
}

int read_accel(int16_t* out, size_t max_rows, uint32_t* dropped) {
  uint8_t src = 0;
  if (wio_hw_i2c_read(kAccelAddr, kFifoSrc, &src, 1)) return TML_ERR_IO;
  size_t rows = src & 0x1Fu;
  if (src & 0x40u) {  // FIFO overrun: rows were overwritten; how many follows from the clock
    const uint64_t due = due_rows();
    const uint64_t seen = g_port.produced + 32;
    *dropped = due > seen ? static_cast<uint32_t>(due - seen) : 1;
    rows = 32;
  }
  if (rows > max_rows) rows = max_rows;
  if (rows && wio_hw_i2c_read(kAccelAddr, kOutXL | kAutoIncrement, reinterpret_cast<uint8_t*>(out), rows * 6)) return TML_ERR_IO;
  return static_cast<int>(rows);
}

int read_mic(int16_t* out, size_t max_rows, uint32_t* dropped) {
  uint32_t end = g_mic_head;
  const uint32_t total = g_mic_overrun_total;
  if (total != g_mic_overrun_seen) {  // a loss is pending: first hand out what came before it
    if (g_mic_tail == g_mic_gap_pos) {
      *dropped = total - g_mic_overrun_seen;
      g_mic_overrun_seen = total;
    } else {
      end = g_mic_gap_pos;
    }
  }
  size_t rows = 0;
  while (g_mic_tail != end && rows < max_rows) out[rows++] = g_mic[g_mic_tail++ % kMicRing];
  return static_cast<int>(rows);
}

int read_light(int16_t* out, size_t max_rows, uint32_t* dropped) {
  uint64_t due = due_rows();
  if (due > g_port.produced + 1000) {  // the loop stalled for long: say so instead of inventing rows
    *dropped = static_cast<uint32_t>(due - g_port.produced);
    g_port.produced = due;
  }
  size_t rows = 0;
  while (g_port.produced + rows < due && rows < max_rows) out[rows++] = static_cast<int16_t>(wio_hw_light_read());
  return static_cast<int>(rows);
}

int op_read(void*, void* out, size_t max_rows, uint32_t* dropped) {
  *dropped = 0;
  int rows;
  switch (g_port.config.sensor) {
    case TML_SENSOR_ACCEL: rows = read_accel(static_cast<int16_t*>(out), max_rows, dropped); break;
    case TML_SENSOR_MIC: rows = read_mic(static_cast<int16_t*>(out), max_rows, dropped); break;
    default: rows = read_light(static_cast<int16_t*>(out), max_rows, dropped); break;
  }
  if (rows > 0) g_port.produced += static_cast<uint64_t>(rows);
  g_port.produced += *dropped;
  return rows;
}

#ifdef TML_WITH_MODEL
tml_model g_model;
alignas(16) uint8_t g_arena[TML_MODEL_ARENA_SIZE];
#ifdef TML_MODEL_INFERENCE_BUFFER_SIZE  // headers since the front ends: the window, or the audio frames
float g_window[(TML_MODEL_INFERENCE_BUFFER_SIZE + 3) / 4];
#else
float g_window[TML_MODEL_WINDOW_ROWS * TML_MODEL_AXIS_COUNT];
#endif
#if defined(TML_MODEL_FEATURES_KIND) && TML_MODEL_FEATURES_KIND
// The front end is linked only when something refers to it (model.cc and inference.cc refer to it
// weakly): this model needs it.
__attribute__((used)) int (*volatile g_keep_front_end)(const tml_model*, const float*, size_t, void*, size_t,
                                 int8_t*) = tml_model_prepare_features;
#endif
tml_inference g_inference;
#endif

}  // namespace
}  // namespace tml::wio

using namespace tml::wio;

extern "C" uint32_t wio_lis3dh_nearest_rate_millihz(uint32_t rate_millihz) {
  uint32_t best = kOdr[0].millihz;
  for (const auto& o : kOdr) {
    const uint32_t d = o.millihz > rate_millihz ? o.millihz - rate_millihz : rate_millihz - o.millihz;
    const uint32_t db = best > rate_millihz ? best - rate_millihz : rate_millihz - best;
    if (d < db) best = o.millihz;
  }
  return best;
}

extern "C" uint8_t wio_lis3dh_ctrl_reg1(uint32_t rate_millihz) {
  for (const auto& o : kOdr)
    if (o.millihz == rate_millihz) return static_cast<uint8_t>((o.bits << 4) | 0x07);
  return 0x57;  // 100 Hz
}

extern "C" float wio_lis3dh_scale(void) {
  // High-resolution mode at +-4 g: 2 mg per 12-bit digit, the digit left-justified in 16 bits.
  return 2.0e-3f / 16.0f * 9.80665f;
}

extern "C" int16_t wio_mic_pcm(uint16_t adc) {
  const int32_t centred = (static_cast<int32_t>(adc & 0x0FFFu) - 2048) * 16;
  return static_cast<int16_t>(centred > 32767 ? 32767 : centred);
}

extern "C" uint32_t wio_mic_blocks_lost(uint32_t elapsed_us, uint32_t block_us, int other_half) {
  // The whole number of blocks, of the parity the double buffer says (odd when the other half arrived),
  // nearest to elapsed / block - 1: interrupt jitter of up to a block cannot change the count.
  if (block_us == 0) return other_half ? 1u : 0u;
  const int64_t e = elapsed_us, b = block_us;
  int64_t n = (e + b / 2) / b - 1;  // the rounded estimate
  if (n < 0) n = 0;
  if ((n & 1) != (other_half ? 1 : 0)) {
    // The neighbours of the right parity are n - 1 and n + 1: the nearer to e / b - 1 (above n when e > (n + 1) b).
    if (n == 0 || e > (n + 1) * b)
      ++n;
    else
      --n;
  }
  return static_cast<uint32_t>(n);
}

extern "C" void wio_port_mic_block(const uint16_t* adc, size_t n, uint32_t lost) {
  uint32_t head = g_mic_head;
  uint32_t dropped = lost;
  for (size_t i = 0; i < n; ++i) {
    if (head - g_mic_tail >= kMicRing) {  // full: the loop fell behind; the rest of the block is lost
      dropped += static_cast<uint32_t>(n - i);
      break;
    }
    if (dropped) {  // a loss before this sample: it sits at this point of the stream
      if (g_mic_overrun_total == g_mic_overrun_seen) g_mic_gap_pos = head;
      g_mic_overrun_total = g_mic_overrun_total + dropped;
      dropped = 0;
    }
    g_mic[head % kMicRing] = wio_mic_pcm(adc[i]);
    g_mic_head = ++head;
  }
  if (dropped) {
    if (g_mic_overrun_total == g_mic_overrun_seen) g_mic_gap_pos = head;
    g_mic_overrun_total = g_mic_overrun_total + dropped;
  }
}

extern "C" void wio_port_setup(void) {
  wio_hw_init();
  g_port.last_micros = wio_hw_micros();
  uint8_t who = 0;
  g_port.accel_present = wio_hw_i2c_read(kAccelAddr, kWhoAmI, &who, 1) == 0 && who == kWhoAmIValue;
  const uint8_t sensors = static_cast<uint8_t>((g_port.accel_present ? 1u << TML_SENSOR_ACCEL : 0u) | (1u << TML_SENSOR_MIC) |
                                               (1u << TML_SENSOR_LIGHT));
  const tml_board_ops ops = {nullptr, op_write, op_read_byte, op_configure, op_start, op_stop, op_read};
  const tml_device_identity id = {"wio-terminal", TML_FIRMWARE_VERSION, sensors,
                                  static_cast<uint8_t>(g_port.accel_present ? TML_SENSOR_ACCEL : TML_SENSOR_MIC), 0, 0};
  if (tml_device_init(&g_port.device, &ops, &id) != TML_OK) return;
#ifdef TML_WITH_MODEL
  // Inference cost in microseconds of the board's clock.
  if (tml_model_init(&g_model, tml_model_blob, sizeof tml_model_blob) == TML_OK &&
      tml_inference_init(&g_inference, &g_model, g_arena, sizeof g_arena, g_window, sizeof g_window,
                         TML_MODEL_STRIDE_ROWS, nullptr, wio_hw_micros, nullptr) == TML_OK)
    tml_device_attach_model(&g_port.device, &g_inference, TML_MODEL_SENSOR, TML_MODEL_SAMPLE_RATE_MILLIHZ, 1);
  else
    tml_device_log(&g_port.device, "the model blob is invalid: running without it");
#endif
}

extern "C" void wio_port_loop(void) {
  // A failed USB write means the host has gone; the device keeps its state and the next host starts
  // with STOP and HELLO, so there is nothing to undo here.
  (void)tml_device_poll(&g_port.device);
}
