// Live inference over a sensor stream: slides a window of the model's length over incoming rows with a
// fixed stride, and for every complete window computes the model's front end (if it has one),
// normalises, quantizes and runs the model with the firmware's own kernels, and scores the window with
// the model's anomaly block (if it has one). The host evaluates windows with the very same functions
// (tml_model_prepare_features, tml_model_run, tml_model_anomaly), so the board's scores equal the
// host's, bit for bit.
//
// A model with a front end (tml/features.h) takes the raw stream: window_rows and axes are then the
// front end's raw_rows and raw_axes, and the stride is in raw rows. An audio front end (MFE, MFCC) works
// frame by frame: every hop of samples completes one feature frame, computed once (tml_audio_frame) into
// a ring of the last input_time frames, and every stride (a multiple of the hop) the ring is the
// network input -- the same numbers tml_features_run computes on the whole raw window, bit for bit, so
// the host checks the board with tml_model_prepare_features on the window's samples. A spectral front end
// keeps the raw window and runs tml_model_prepare_features on it.
//
// Rows arrive as the sensor produces them (int16 with a scale, or float32); each value becomes the
// physical value raw * scale in single precision, exactly as the host stores captured data. A window
// starts at row index k * stride (k = 0, 1, ...) counted from the start of the stream.
//
// No heap: the caller owns the window buffer (tml_inference_buffer_size) and the model's arena.
#ifndef TML_INFERENCE_H
#define TML_INFERENCE_H

#include <stddef.h>
#include <stdint.h>

#include "tml/model.h"

#ifdef __cplusplus
extern "C" {
#endif

// Called for each window the model has classified. `scores` are the model's int8 class scores
// (tml_model_class_count of them: 0 for an anomaly detector alone), `top` the index of the highest (the
// first on ties; 0 without classes), `cost` the difference of the clock (if any) around the front end,
// normalisation, quantization, the model run, the anomaly score and the values. With an anomaly block the window's
// score is in the tml_inference's `anomaly` when this is called, and with value heads (a regression or
// multi-output model) their real values are in its `values` (tml_model_values); the scores are then the
// class head's alone (count 0 for a model of value heads only).
typedef void (*tml_inference_result_fn)(void* ctx, uint32_t first_index, const int8_t* scores, uint32_t count,
                                        uint32_t top, uint32_t cost);
// A board clock for measuring inference cost: instructions, cycles or microseconds; may wrap.
typedef uint32_t (*tml_inference_clock_fn)(void);

typedef struct tml_inference {
  const tml_model* model;
  void* arena;
  size_t arena_len;
  float* window;        // caller-owned: window_rows * axes floats, oldest row first (then the
                        //   front end's scratch, tml_model_features_buffer_size bytes)
  uint32_t window_rows; // the raw window's rows: the front end's raw_rows, else the model's input_time
  uint32_t axes;        // its axes: the front end's raw_axes, else the model's input_channels
  uint32_t stride;      // rows between window starts, 1 .. window_rows
  uint32_t filled;      // rows in `window` (0 .. window_rows)
  uint32_t next_start;  // stream index of the row `window` starts with
  uint32_t expected;    // stream index of the next row to arrive
  tml_inference_result_fn on_result;
  tml_inference_clock_fn clock;  // may be null: cost 0
  void* ctx;
  // With a front end (carved out of the caller's buffer by tml_inference_init; see above).
  uint32_t features_kind;  // tml_features_kind: TML_FEATURES_NONE (0) without a front end
  float* samples;          // audio: the frame being filled, frame_length floats
  float* frames;           // audio: ring of input_time feature frames of input_channels floats
  float* input;            // audio: the ring oldest frame first, the network input as floats
  void* scratch;           // the front end's scratch (tml_features_buffer_size, or tml_model_features_buffer_size)
  uint32_t scratch_len;
  uint32_t sample_fill;    // audio: samples in `samples`
  uint32_t sample_skip;    // audio: samples to pass over before the next frame starts filling
  uint32_t frames_done;    // audio: frames computed since the stream (re)started at next_start
  uint32_t stride_frames;  // audio: stride / frame_step
  uint32_t has_anomaly;        // 1 when the model has an anomaly block: `anomaly` holds the last window's
  tml_anomaly_result anomaly;  // score (valid during on_result and after it)
  uint32_t value_count;                 // tml_model_value_count: the model's value heads (0 for none)
  float values[TML_MODEL_MAX_VALUES];   // the last window's values, [0, value_count) (valid during
                                        //   on_result and after it)
  // A class head beside value heads: the last window's class probabilities (tml_model_class_scores),
  // which on_result receives; a classifier's scores are the model output itself.
  int8_t class_scores[TML_MODEL_MAX_HEAD_CLASSES];
} tml_inference;

// Bytes of window buffer a model needs: input_time * input_channels floats; with an audio front end
// 4 * (frame_length + 2 * input_time * input_channels) + tml_features_buffer_size(); with a spectral one
// 4 * raw_rows * raw_axes + tml_model_features_buffer_size().
size_t tml_inference_buffer_size(const tml_model* model);

// Prepares inference of `model` (already validated with tml_model_init) over windows advancing by
// `stride` rows. TML_ERR_ARG for a stride of 0 or above the window (with an audio front end also one that
// is not a multiple of the hop), a misaligned or short buffer;
// TML_ERR_BUFFER if the arena is smaller than tml_model_arena_size().
int tml_inference_init(tml_inference* inf, const tml_model* model, void* arena, size_t arena_len, float* window,
                       size_t window_len, uint32_t stride, tml_inference_result_fn on_result,
                       tml_inference_clock_fn clock, void* ctx);

// Starts over: the next row pushed has stream index 0.
void tml_inference_reset(tml_inference* inf);

// Feeds `count` rows starting at stream index `first_index`, each of `axes` values in `sample_format`
// (TML_FORMAT_I16 or TML_FORMAT_F32, from messages.h) with `scale`. Runs the model for every window that
// completes, calling on_result. A jump in first_index (rows lost upstream) restarts the window at the next
// window boundary after the gap, so no window ever spans missing rows. Returns TML_OK, TML_ERR_ARG for a
// bad format or axis count, or a status of tml_model_run.
int tml_inference_push(tml_inference* inf, uint32_t first_index, const void* rows, uint32_t count, uint8_t sample_format,
                       uint32_t axes, float scale);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // TML_INFERENCE_H
