// Keyword and event detection over a stream of classifications (continuous inference, tml/inference.h):
// the scores of the last `average` windows averaged per class, the best class that is not a background
// class reported when its average reaches `threshold`, and nothing more reported for `suppression` rows
// after a detection. Integer arithmetic only; no heap.
//
//   tml_detector det;
//   tml_detector_init(&det, &params, classes);          // TML_ERR_ARG for parameters out of range
//   // for each window the model classifies (end = stream index just past the window's last row):
//   tml_detection d;
//   if (tml_detector_push(&det, end, scores, &d)) report(d.label, d.score, d.index);
//
// Scores are the model's int8 outputs (after softmax: probability * 256 - 128); averages and the
// threshold are on the 0 .. 255 scale, score + 128 (threshold 153 = a probability of 0.6).
#ifndef TML_DETECT_H
#define TML_DETECT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TML_DETECT_MAX_AVERAGE 16u
#define TML_DETECT_MAX_CLASSES 32u
#define TML_DETECT_VERSION 1u

// The detection parameters: the payload of TML_MSG_SET_DETECT (protocol/messages.h) and what an
// exported header's TML_MODEL_DETECT_* defaults fill. Validated by tml_detector_init.
typedef struct tml_detect_params {
  uint8_t version;       // TML_DETECT_VERSION
  uint8_t average;       // windows averaged, 1 .. TML_DETECT_MAX_AVERAGE
  uint8_t threshold;     // 1 .. 255: a class is detected when its average of score + 128 reaches it
  uint8_t reserved;      // 0
  uint32_t suppression;  // rows after a detection (from its window's end) in which nothing is reported
  uint32_t ignore;       // bit k set: class k is a background (silence, unknown) and never reported
} tml_detect_params;

// One detection.
typedef struct tml_detection {
  uint32_t index;   // stream index just past the last row of the window that triggered it
  uint8_t label;    // class
  uint8_t score;    // its average, 0 .. 255 (score + 128)
  uint8_t windows;  // how many windows were averaged
  uint8_t reserved;
} tml_detection;

typedef struct tml_detector {
  tml_detect_params params;
  uint32_t classes;
  uint32_t count;        // results held (<= params.average)
  uint32_t next;         // slot of the next result
  uint32_t quiet_until;  // stream index before which nothing is reported
  uint8_t history[TML_DETECT_MAX_AVERAGE][TML_DETECT_MAX_CLASSES];  // score + 128
} tml_detector;

// Checks parameters: TML_OK or TML_ERR_ARG (version, average, threshold, reserved).
int tml_detect_params_check(const tml_detect_params* params);

// TML_OK, or TML_ERR_ARG for bad parameters or classes outside 1 .. TML_DETECT_MAX_CLASSES.
int tml_detector_init(tml_detector* det, const tml_detect_params* params, uint32_t classes);

// Forgets the results held and any suppression (a new stream, or a gap in one).
void tml_detector_reset(tml_detector* det);

// Adds one window's scores (classes of them); returns 1 and fills *out when that reports a detection,
// else 0. Nothing is reported until `average` windows are held: the average is always over that many.
int tml_detector_push(tml_detector* det, uint32_t end_index, const int8_t* scores, tml_detection* out);

#ifdef __cplusplus
}  // extern "C"
static_assert(sizeof(tml_detect_params) == 12, "detect params layout");
static_assert(sizeof(tml_detection) == 8, "detection layout");
#endif

#endif  // TML_DETECT_H
