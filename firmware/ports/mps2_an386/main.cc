// The emulated board's firmware: the shared device core over UART0, with replaying sensors.
//
// QEMU passes the firmware's command line through semihosting (-semihosting-config ...,arg=...):
//   --accel=PATH --mic=PATH --light=PATH   replay files (tml replay format) for each sensor
//   --unpaced                              send rows as fast as the link takes them, not in real time
// `tml` (tools/lib/emulator) builds this command line; see docs/emulator.md.
//
// Built with -DTML_MODEL_HEADER="path/model.h" (what `tml flash --board sim` does), the firmware also
// carries that model and, when a stream is started with TML_START_PREDICT, classifies every window of the
// live sensor stream and sends a prediction with its cost in instructions (exact under QEMU's
// -icount shift=0).
#include <string.h>

#include "board.h"
#include "replay_sensor.h"
#include "semihosting.h"
#include "tml/device.h"
#include "tml/inference.h"

#ifdef TML_MODEL_HEADER
#include TML_MODEL_HEADER
#endif

#ifndef TML_FIRMWARE_VERSION
#define TML_FIRMWARE_VERSION "0.1.0"
#endif

namespace tml::mps2 {
namespace {

Sensors g_sensors;
tml_device g_device;
char g_cmdline[1024];

int op_write(void*, const uint8_t* data, size_t len) { return uart_write(data, len); }
int op_read_byte(void*) { return uart_read_byte(); }
int op_configure(void*, uint8_t sensor, uint32_t rate, tml_sensor_config* c) {
  return g_sensors.configure(sensor, rate, c);
}
#ifdef TML_MODEL_HEADER
tml_model g_model;
bool g_model_ok = false;
alignas(16) uint8_t g_arena[TML_MODEL_ARENA_SIZE];
float g_window[TML_MODEL_WINDOW_ROWS * TML_MODEL_AXIS_COUNT];
tml_inference g_inference;

uint32_t instructions() { return static_cast<uint32_t>(now_ticks() * 40u); }

void on_result(void*, uint32_t first_index, const int8_t* scores, uint32_t count, uint32_t top, uint32_t cost) {
  tml_device_send_prediction(&g_device, first_index, scores, count, top, cost, 0);
}

void on_rows(void*, uint32_t first_index, const void* rows, size_t count) {
  if (!(g_device.start_flags & TML_START_PREDICT)) return;
  const int s = tml_inference_push(&g_inference, first_index, rows, static_cast<uint32_t>(count),
                                   g_device.config.sample_format, g_device.config.axis_count, g_device.config.scale);
  if (s != TML_OK) tml_device_log(&g_device, "inference failed");
}

// Predictions only make sense for the sensor, axes and rate the model was trained on.
int check_model_stream() {
  const tml_sensor_config& c = g_device.config;
  if (!g_model_ok) return TML_ERR_UNSUPPORTED;
  if (c.sensor != TML_MODEL_SENSOR || c.axis_count != TML_MODEL_AXIS_COUNT ||
      c.rate_millihz != TML_MODEL_SAMPLE_RATE_MILLIHZ) {
    tml_device_log(&g_device, "the model was trained on another sensor, axis count or sample rate");
    return TML_ERR_UNSUPPORTED;
  }
  tml_inference_reset(&g_inference);
  return TML_OK;
}
#endif

int op_start(void*) {
#ifdef TML_MODEL_HEADER
  if (g_device.start_flags & TML_START_PREDICT) {
    if (int s = check_model_stream()) return s;
  }
#endif
  return g_sensors.start();
}
int op_stop(void*) { return g_sensors.stop(); }
int op_read(void*, void* out, size_t max_rows, uint32_t* dropped) {
  *dropped = 0;  // replay reads on demand: nothing is ever dropped
  return g_sensors.read(out, max_rows);
}

// Splits the command line in place at spaces and applies each option; unknown ones are reported.
int apply_cmdline(uint32_t* flags) {
  if (semihost_cmdline(g_cmdline, sizeof g_cmdline) != 0) return 0;
  static const struct {
    const char* prefix;
    uint8_t sensor;
  } kReplay[] = {{"--accel=", TML_SENSOR_ACCEL}, {"--mic=", TML_SENSOR_MIC}, {"--light=", TML_SENSOR_LIGHT}};
  char* p = g_cmdline;
  while (*p) {
    while (*p == ' ') ++p;
    char* word = p;
    while (*p && *p != ' ') ++p;
    if (*p) *p++ = '\0';
    if (!*word) break;
    if (!strcmp(word, "--unpaced")) {
      *flags |= TML_SESSION_FLAG_UNPACED;
      g_sensors.set_unpaced(true);
      continue;
    }
    for (const auto& r : kReplay) {
      const size_t n = strlen(r.prefix);
      if (strncmp(word, r.prefix, n) != 0) continue;
      if (g_sensors.attach(r.sensor, word + n) != TML_OK) {
        semihost_write0("tml-mps2: cannot replay ");
        semihost_write0(word + n);
        semihost_write0("\n");
        return 2;
      }
      *flags |= TML_SESSION_FLAG_REPLAY;
    }
  }
  return 0;
}

}  // namespace
}  // namespace tml::mps2

int main() {
  using namespace tml::mps2;
  board_init();
  uint32_t flags = 0;
  if (int s = apply_cmdline(&flags)) return s;

  const uint8_t available = g_sensors.available();
  uint8_t default_sensor = TML_SENSOR_LIGHT;
  if (available & (1u << TML_SENSOR_ACCEL))
    default_sensor = TML_SENSOR_ACCEL;
  else if (available & (1u << TML_SENSOR_MIC))
    default_sensor = TML_SENSOR_MIC;

  tml_board_ops ops = {nullptr, op_write, op_read_byte, op_configure, op_start, op_stop, op_read, nullptr};
  uint32_t model_hash = 0;
#ifdef TML_MODEL_HEADER
  g_model_ok = tml_model_init(&g_model, tml_model_blob, sizeof tml_model_blob) == TML_OK &&
               tml_inference_init(&g_inference, &g_model, g_arena, sizeof g_arena, g_window, sizeof g_window,
                                  TML_MODEL_STRIDE_ROWS, on_result, instructions, nullptr) == TML_OK;
  if (g_model_ok) {
    model_hash = g_model.header.hash;
    flags |= TML_SESSION_FLAG_INFERENCE;
    ops.on_rows = on_rows;
  } else {
    semihost_write0("tml-mps2: the model blob is invalid; running without it\n");
  }
#endif
  const tml_device_identity id = {"mps2-an386", TML_FIRMWARE_VERSION, available, default_sensor, flags, model_hash};
  int s = tml_device_init(&g_device, &ops, &id);
  while (s == TML_OK) s = tml_device_poll(&g_device);
  semihost_write0("tml-mps2: link error, stopping\n");
  return 1;
}
