// A model in a sketch of your own: push sensor readings one row (or one window) at a time, run the
// model when a window is ready, read the label and the scores. The runner underneath is tml/model.h:
// the same normalisation, quantization and kernels as the host, so the scores equal `tml eval`'s for the
// same window, bit for bit.
//
//   #include "tml_model.h"                          // from tml export (the blob and TML_MODEL_* constants)
//   static tml_classifier clf;
//   alignas(16) static uint8_t arena[TML_MODEL_ARENA_SIZE];
//   static float window[TML_MODEL_WINDOW_ROWS * TML_MODEL_AXIS_COUNT];
//   tml_classifier_init(&clf, tml_model_blob, sizeof tml_model_blob, arena, sizeof arena, window, sizeof window,
//                       TML_MODEL_STRIDE_ROWS);
//   ...
//   float row[TML_MODEL_AXIS_COUNT] = {ax, ay, az};   // physical units, as captured for training
//   tml_classifier_push_sample(&clf, row, TML_MODEL_AXIS_COUNT);
//   if (tml_classifier_ready(&clf) && tml_classifier_run(&clf) == TML_OK)
//     print(tml_classifier_label(&clf, tml_classifier_top(&clf)), tml_classifier_score(&clf, ...));
//   for (uint32_t i = 0; i < tml_classifier_value_count(&clf); ++i)   // a regression model's targets
//     print(tml_classifier_value_name(&clf, i), tml_classifier_value(&clf, i));
//
// The window is a ring of the last input_time rows; a run classifies them oldest first. No heap: the
// caller owns the arena (exactly the header's arena size) and the window buffer.
#ifndef TML_CLASSIFIER_H
#define TML_CLASSIFIER_H

#include <stddef.h>
#include <stdint.h>

#include "tml/model.h"
#include "tml/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tml_classifier {
  tml_model model;
  void* arena;
  size_t arena_len;
  float* window;         // window_rows * axes floats: a ring of rows
  uint32_t window_rows;  // the model's input_time
  uint32_t axes;         // the model's input_channels
  uint32_t stride;       // rows between runs for tml_classifier_ready()
  uint32_t oldest;       // ring slot of the oldest row (once full)
  uint32_t filled;       // rows held, 0 .. window_rows
  uint32_t since_run;    // rows pushed since the last run
  int32_t top;           // class of the last run, -1 before the first
  // A multi-output model (a class head beside value heads): the last run's class probabilities
  // (tml_model_class_scores); a classifier's scores are its model output.
  int8_t class_scores[TML_MODEL_MAX_HEAD_CLASSES];
} tml_classifier;

// Bytes of window buffer a model needs: input_time * input_channels floats.
size_t tml_classifier_window_size(const tml_model* model);

// Validates the blob (tml_model_init's statuses), then checks the buffers: TML_ERR_ARG for a null
// pointer, an arena that is not 4-aligned, a window buffer that is not float-aligned, or a stride of 0 or
// above the window; TML_ERR_BUFFER when the arena is smaller than the model's arena size or the window
// buffer smaller than tml_classifier_window_size().
int tml_classifier_init(tml_classifier* c, const uint8_t* blob, size_t blob_len, void* arena, size_t arena_len, float* window,
                        size_t window_len, uint32_t stride);

// Forgets every row pushed (and the last result).
void tml_classifier_reset(tml_classifier* c);

// Appends one row of `axis_count` values (the oldest row drops out once the window is full).
// TML_ERR_SHAPE when axis_count is not the model's axis count (nothing is pushed), TML_ERR_ARG for null.
int tml_classifier_push_sample(tml_classifier* c, const float* values, uint32_t axis_count);

// Replaces the window with `rows` rows of `axis_count` values, oldest first. TML_ERR_SHAPE unless rows is
// the model's window (input_time) and axis_count its axis count (the window is then unchanged).
int tml_classifier_push_window(tml_classifier* c, const float* values, uint32_t rows, uint32_t axis_count);

// 1 when the window is full and `stride` rows arrived since the last run (or there was none), else 0.
int tml_classifier_ready(const tml_classifier* c);

// Classifies the window: TML_OK, TML_ERR_STATE while it is not full yet, or a status of tml_model_run.
int tml_classifier_run(tml_classifier* c);

// The model's classes (its class head), the last run's top class (-1 before a run), a class's label
// ("" for none), its score as a probability (0 .. 1: the int8 output dequantized) and the raw int8
// outputs (the class scores first, then the value heads' channels).
uint32_t tml_classifier_class_count(const tml_classifier* c);
int32_t tml_classifier_top(const tml_classifier* c);
const char* tml_classifier_label(const tml_classifier* c, uint32_t index);
float tml_classifier_score(const tml_classifier* c, uint32_t index);
const int8_t* tml_classifier_scores(const tml_classifier* c);

// A regression or multi-output model's value heads (tml_model_values): how many, the last run's value of
// head `index` in its target's units (0 out of range or before a run) and its name ("rain_mm"; "" out
// of range). The class functions above cover the class head alone: with value heads only there are no
// classes and the top class is 0 after a run.
uint32_t tml_classifier_value_count(const tml_classifier* c);
float tml_classifier_value(const tml_classifier* c, uint32_t index);
const char* tml_classifier_value_name(const tml_classifier* c, uint32_t index);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // TML_CLASSIFIER_H
