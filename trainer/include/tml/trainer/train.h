// The training loop and evaluation.
//
//   Model model;
//   model.net = make_preset("conv1d", classes);
//   TrainOptions opt;  opt.window = {208, 52};  opt.epochs = 30;
//   TrainResult r = train(model, recordings, opt);   // fills model: weights, normalisation, labels, ...
//   Metrics m = evaluate(model, recordings, Split::Test);
//
// Determinism: the same data, options and seed give bit-identical weights and metrics on the same machine
// and instruction set (kernels.h picks AVX2+FMA or the baseline at run time; TML_ISA=generic forces the
// baseline). With threads > 1 results are identical run to run for the same thread count.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "tml/trainer/data.h"
#include "tml/trainer/float_model.h"
#include "tml/trainer/loss.h"
#include "tml/trainer/metrics.h"

namespace tml::trainer {

enum class OptimizerKind { Adam, Sgd };

struct TrainOptions {
  WindowSpec window;                  // rows; both required
  int epochs = 30;
  int batch = 32;
  OptimizerKind optimizer = OptimizerKind::Adam;
  float learning_rate = 1e-3f;
  float momentum = 0.9f;              // SGD only
  uint64_t seed = 1;                  // weights, shuffling, dropout, validation split
  float validation = 0.0f;            // share of each label's training recordings held out for validation
  int patience = 0;                   // with validation: stop after this many epochs without a lower
                                      // validation loss and keep the best epoch's weights; 0 = never stop
  std::vector<float> class_weights;   // one per label, or empty for all 1
  int threads = 1;                    // examples of a batch split over this many threads
  // The outputs (docs/regression.md): a class head over the data's labels and/or one value head per
  // target named here (names in RecordingSet::targets, in output order). The network must end with
  // labels + targets outputs (no softmax when there are targets: make_preset(name, outputs, false)).
  bool classify = true;
  std::vector<std::string> targets;
  ValueLoss value_loss = ValueLoss::Mse;
  float huber_delta = 1.0f;           // Huber: quadratic below this many standard deviations of the target
  float value_weight = 1.0f;          // with a class head: loss = cross-entropy + value_weight * value loss
};

struct TrainResult {
  std::vector<EpochStats> history;
  int best_epoch = 0;           // the epoch whose weights the model keeps
  bool stopped_early = false;
  int64_t train_windows = 0;
  int64_t validation_windows = 0;
  double train_seconds = 0;     // the training loop alone (no validation passes)
  double windows_per_second = 0;
};

struct TrainCallbacks {
  // After every batch: epoch (1-based), batches done and total in this epoch, running mean loss and
  // accuracy (0 without a class head).
  std::function<void(int epoch, int done, int total, double loss, double accuracy)> on_batch;
  // After every epoch (and its validation pass).
  std::function<void(const EpochStats&)> on_epoch;
};

// The options on their own (all but the window and the class weights, which need the data), in range
// and consistent: early stopping needs a validation share. Throws UsageError naming the `tml train`
// option, for callers that want to fail before any data is read.
void check_options(const TrainOptions& options);

// The checks train() makes on its input before it starts, for callers that want to fail fast:
// check_options(), a window and class weights that fit the data, data valid (validate()), at least two
// labels (with a class head), training recordings for every label, targets that the data has, and a window
// no longer than the longest training recording.
void check_training_input(const RecordingSet& set, const TrainOptions& options);

// The thread count that pays for a network and batch size on this machine: as many threads as the
// machine has, but no more than one per kThreadShareMacs multiply-accumulates of a batch's forward pass
// (splitting a small batch costs more than it saves; measured in docs/training.md). Results depend on the
// thread count, so a run that must be reproduced elsewhere should fix it.
constexpr int64_t kThreadShareMacs = 1000000;
int recommended_threads(int64_t macs_per_window, int batch);

// Balanced weights for the training windows: n / (classes * n_k). Throws Error if a class has none.
std::vector<float> balanced_class_weights(const RecordingSet& set, const WindowSpec& window);

// Trains model.net (layers added, not yet built) on the training split of `set`. Builds the network for
// [window.length][axes], initialises it from the seed, fits the normalisation on the training windows and
// fills every field of `model` (labels, window, rate, axes, normalisation, training info but dataset,
// created, tool and architecture, which the caller sets).
// Throws Error with an actionable message for: no training recordings, a label without training
// recordings, a window longer than every recording, NaN/inf in the data, bad options, or a loss that
// becomes NaN/inf (diverged: lower the learning rate).
TrainResult train(Model& model, const RecordingSet& set, const TrainOptions& options,
                  const TrainCallbacks& callbacks = {});

// Accuracy, loss, per-class metrics and confusion matrix of the model on `windows` of `set`, whose labels
// must be the model's (same order), and for value heads MAE, RMSE and R^2 (the data must have the heads'
// targets). Inference mode, in batches of up to 256 windows. `predictions`, if given, receives each
// window's top class (the first of equal logits; 0 without a class head).
Metrics evaluate(Model& model, const RecordingSet& set, const std::vector<Window>& windows,
                 std::vector<int>* predictions = nullptr);

// MAE, RMSE and R^2 of each value head: predicted [windows][heads] in target units against the windows'
// targets (window_target, read by each head's name). Throws Error if the data lacks a head's target.
std::vector<ValueMetrics> value_metrics(const RecordingSet& set, const std::vector<Window>& windows, int length,
                                        const std::vector<ValueHead>& heads, const std::vector<float>& predicted);

// The same on every window (model.window, model.stride) of a split's recordings.
Metrics evaluate(Model& model, const RecordingSet& set, Split split);

}  // namespace tml::trainer
