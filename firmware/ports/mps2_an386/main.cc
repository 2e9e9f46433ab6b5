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
#include <cstring>

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
#ifdef TML_MODEL_DETECT_AVERAGE  // headers since the detector: detections with the exported defaults
tml_detector g_detector;
#endif

uint32_t instructions() { return static_cast<uint32_t>(now_ticks() * 40u); }
#endif

int op_start(void*) { return g_sensors.start(); }
int op_stop(void*) { return g_sensors.stop(); }
int op_read(void*, void* out, size_t max_rows, uint32_t* dropped) {
  *dropped = 0;  // replay reads on demand: nothing is ever dropped
  return g_sensors.read(out, max_rows);
}

// Splits the command line in place at spaces and applies each option (the first word is the program
// name; words it does not know are ignored).
int apply_cmdline(uint32_t* flags) {
  if (semihost_cmdline(g_cmdline, sizeof g_cmdline) != 0) return 0;
  static const struct {
    const char* prefix;
    uint8_t sensor;
  } kReplay[] = {{"--accel=", TML_SENSOR_ACCEL}, {"--mic=", TML_SENSOR_MIC}, {"--light=", TML_SENSOR_LIGHT}};
  char* cursor = g_cmdline;
  while (char* word = semihost_next_word(&cursor)) {
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

  const tml_board_ops ops = {nullptr, op_write, op_read_byte, op_configure, op_start, op_stop, op_read};
  const tml_device_identity id = {"mps2-an386", TML_FIRMWARE_VERSION, available, default_sensor, flags, 0};
  int s = tml_device_init(&g_device, &ops, &id);
#ifdef TML_MODEL_HEADER
  if (s == TML_OK) {
    if (tml_model_init(&g_model, tml_model_blob, sizeof tml_model_blob) == TML_OK &&
        tml_inference_init(&g_inference, &g_model, g_arena, sizeof g_arena, g_window, sizeof g_window,
                           TML_MODEL_STRIDE_ROWS, nullptr, instructions, nullptr) == TML_OK) {
      s = tml_device_attach_model(&g_device, &g_inference, TML_MODEL_SENSOR, TML_MODEL_SAMPLE_RATE_MILLIHZ, 0);
#ifdef TML_MODEL_DETECT_AVERAGE
      const tml_detect_params detect = {TML_DETECT_VERSION, TML_MODEL_DETECT_AVERAGE, TML_MODEL_DETECT_THRESHOLD, 0,
                                        TML_MODEL_DETECT_SUPPRESSION_ROWS, TML_MODEL_DETECT_IGNORE};
      if (s == TML_OK && tml_detector_init(&g_detector, &detect, TML_MODEL_CLASS_COUNT) == TML_OK)
        s = tml_device_attach_detector(&g_device, &g_detector);
#endif
    } else {
      tml_device_log(&g_device, "the model blob is invalid: running without it");
    }
  }
#endif
  while (s == TML_OK) s = tml_device_poll(&g_device);
  semihost_write0("tml-mps2: link error, stopping\n");
  return 1;
}
