// Every message exchanged between a board and the host: type numbers and payload layouts.
//
// All multi-byte fields are little-endian (both the Cortex-M4 and the host are). Payload structs are
// laid out with natural alignment and no implicit padding (checked below), but a received payload may
// sit at any address: copy it into the struct with memcpy before reading fields. Byte-by-byte layouts
// and the conversation rules are in docs/protocol.md.
#ifndef TML_PROTOCOL_MESSAGES_H
#define TML_PROTOCOL_MESSAGES_H

#include <stddef.h>
#include <stdint.h>

#include "tml/protocol/frame.h"

#ifdef __cplusplus
extern "C" {
#endif

// Bumped when a message layout changes incompatibly; the session header carries it.
#define TML_PROTOCOL_VERSION 1

typedef enum tml_msg_type {
  // host -> board (commands; each is answered by TML_MSG_ACK carrying the command frame's seq)
  TML_MSG_HELLO = 0x01,       // empty: "who are you?" -> ACK, then TML_MSG_SESSION
  TML_MSG_SET_SENSOR = 0x02,  // tml_msg_set_sensor -> ACK, then TML_MSG_SESSION
  TML_MSG_SET_RATE = 0x03,    // tml_msg_set_rate -> ACK, then TML_MSG_SESSION
  TML_MSG_START = 0x04,       // empty or tml_msg_start: start streaming -> ACK, SESSION, SAMPLES...
  TML_MSG_STOP = 0x05,        // empty: stop streaming -> ACK
  TML_MSG_SET_DETECT = 0x06,  // tml_detect_params (tml/detect.h): smoothing of detections -> ACK
  // board -> host
  TML_MSG_SESSION = 0x81,     // tml_msg_session: what the board is and what it streams
  TML_MSG_SAMPLES = 0x82,     // tml_msg_samples header, then count * axis_count values
  TML_MSG_ACK = 0x83,         // tml_msg_ack: result of a command
  TML_MSG_LOG = 0x84,         // UTF-8 text, not NUL-terminated: diagnostics for the user
  TML_MSG_PREDICTION = 0x85,  // tml_msg_prediction header, then class_count int8 scores, then with
                              // TML_PREDICTION_FLAG_VALUES a u8 count and that many f32 values, then
                              // with TML_PREDICTION_FLAG_ANOMALY a tml_msg_anomaly
  TML_MSG_DETECTION = 0x86,   // tml_msg_detection: a keyword or event, from the smoothed predictions
} tml_msg_type;

typedef enum tml_sensor {
  TML_SENSOR_NONE = 0,
  TML_SENSOR_ACCEL = 1,  // accelerometer, 3 axes
  TML_SENSOR_MIC = 2,    // microphone, 1 axis, 16 kHz int16 PCM
  TML_SENSOR_LIGHT = 3,  // light sensor, 1 axis
  TML_SENSOR_COUNT = 4,
} tml_sensor;

typedef enum tml_sample_format {
  TML_FORMAT_I16 = 1,  // int16; physical value = raw * scale
  TML_FORMAT_F32 = 2,  // IEEE-754 float32 in physical units; scale is 1
} tml_sample_format;

// Bytes per value of a sample format; 0 for an unknown format.
size_t tml_sample_format_size(uint8_t format);
// "accelerometer", "microphone", "light", or "unknown".
const char* tml_sensor_name(uint8_t sensor);

#define TML_MAX_AXES 8
#define TML_NAME_LEN 16  // board and firmware names, NUL-padded (not necessarily terminated)
#define TML_AXIS_NAME_LEN 8

typedef struct tml_axis {
  char name[TML_AXIS_NAME_LEN];  // "accx", NUL-padded
  char unit[TML_AXIS_NAME_LEN];  // "m/s2", NUL-padded
} tml_axis;

// TML_MSG_SESSION: sent at boot, after HELLO, after any configuration change and when streaming starts.
// The host takes rate, axes and format from here and never guesses them from timing.
typedef struct tml_msg_session {
  uint8_t protocol_version;      // TML_PROTOCOL_VERSION
  uint8_t sensor;                // tml_sensor now selected
  uint8_t sample_format;         // tml_sample_format of its values
  uint8_t axis_count;            // 1 .. TML_MAX_AXES
  uint32_t rate_millihz;         // sample rate in mHz, exact (104 Hz = 104000)
  float scale;                   // physical units per raw unit (1 for F32)
  uint16_t samples_per_message;  // values rows in a full TML_MSG_SAMPLES
  uint8_t streaming;             // 1 while SAMPLES flow
  uint8_t sensors_available;     // bit (1 << tml_sensor) for each sensor this board has
  uint32_t model_hash;           // hash of the model the board runs, 0 when none
  uint32_t flags;                // TML_SESSION_FLAG_*
  char board[TML_NAME_LEN];      // "wio-terminal", "mps2-an386"
  char firmware[TML_NAME_LEN];   // firmware version, "0.1.0"
  tml_axis axes[TML_MAX_AXES];   // the first axis_count are meaningful
} tml_msg_session;

#define TML_SESSION_FLAG_REPLAY 0x1u    // the sensor replays a recording (emulated board)
#define TML_SESSION_FLAG_UNPACED 0x2u   // samples are sent as fast as the link allows, not in real time
#define TML_SESSION_FLAG_INFERENCE 0x4u  // the board classifies the stream and sends predictions

// TML_MSG_SET_SENSOR
typedef struct tml_msg_set_sensor {
  uint8_t sensor;  // tml_sensor
  uint8_t reserved[3];
} tml_msg_set_sensor;

// TML_MSG_SET_RATE: the board picks the nearest rate its sensor supports and reports it in SESSION.
typedef struct tml_msg_set_rate {
  uint32_t rate_millihz;
} tml_msg_set_rate;

// TML_MSG_START. The payload may be empty (rows = 0, flags = SAMPLES) or hold only `rows` (4 bytes).
typedef struct tml_msg_start {
  uint32_t rows;   // stream exactly this many rows, then stop and send SESSION (streaming = 0); 0 = until STOP
  uint32_t flags;  // TML_START_*: what to send while streaming
} tml_msg_start;

#define TML_START_SAMPLES 0x1u  // send the rows (TML_MSG_SAMPLES)
#define TML_START_PREDICT 0x2u  // classify windows with the board's model (TML_MSG_PREDICTION); boards
                                // without a model refuse it (TML_ERR_UNSUPPORTED)

// TML_MSG_SAMPLES: this header, then `count` rows of `axis_count` values each, row-major, in the
// session's sample format.
typedef struct tml_msg_samples {
  uint32_t first_index;  // index of the first row since streaming started (0, then continuous)
  uint16_t count;        // rows in this message
  uint8_t sensor;        // tml_sensor
  uint8_t sample_format; // tml_sample_format
} tml_msg_samples;

// Largest number of value bytes one SAMPLES message can carry.
#define TML_SAMPLES_MAX_DATA (TML_FRAME_MAX_PAYLOAD - sizeof(tml_msg_samples))

// TML_MSG_ACK
typedef struct tml_msg_ack {
  uint32_t command_seq;  // seq of the command frame this answers
  uint8_t command_type;  // its tml_msg_type
  uint8_t reserved;
  int16_t status;        // tml_status
} tml_msg_ack;

// TML_MSG_PREDICTION: this header, then class_count int8 scores (the model's quantized output, its
// class head), then, when flags has TML_PREDICTION_FLAG_VALUES, one u8 value count and that many
// float32 little-endian values (the value heads in their real units, tml_model_values; at any
// alignment: copy them out), then, when flags has TML_PREDICTION_FLAG_ANOMALY, a tml_msg_anomaly. A
// model without an anomaly block or value heads sends the same bytes as before the flags existed
// (flags 0, nothing after the scores).
typedef struct tml_msg_prediction {
  uint32_t first_index;   // sample index of the window's first row (as in TML_MSG_SAMPLES)
  uint32_t cost;          // instructions (emulated board) or microseconds (hardware) of the inference
  uint8_t class_count;    // 0 for an anomaly detector without classes
  uint8_t top;            // index of the highest score (0 without classes)
  uint8_t cost_unit;      // 0 = instructions, 1 = microseconds
  uint8_t flags;          // TML_PREDICTION_FLAG_* (was reserved, 0)
} tml_msg_prediction;

#define TML_PREDICTION_FLAG_ANOMALY 0x1u  // a tml_msg_anomaly follows the scores (and the values)
#define TML_PREDICTION_FLAG_VALUES 0x2u   // a u8 count and that many f32 values follow the scores

// The anomaly score of the window (tml/anomaly.h), after the scores of a TML_MSG_PREDICTION.
typedef struct tml_msg_anomaly {
  int32_t score;      // Q16: real score = score / 65536
  int32_t threshold;  // Q16, the model's
  int16_t cluster;    // K-means: the nearest centre; autoencoder: -1
  uint8_t anomalous;  // 1 when score > threshold
  uint8_t reserved;
} tml_msg_anomaly;

// TML_MSG_DETECTION: the board's detector (tml/detect.h) found `label` in the predictions: its score
// averaged over the last `windows` windows reached the threshold (outside the suppression time).
typedef struct tml_msg_detection {
  uint32_t index;    // stream index just past the last row of the window that triggered it
  uint8_t label;     // class index
  uint8_t score;     // the averaged score, 0 .. 255 (int8 score + 128)
  uint8_t windows;   // windows averaged
  uint8_t reserved;
} tml_msg_detection;

#ifdef __cplusplus
}  // extern "C"

static_assert(sizeof(tml_msg_detection) == 8, "detection layout");
static_assert(sizeof(tml_axis) == 16, "tml_axis layout");
static_assert(sizeof(tml_msg_session) == 24 + 2 * TML_NAME_LEN + TML_MAX_AXES * sizeof(tml_axis), "session layout");
static_assert(offsetof(tml_msg_session, rate_millihz) == 4, "session layout");
static_assert(offsetof(tml_msg_session, scale) == 8, "session layout");
static_assert(offsetof(tml_msg_session, samples_per_message) == 12, "session layout");
static_assert(offsetof(tml_msg_session, model_hash) == 16, "session layout");
static_assert(offsetof(tml_msg_session, flags) == 20, "session layout");
static_assert(offsetof(tml_msg_session, board) == 24, "session layout");
static_assert(offsetof(tml_msg_session, axes) == 56, "session layout");
static_assert(sizeof(tml_msg_session) == 184, "session layout");
static_assert(sizeof(tml_msg_set_sensor) == 4, "set_sensor layout");
static_assert(sizeof(tml_msg_set_rate) == 4, "set_rate layout");
static_assert(sizeof(tml_msg_start) == 8, "start layout");
static_assert(sizeof(tml_msg_samples) == 8, "samples layout");
static_assert(sizeof(tml_msg_ack) == 8, "ack layout");
static_assert(sizeof(tml_msg_prediction) == 12, "prediction layout");
static_assert(offsetof(tml_msg_prediction, flags) == 11, "prediction layout");
static_assert(sizeof(tml_msg_anomaly) == 12, "anomaly layout");
static_assert(offsetof(tml_msg_anomaly, cluster) == 8, "anomaly layout");
static_assert(sizeof(float) == 4, "float32");
#endif

#endif  // TML_PROTOCOL_MESSAGES_H
