// The trainer's view of a dataset: recordings in memory, and fixed-length windows cut from them.
//
// A window is a view (recording, first row), never a copy: a batch is gathered (and normalised) from the
// recordings when it is needed, so the memory a training run takes beyond the recordings themselves is
// proportional to the batch, not to the number of windows.
//
// Windowing: windows of `length` rows start at rows 0, stride, 2 * stride, ... as long as they fit. A
// recording shorter than the window gives one window, padded by repeating its last row.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tml::trainer {

enum class Split { Train, Test };
const char* split_name(Split split);  // "train", "test"

struct Recording {
  std::string id;             // for messages ("circle.0001")
  int label = 0;              // index into RecordingSet::labels
  Split split = Split::Train;
  int rows = 0;               // time steps
  std::vector<float> values;  // rows * axes values, row-major: values[r * axes + a]
  // rows * RecordingSet::targets.size() numeric targets, row-major (empty without targets). A per-sample
  // target is the same on every row; NaN where the recording has no value for a target.
  std::vector<float> targets;
};

struct RecordingSet {
  std::vector<std::string> labels;  // class names; Recording::label indexes this
  std::vector<std::string> axes;    // axis names, e.g. {"accx", "accy", "accz"}
  std::vector<std::string> units;   // one per axis ("m/s2"), may be empty strings
  double rate_hz = 0;               // rows per second
  std::string sensor;               // the dataset's sensor ("accelerometer", ...), may be empty
  std::vector<std::string> targets; // names of the numeric targets (regression), not among the axes
  std::vector<std::string> target_units;  // one per target, may be empty strings (or empty)
  std::vector<Recording> recordings;

  int axis_count() const { return static_cast<int>(axes.size()); }
  int target_count() const { return static_cast<int>(targets.size()); }
  int target_index(const std::string& name) const;  // -1 when there is no such target

  // Throws Error unless: at least one axis, a positive rate, every recording has rows > 0, rows * axes
  // values, all finite (the message names the recording, row and axis of the first NaN/inf), a label
  // index within `labels`, and rows * targets target values (finite or NaN, never infinite).
  void validate() const;
};

struct WindowSpec {
  int length = 0;  // rows per window
  int stride = 0;  // rows between window starts
};

// "2s", "2.5s", "500ms" (converted with rate_hz, rounded to the nearest row) or a plain row count "208".
// Throws Error naming `what` ("--window") for anything else or a result below 1 row.
int parse_rows(const std::string& text, double rate_hz, const std::string& what);

struct Window {
  int32_t recording = 0;  // index into RecordingSet::recordings
  int32_t start = 0;      // first row
  int32_t label = 0;
};

// Windows of the given recordings (indices into set.recordings), in order.
std::vector<Window> make_windows(const RecordingSet& set, const std::vector<int>& recordings, const WindowSpec& spec);

// Indices of the recordings of one split.
std::vector<int> recordings_of(const RecordingSet& set, Split split);

// Splits the training recordings into (train, validation): `fraction` of each label's training
// recordings (rounded, at least one when fraction > 0 and the label has two or more) go to validation,
// chosen with `seed`. Whole recordings, so overlapping windows never straddle the two. Augmented copies
// (ids "<original>~<k>", feature_set.h) are never held out and train only with their original.
std::pair<std::vector<int>, std::vector<int>> split_validation(const RecordingSet& set, float fraction, uint64_t seed);

// Per-axis standardisation: x' = (x - mean[a]) * inv_std[a], inv_std[a] = 1.0f / std[a], each step one
// float32 operation: exactly what the firmware's tml_model_prepare_input does with the same numbers.
struct Normalization {
  std::vector<float> mean;
  std::vector<float> std;  // > 0

  std::vector<float> inv_std() const;  // 1.0f / std[a], in float32
};

// Mean and population standard deviation of every row of every window (rows in several windows count
// several times, padding rows included), per axis. An axis that never changes gets std 1. Throws Error
// naming the axis and the recording when a value of any recording (test ones too) does not normalise to a
// finite float (values near the float range, ~1e38).
Normalization fit_normalization(const RecordingSet& set, const std::vector<Window>& windows, int length);

// A window's value of target `target` (an index into set.targets): the target on the window's last row
// (a window padded past its recording's end: the recording's last row). NaN when the recording has none.
float window_target(const RecordingSet& set, const Window& window, int length, int target);

// How the numeric targets a model predicts are read and standardised: t' = (t - mean[v]) * inv_std[v]
// for target index[v] of the data, inv_std[v] = 1.0f / std[v] in float32.
struct TargetScaling {
  std::vector<int> index;  // into RecordingSet::targets, one per value head, in output order
  std::vector<float> mean;
  std::vector<float> std;  // > 0
};

// Mean and population standard deviation of the windows' targets (a target that never changes gets std
// 1). Throws Error naming the recording when a window has no value (NaN) for one of the targets, or when a
// window's target does not standardise to a finite float.
TargetScaling fit_targets(const RecordingSet& set, const std::vector<Window>& windows, int length,
                          const std::vector<int>& index);

// The standardised targets of windows[order[i]] for i < count into t [count][index.size()] (order as in
// gather()).
void gather_targets(const RecordingSet& set, const Window* windows, const uint32_t* order, int count, int length,
                    const TargetScaling& scaling, float* t);

// Copies windows[order[i]] for i < count into x [count][length][axes], normalised (as above), and their labels
// into y (y may be null). order may be null: windows[0], ..., windows[count - 1].
void gather(const RecordingSet& set, const Window* windows, const uint32_t* order, int count, int length,
            const Normalization& norm, float* x, int32_t* y);

}  // namespace tml::trainer
