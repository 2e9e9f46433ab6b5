// The model of this library, for your own sketch: one classifier over the model tml exported into
// tml_model.h, with its arena and window as static arrays of exactly the sizes the header gives
// (TML_MODEL_ARENA_SIZE bytes, TML_MODEL_WINDOW_ROWS x TML_MODEL_AXIS_COUNT floats). Written into every
// library `tml export --arduino-library` makes; tml/classifier.h is the same API for any number of models.
//
//   tml_begin()                        once, in setup(): TML_OK (0), or why the model cannot run
//   tml_push_sample(row, axes)         one reading per axis, in the units the model was trained on
//   tml_push_window(values, rows, axes)   or a whole window at once, oldest row first
//   tml_ready()                        1 when a full window holds TML_MODEL_STRIDE_ROWS new rows
//   tml_run()                          classify the window: TML_OK, or a status
//   tml_top(), tml_label(i), tml_score(i)   the class found, a class's name, its probability (0..1)
//   tml_value_count(), tml_value(i), tml_value_name(i)   a regression model's targets after a run: how
//                                      many, target i's value in its units, its name ("rain_mm")
//
// Every function returns a tml_status (tml/status.h; tml_status_str() names it): TML_ERR_SHAPE when the
// axis or row count is not the model's, TML_ERR_STATE before tml_begin() succeeded or while the window is
// not full yet.
#ifndef TML_MODEL_LIBRARY_H
#define TML_MODEL_LIBRARY_H

#include <stdint.h>

#include "tml/classifier.h"
#include "tml/status.h"
#include "tml_model.h"

#ifdef __cplusplus
extern "C" {
#endif

int tml_begin(void);
int tml_push_sample(const float* values, uint32_t axis_count);
int tml_push_window(const float* values, uint32_t rows, uint32_t axis_count);
int tml_ready(void);
int tml_run(void);
int32_t tml_top(void);                // -1 before the first run
const char* tml_label(int32_t index);  // "" out of range
float tml_score(int32_t index);        // 0 out of range or before a run
uint32_t tml_value_count(void);        // value heads of the model, 0 for a classifier
float tml_value(uint32_t index);       // 0 out of range or before a run
const char* tml_value_name(uint32_t index);  // "" out of range
tml_classifier* tml_instance(void);   // the classifier itself, for everything else of tml/classifier.h

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // TML_MODEL_LIBRARY_H
