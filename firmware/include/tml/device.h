// The board's side of the protocol: the command loop and sample streaming, shared by every board port.
//
// A port fills a tml_board_ops table (link I/O and sensors), calls tml_device_init() once, then calls
// tml_device_poll() forever. The core answers commands (HELLO, SET_SENSOR, SET_RATE, START, STOP) with an
// ACK, sends the session header at boot, after HELLO, after every configuration change and when
// streaming starts, and while streaming moves sensor rows into SAMPLES messages, numbering every row
// from 0 since START. The port decides how rows become ready: paced by a timer (real time) or as fast as
// the link takes them (TML_SESSION_FLAG_UNPACED).
//
// No heap: the whole state, including the frame buffers, lives in the caller's tml_device.
#ifndef TML_DEVICE_H
#define TML_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "tml/detect.h"
#include "tml/inference.h"
#include "tml/protocol/frame.h"
#include "tml/protocol/messages.h"

#ifdef __cplusplus
extern "C" {
#endif

// What a sensor streams once configured.
typedef struct tml_sensor_config {
  uint8_t sensor;         // tml_sensor
  uint8_t sample_format;  // tml_sample_format
  uint8_t axis_count;     // 1 .. TML_MAX_AXES
  uint8_t reserved;
  uint32_t rate_millihz;  // the rate the sensor really runs at
  float scale;            // physical units per raw unit
  tml_axis axes[TML_MAX_AXES];
} tml_sensor_config;

typedef struct tml_board_ops {
  void* ctx;  // passed back to every call
  // Sends all `len` bytes, blocking until done. Returns TML_OK or a negative status.
  int (*write)(void* ctx, const uint8_t* data, size_t len);
  // The next received byte (0..255), or -1 when none is waiting. Must not block.
  int (*read_byte)(void* ctx);
  // Selects `sensor` at (the supported rate nearest to) `rate_millihz`, 0 meaning the sensor's default,
  // and describes the result in *config. TML_ERR_UNSUPPORTED if the board has no such sensor.
  int (*sensor_configure)(void* ctx, uint8_t sensor, uint32_t rate_millihz, tml_sensor_config* config);
  // Starts and stops sampling. After start, rows are counted from 0.
  int (*sensor_start)(void* ctx);
  int (*sensor_stop)(void* ctx);
  // Copies up to `max_rows` ready rows (axis_count values each, row-major, in the sample format) into
  // `out` (aligned for the sample format). Returns the number of rows copied (0 when none is ready yet) or a negative status. If the
  // sensor had to drop rows before these (its buffer overflowed because the link was too slow), it says
  // how many in *dropped: the device skips their indices, so the host sees the gap and counts the loss.
  int (*sensor_read)(void* ctx, void* out, size_t max_rows, uint32_t* dropped);
} tml_board_ops;

typedef struct tml_device_identity {
  const char* board;        // "mps2-an386", "wio-terminal" (at most TML_NAME_LEN bytes are sent)
  const char* firmware;     // firmware version
  uint8_t sensors_available;  // bit (1 << tml_sensor) per sensor
  uint8_t default_sensor;   // selected at boot
  uint32_t flags;           // TML_SESSION_FLAG_REPLAY / _UNPACED / _INFERENCE
  uint32_t model_hash;      // hash of the model the firmware carries, 0 when none
} tml_device_identity;

// Commands are small: their payloads never exceed this.
#define TML_DEVICE_MAX_COMMAND_PAYLOAD 32

typedef struct tml_device {
  tml_board_ops ops;
  tml_device_identity id;
  tml_sensor_config config;
  uint8_t streaming;
  uint16_t rows_per_message;
  uint16_t rows_pending;  // rows in sample_words not yet sent
  uint32_t next_index;    // index of the first pending row
  uint32_t row_limit;     // rows to stream before stopping by itself; 0 = until STOP
  uint32_t start_flags;   // TML_START_* of the stream in progress
  tml_inference* inference;   // the model the board runs (tml_device_attach_model), or null
  uint8_t model_sensor;       // what the model was trained on
  uint8_t cost_unit;          // unit of the inference clock: 0 instructions, 1 microseconds
  uint32_t model_rate_millihz;
  uint32_t tx_seq;
  tml_frame_decoder rx;
  uint8_t rx_buf[TML_FRAME_RAW_SIZE(TML_DEVICE_MAX_COMMAND_PAYLOAD)];
  uint8_t tx_buf[TML_FRAME_ENCODED_MAX(TML_FRAME_MAX_PAYLOAD)];
  // Rows waiting to be sent. Word storage: the buffer (and every row in it) is 4-byte aligned, so a
  // port may store float rows directly (Cortex-M4 faults on unaligned floating-point stores).
  uint32_t sample_words[(TML_SAMPLES_MAX_DATA + 3) / 4];
  tml_detector* detector;  // smooths the predictions into TML_MSG_DETECTION (tml_device_attach_detector), or null
} tml_device;

// Rows per SAMPLES message for a configuration: the most that fit when unpaced (throughput), otherwise
// about 25 messages per second (latency), never fewer than 1.
uint16_t tml_device_rows_per_message(const tml_sensor_config* config, int unpaced);

// Sets up the device, configures the default sensor and announces itself (a lone 0x00, then SESSION).
int tml_device_init(tml_device* d, const tml_board_ops* ops, const tml_device_identity* id);

// Gives the device a model to run (an initialised tml_inference; its result callback and context are
// taken over). The session then reports the model's hash and the inference flag, and a START with
// TML_START_PREDICT classifies every window of the stream and sends TML_MSG_PREDICTION messages. Such a
// START is refused (TML_ERR_UNSUPPORTED, with a LOG saying why) unless the selected sensor, its axis
// count and its rate are those the model was trained on. Call after tml_device_init.
int tml_device_attach_model(tml_device* d, tml_inference* inference, uint8_t sensor, uint32_t rate_millihz,
                            uint8_t cost_unit);

// Gives the device a detector (initialised with tml_detector_init for the model's classes): every
// prediction then also goes through it, and each detection is sent as TML_MSG_DETECTION. A START with
// TML_START_PREDICT resets it; TML_MSG_SET_DETECT sets new parameters (refused while streaming). Call
// after tml_device_attach_model.
int tml_device_attach_detector(tml_device* d, tml_detector* detector);

// One turn of the loop: handles every received byte, then moves ready rows out. Returns TML_OK or the
// first negative status of the link.
int tml_device_poll(tml_device* d);

// Sends a message from the board (any type, any payload up to TML_FRAME_MAX_PAYLOAD).
int tml_device_send(tml_device* d, uint8_t type, const tml_bytes* parts, size_t part_count);

// Sends the session header describing the current state.
int tml_device_send_session(tml_device* d);

// Sends a TML_MSG_LOG text.
int tml_device_log(tml_device* d, const char* text);

// Sends a TML_MSG_PREDICTION: the window starting at stream row `first_index`, the model's int8 class
// scores (count may be 0; scores may then be NULL), the top class, what the inference cost (`cost_unit`:
// 0 instructions, 1 microseconds), when value_count > 0 the value heads' `values`
// (TML_PREDICTION_FLAG_VALUES) and, when `anomaly` is not NULL, the window's anomaly score
// (tml_msg_anomaly). TML_ERR_ARG for more than 255 scores or values, a top out of range, or a NULL
// array with a non-zero count.
int tml_device_send_prediction(tml_device* d, uint32_t first_index, const int8_t* scores, uint32_t count, uint32_t top,
                               uint32_t cost, uint8_t cost_unit, const float* values, uint32_t value_count,
                               const tml_anomaly_result* anomaly);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // TML_DEVICE_H
