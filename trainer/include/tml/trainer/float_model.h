// The float model: the network plus everything needed to use it on new data the way it was trained —
// labels, window, sample rate, axes and the input normalisation — and a record of how it was trained.
//
// Model files are JSON (format "tml-model", version 1); docs/model_json.md specifies every field.
// model_from_json() validates everything before it returns; a Model that passes validate() can be run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tml/trainer/data.h"
#include "tml/trainer/sequential.h"

namespace tml::trainer {

constexpr int kModelFormatVersion = 1;

struct Axis {
  std::string name;  // "accx"
  std::string unit;  // "m/s2" (may be empty)
};

struct EpochStats {
  int epoch = 0;                // 1-based
  double loss = 0;              // mean training loss over the epoch's batches
  double accuracy = 0;          // on the training batches, as they were trained
  double val_loss = -1;         // -1 when there is no validation split
  double val_accuracy = -1;
  double mae = -1;              // value heads: mean absolute error on the training batches, in target units
  double val_mae = -1;          //   (averaged over the heads); -1 without value heads or validation split
  double seconds = 0;           // this epoch's training (without validation)
};

// How the model was made. Informational: nothing here changes what the model computes.
struct TrainingInfo {
  std::string dataset;        // as given to `tml train`
  std::string created;        // UTC, ISO 8601
  std::string tool;           // "tml 0.1.0"
  std::string architecture;   // preset name or architecture file
  uint64_t seed = 0;
  std::string optimizer;      // "adam lr 0.001"
  std::string task;           // "classify", "regression" or "multi" (class head and value heads)
  std::string value_loss;     // value heads: "mse" or "huber 1" (delta in standard deviations); else ""
  double value_weight = 1;    // multi: total loss = cross-entropy + value_weight * value loss
  int batch = 0;
  int threads = 0;            // results depend on it (train.h)
  int epochs = 0;             // asked for
  int epochs_run = 0;         // fewer when stopped early
  int best_epoch = 0;         // the epoch whose weights were kept
  int64_t train_windows = 0;
  int64_t validation_windows = 0;
  double train_seconds = 0;   // the training loop alone
  double train_accuracy = 0;  // last epoch's (kept epoch's) training accuracy
  double validation_accuracy = -1;  // -1: no validation split
  double test_accuracy = -1;        // -1: not evaluated
  double train_mae = -1;            // value heads, the kept epoch's (target units, mean over the heads)
  double validation_mae = -1;       // -1: no validation split or no value heads
  double test_mae = -1;             // -1: not evaluated
  std::vector<EpochStats> history;  // per epoch, for the training curves of `tml report`
};

// A front end (docs/features.md) between the raw stream and the network. With one, a model's window,
// stride, rate and axes describe the network input -- the front end's output [out_time][out_channels],
// one window per raw window, at the frame rate, a name per feature ("mfcc0") -- and these fields the raw
// stream the front end reads: its window is the section's raw_rows, its rate the section's sample rate.
struct FrontEndInput {
  std::vector<uint8_t> section;  // the blob's front-end section (tml_features_init); empty: no front end
  int stride = 0;                // raw rows between windows in training, the default for sliding
                                 // inference (a multiple of the hop for audio)
  std::vector<Axis> axes;        // of the raw stream ("audio")

  bool present() const { return !section.empty(); }
  // Throws Error unless the section is valid and its output is [window][channels], the raw axes are its
  // raw_axes and the stride fits its raw window (and its hop).
  void validate(int window, size_t channels) const;
  int raw_rows() const;      // the raw window
  double rate_hz() const;    // the raw stream's sample rate
  std::string kind() const;  // "mfcc", "mfe", "spectral"
};

// A value head: one network output that predicts a numeric target, trained on the standardised target:
// value = output * std + mean.
struct ValueHead {
  std::string name;  // the target's name ("rain_mm"); 1 to 31 characters
  std::string unit;  // may be empty
  float mean = 0;
  float std = 1;     // > 0
};

// The network's outputs are [1][labels.size() + values.size()]: the class logits first (a class head,
// when there are labels), then one output per value head. A classifier has labels and no values, a
// regression model values and no labels, a multi-output model both.
struct Model {
  Sequential net;                     // built for [window][axes.size()]
  std::vector<std::string> labels;    // class names, in output order (empty: no class head)
  std::vector<ValueHead> values;      // value heads, after the classes
  int window = 0;                     // rows per input window
  int stride = 0;                     // rows between windows in training (a default for sliding inference)
  double rate_hz = 0;                 // sample rate the windows assume
  std::vector<Axis> axes;             // input channels, in order
  Normalization normalization;        // applied to raw values: (x - mean[a]) / std[a]
  FrontEndInput front_end;            // none, or the front end whose output the network reads
  TrainingInfo training;

  // Throws Error describing the first inconsistency: network not built for [window][axes], output not
  // [labels.size() + values.size()], normalisation sizes, non-positive std, non-finite parameters, empty
  // or repeated labels, a single label, neither labels nor values, a softmax ending a model with values.
  void validate() const;

  int outputs() const { return static_cast<int>(labels.size() + values.size()); }
  bool has_classes() const { return !labels.empty(); }
  // "classify", "regression" or "multi".
  std::string task() const;
};

// The model as JSON text (docs/model_json.md). Throws Error if the model does not validate.
std::string model_to_json(const Model& model);

// Parses and validates a model file's text; `origin` (a path) prefixes error messages.
Model model_from_json(const std::string& text, const std::string& origin);

}  // namespace tml::trainer
