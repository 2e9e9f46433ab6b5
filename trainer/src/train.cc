#include "tml/trainer/train.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <numeric>
#include <string>
#include <thread>
#include <tuple>

#include "data_parallel.h"
#include "early_stopping.h"
#include "tml/trainer/error.h"
#include "tml/trainer/format.h"
#include "tml/trainer/loss.h"
#include "tml/trainer/optimizer.h"
#include "tml/trainer/random.h"

namespace tml::trainer {
namespace {

std::string rows_text(int rows, double rate_hz) {
  return std::to_string(rows) + " rows = " + format("%.3g s", rows / rate_hz);
}

void check_window_and_weights(const TrainOptions& o, size_t classes) {
  if (o.window.length < 1) throw UsageError("the window must be at least one row");
  if (o.window.stride < 1) throw UsageError("the stride must be at least one row");
  if (!o.class_weights.empty()) {
    if (!o.classify) throw UsageError("class weights need a class head (--class-weights with --task regression)");
    if (o.class_weights.size() != classes)
      throw Error("there are " + std::to_string(classes) + " labels but " + std::to_string(o.class_weights.size()) +
                  " class weights");
    for (float w : o.class_weights)
      if (!(w > 0.0f) || !std::isfinite(w)) throw Error("class weights must be positive numbers");
  }
}

// The data's index of every target the options name.
std::vector<int> target_indices(const RecordingSet& set, const std::vector<std::string>& names) {
  std::vector<int> out;
  for (const auto& name : names) {
    const int i = set.target_index(name);
    if (i < 0) {
      std::string known;
      for (const auto& t : set.targets) known += (known.empty() ? "" : ", ") + t;
      throw Error("the data has no target '" + name + "' (" +
                  (known.empty() ? std::string("it has no numeric targets: import with --target-column, or give "
                                               "samples a \"target\" in the manifest")
                                 : "its targets: " + known) +
                  ")");
    }
    if (std::find(out.begin(), out.end(), i) != out.end()) throw UsageError("target '" + name + "' is named twice");
    out.push_back(i);
  }
  return out;
}

// Checks the data can give what training needs; the messages say what to do.
void check_data(const RecordingSet& set, const TrainOptions& opt) {
  set.validate();
  if (opt.classify && set.labels.size() < 2)
    throw Error("the data has " + std::to_string(set.labels.size()) + " label(s); a classifier needs at least two");
  const auto train = recordings_of(set, Split::Train);
  if (train.empty()) throw Error("the dataset has no training recordings (all are in the test split, or it is empty)");
  target_indices(set, opt.targets);
  std::vector<int> per_label(set.labels.size(), 0);
  int longest = 0;
  for (int i : train) {
    ++per_label[static_cast<size_t>(set.recordings[static_cast<size_t>(i)].label)];
    longest = std::max(longest, set.recordings[static_cast<size_t>(i)].rows);
  }
  for (size_t k = 0; k < per_label.size() && opt.classify; ++k)
    if (per_label[k] == 0)
      throw Error("label '" + set.labels[k] + "' has no training recordings; record some, or remove the label");
  if (longest < opt.window.length)
    throw Error("the window (" + rows_text(opt.window.length, set.rate_hz) +
                ") is longer than every training recording (longest " + rows_text(longest, set.rate_hz) +
                "); use a shorter --window");
}

// What the model's outputs are trained on, and how the data's targets feed its value heads. loss.value_std
// points into targets.std: a Heads moves (the vector's storage moves with it) but is never copied.
struct Heads {
  OutputLoss loss;
  TargetScaling targets;
  Heads() = default;
  Heads(Heads&&) = default;
  Heads(const Heads&) = delete;
  Heads& operator=(const Heads&) = delete;
};

Heads model_heads(const Model& model, const RecordingSet& set, const TrainOptions* opt) {
  Heads h;
  h.loss.classes = static_cast<int>(model.labels.size());
  h.loss.values = static_cast<int>(model.values.size());
  std::vector<std::string> names;
  for (const ValueHead& v : model.values) {
    names.push_back(v.name);
    h.targets.mean.push_back(v.mean);
    h.targets.std.push_back(v.std);
  }
  h.targets.index = target_indices(set, names);
  h.loss.value_std = h.targets.std.data();
  if (opt) {
    h.loss.class_weights = opt->class_weights.empty() ? nullptr : opt->class_weights.data();
    h.loss.kind = opt->value_loss;
    h.loss.delta = opt->huber_delta;
    h.loss.weight = opt->classify ? opt->value_weight : 1.0f;
  }
  return h;
}

struct Pass {
  double loss = 0;
  double accuracy = 0;
  double mae = -1;  // value heads, target units
};

// Loss, accuracy and value error in inference mode over some windows; each window's top class into
// `predicted` and its values (target units, value = output * std + mean in float32) into `values`
// ([windows][heads]) when they are given.
Pass measure(Sequential& net, const RecordingSet& set, const std::vector<Window>& windows, int length,
             const Normalization& norm, Heads& heads, std::vector<int>* predicted, std::vector<float>* values) {
  const int A = set.axis_count();
  const int K = heads.loss.classes, V = heads.loss.values, C = K + V;
  const int batch = 256;
  std::vector<float> x(static_cast<size_t>(batch) * length * A), t(static_cast<size_t>(batch) * std::max(V, 1));
  std::vector<int32_t> y(batch);
  double loss = 0, abs_error = 0;
  int64_t correct = 0;
  for (size_t i = 0; i < windows.size(); i += batch) {
    const int n = static_cast<int>(std::min<size_t>(batch, windows.size() - i));
    gather(set, windows.data() + i, nullptr, n, length, norm, x.data(), y.data());
    if (V > 0) gather_targets(set, windows.data() + i, nullptr, n, length, heads.targets, t.data());
    const float* z = net.forward(x.data(), n, Mode::Infer, net.logits_end());
    const LossResult r = output_loss(heads.loss, z, y.data(), t.data(), n, 1.0, 1.0, nullptr);
    loss += r.loss * n;
    correct += r.correct;
    abs_error += r.abs_error;
    for (int b = 0; b < n; ++b) {
      const float* zb = z + static_cast<size_t>(b) * C;
      if (predicted) predicted->push_back(K > 0 ? static_cast<int>(std::max_element(zb, zb + K) - zb) : 0);
      if (values)
        for (int v = 0; v < V; ++v) values->push_back(zb[K + v] * heads.targets.std[static_cast<size_t>(v)] +
                                                      heads.targets.mean[static_cast<size_t>(v)]);
    }
  }
  Pass p;
  if (!windows.empty()) {
    p.loss = loss / static_cast<double>(windows.size());
    p.accuracy = static_cast<double>(correct) / static_cast<double>(windows.size());
    if (V > 0) p.mae = abs_error / static_cast<double>(windows.size());
  }
  return p;
}

// The training windows and, with a validation share, the windows of the recordings held out.
struct TrainingWindows {
  std::vector<Window> train, validation;
};

TrainingWindows training_windows(const RecordingSet& set, const TrainOptions& opt) {
  std::vector<int> train_recs = recordings_of(set, Split::Train), val_recs;
  if (opt.validation > 0.0f) {
    std::tie(train_recs, val_recs) = split_validation(set, opt.validation, opt.seed);
    if (val_recs.empty())
      throw Error("the validation split is empty: each label needs at least two training recordings to hold one out");
  }
  TrainingWindows w{make_windows(set, train_recs, opt.window), make_windows(set, val_recs, opt.window)};
  if (w.train.empty()) throw Error("no training windows");
  if (w.train.size() > UINT32_MAX) throw Error("too many training windows");
  return w;
}

// Builds and initialises the network and fills in what the model needs to be used as it was trained.
void prepare_model(Model& model, const RecordingSet& set, const TrainOptions& opt, const std::vector<Window>& windows) {
  const int length = opt.window.length, A = set.axis_count();
  const int K = opt.classify ? static_cast<int>(set.labels.size()) : 0, V = static_cast<int>(opt.targets.size());
  Sequential& net = model.net;
  net.build(Shape{length, A});
  if (net.output_shape() != Shape{1, K + V}) {
    std::string what = K > 0 ? std::to_string(K) + " labels" : "";
    if (V > 0) what += (what.empty() ? "" : " and ") + std::to_string(V) + " value head(s)";
    throw Error("the network's output is " + net.output_shape().str() + " but the model has " + what +
                "; end the network with a dense layer of \"classes\" units");
  }
  if (V > 0 && net.logits_end() != net.size())
    throw Error("a model with value heads has no softmax: end the network with its dense layer");
  net.init(opt.seed);
  model.labels = opt.classify ? set.labels : std::vector<std::string>{};
  model.window = length;
  model.stride = opt.window.stride;
  model.rate_hz = set.rate_hz;
  model.axes.clear();
  for (int a = 0; a < A; ++a)
    model.axes.push_back(Axis{set.axes[static_cast<size_t>(a)],
                              static_cast<size_t>(a) < set.units.size() ? set.units[static_cast<size_t>(a)] : ""});
  model.normalization = fit_normalization(set, windows, length);
  const TargetScaling scaling = fit_targets(set, windows, length, target_indices(set, opt.targets));
  model.values.clear();
  for (size_t v = 0; v < scaling.index.size(); ++v) {
    const size_t i = static_cast<size_t>(scaling.index[v]);
    model.values.push_back(
        ValueHead{set.targets[i], i < set.target_units.size() ? set.target_units[i] : "", scaling.mean[v], scaling.std[v]});
  }
}

std::unique_ptr<Optimizer> make_optimizer(const TrainOptions& opt) {
  if (opt.optimizer == OptimizerKind::Adam) return std::make_unique<Adam>(opt.learning_rate);
  return std::make_unique<Sgd>(opt.learning_rate, opt.momentum);
}

// One pass over the training windows after another: each epoch shuffles them and takes an optimizer step
// per batch, the batch shared out by the data-parallel lanes.
class Epochs {
 public:
  Epochs(Model& model, const RecordingSet& set, const std::vector<Window>& windows, int batch, const TrainOptions& opt,
         const TrainCallbacks& cb)
      : model_(model),
        heads_(model_heads(model, set, &opt)),
        set_(set),
        windows_(windows),
        batch_(batch),
        batches_(static_cast<int>((windows.size() + static_cast<size_t>(batch) - 1) / static_cast<size_t>(batch))),
        cb_(cb),
        lanes_(model.net, opt.threads, batch, opt.window.length, set.axis_count(), opt.seed),
        optimizer_(make_optimizer(opt)),
        params_(model.net.trainable_params()),
        shuffle_rng_(opt.seed ^ 0x73687566666c65ull),
        order_(windows.size()) {
    std::iota(order_.begin(), order_.end(), 0u);
  }

  int lanes() const { return lanes_.lanes(); }
  const Optimizer& optimizer() const { return *optimizer_; }

  // Trains epoch `epoch` (1-based); the stats without validation.
  EpochStats run(int epoch) {
    using clock = std::chrono::steady_clock;
    shuffle_rng_.shuffle(order_);
    const auto t0 = clock::now();
    double loss_sum = 0, abs_error = 0;
    int64_t correct = 0, seen = 0;
    for (int bi = 0; bi < batches_; ++bi) {
      const size_t first = static_cast<size_t>(bi) * static_cast<size_t>(batch_);
      const int b = static_cast<int>(std::min<size_t>(static_cast<size_t>(batch_), windows_.size() - first));
      const detail::DataParallel::Step step =
          lanes_.run(set_, windows_, order_.data() + first, b, model_.normalization, heads_.loss, heads_.targets);
      if (!std::isfinite(step.loss))
        throw Error("training diverged at epoch " + std::to_string(epoch) +
                    " (the loss is not finite); lower the learning rate");
      optimizer_->step(params_);
      loss_sum += step.loss * b;
      correct += step.correct;
      abs_error += step.abs_error;
      seen += b;
      if (cb_.on_batch)
        cb_.on_batch(epoch, bi + 1, batches_, loss_sum / static_cast<double>(seen),
                     static_cast<double>(correct) / static_cast<double>(seen));
    }
    EpochStats s;
    s.epoch = epoch;
    s.seconds = std::chrono::duration<double>(clock::now() - t0).count();
    s.loss = loss_sum / static_cast<double>(seen);
    s.accuracy = static_cast<double>(correct) / static_cast<double>(seen);
    if (heads_.loss.values > 0) s.mae = abs_error / static_cast<double>(seen);
    return s;
  }

  Heads& heads() { return heads_; }

 private:
  Model& model_;
  Heads heads_;
  const RecordingSet& set_;
  const std::vector<Window>& windows_;
  const int batch_, batches_;
  const TrainCallbacks& cb_;
  detail::DataParallel lanes_;
  std::unique_ptr<Optimizer> optimizer_;
  std::vector<Param*> params_;
  Rng shuffle_rng_;
  std::vector<uint32_t> order_;
};

// The model's record of how it was trained.
void record_training(TrainingInfo& info, const TrainOptions& opt, const TrainResult& result, const Epochs& epochs,
                     bool validated) {
  const EpochStats& kept = result.history[static_cast<size_t>(result.best_epoch - 1)];
  info.seed = opt.seed;
  info.optimizer = epochs.optimizer().describe();
  info.batch = opt.batch;
  info.threads = epochs.lanes();
  info.epochs = opt.epochs;
  info.epochs_run = static_cast<int>(result.history.size());
  info.history = result.history;
  info.best_epoch = result.best_epoch;
  info.train_windows = result.train_windows;
  info.validation_windows = result.validation_windows;
  info.train_seconds = result.train_seconds;
  info.train_accuracy = kept.accuracy;
  info.validation_accuracy = validated ? kept.val_accuracy : -1;
  info.train_mae = kept.mae;
  info.validation_mae = validated ? kept.val_mae : -1;
  info.task = opt.targets.empty() ? "classify" : opt.classify ? "multi" : "regression";
  info.value_loss = opt.targets.empty()                       ? ""
                    : opt.value_loss == ValueLoss::Huber ? format("huber %g", opt.huber_delta)
                                                         : "mse";
  info.value_weight = opt.classify ? opt.value_weight : 1.0;
}

}  // namespace

std::vector<ValueMetrics> value_metrics(const RecordingSet& set, const std::vector<Window>& windows, int length,
                                        const std::vector<ValueHead>& heads, const std::vector<float>& predicted) {
  const size_t V = heads.size();
  if (predicted.size() != windows.size() * V) throw Error("value metrics: one prediction per window and head expected");
  std::vector<std::string> names;
  for (const auto& h : heads) names.push_back(h.name);
  const std::vector<int> index = target_indices(set, names);
  std::vector<ValueMetrics> out;
  for (size_t v = 0; v < V; ++v) {
    std::vector<float> truth, pred;
    for (size_t i = 0; i < windows.size(); ++i) {
      truth.push_back(window_target(set, windows[i], length, index[v]));
      pred.push_back(predicted[i * V + v]);
    }
    out.push_back(compute_value_metrics(heads[v].name, std::move(truth), std::move(pred)));
  }
  return out;
}

void check_options(const TrainOptions& o) {
  if (o.epochs < 1 || o.epochs > 100000) throw UsageError("epochs must be at least 1 and at most 100000 (--epochs)");
  if (o.batch < 1 || o.batch > 65536) throw UsageError("the batch size must be at least 1 and at most 65536 (--batch)");
  if (!(o.learning_rate > 0.0f) || !std::isfinite(o.learning_rate))
    throw UsageError("the learning rate must be positive (--lr)");
  if (!(o.momentum >= 0.0f && o.momentum < 1.0f)) throw UsageError("the SGD momentum must be in [0, 1) (--momentum)");
  if (!(o.validation >= 0.0f && o.validation <= 0.9f))
    throw UsageError("the validation share must be between 0 and 0.9 (--validation)");
  if (o.patience < 0) throw UsageError("patience must be 0 (off) or more epochs (--patience)");
  if (o.patience > 0 && o.validation <= 0.0f)
    throw UsageError(
        "early stopping (patience) needs a validation share: --patience needs --validation (e.g. --validation 0.2)");
  if (o.threads < 1 || o.threads > 256) throw UsageError("threads must be 1 to 256 (--threads)");
  if (!o.classify && o.targets.empty())
    throw UsageError("a regression model needs at least one target (--target NAME)");
  if (o.targets.size() > 8) throw UsageError("at most 8 value heads (targets)");
  if (!(o.huber_delta > 0.0f) || !std::isfinite(o.huber_delta))
    throw UsageError("the Huber delta must be positive (--huber-delta)");
  if (!(o.value_weight > 0.0f) || !std::isfinite(o.value_weight))
    throw UsageError("the value-loss weight must be positive (--value-weight)");
}

void check_training_input(const RecordingSet& set, const TrainOptions& options) {
  check_options(options);
  check_window_and_weights(options, set.labels.size());
  check_data(set, options);
}

int recommended_threads(int64_t macs_per_window, int batch) {
  const int64_t cores = std::max(1u, std::thread::hardware_concurrency());
  const int64_t useful = std::max<int64_t>(1, macs_per_window * batch / kThreadShareMacs);
  return static_cast<int>(std::min({cores, useful, int64_t{batch}}));
}

std::vector<float> balanced_class_weights(const RecordingSet& set, const WindowSpec& window) {
  const auto windows = make_windows(set, recordings_of(set, Split::Train), window);
  std::vector<double> count(set.labels.size(), 0.0);
  for (const auto& w : windows) count[static_cast<size_t>(w.label)] += 1;
  std::vector<float> out;
  for (size_t k = 0; k < count.size(); ++k) {
    if (count[k] == 0) throw Error("label '" + set.labels[k] + "' has no training windows");
    out.push_back(static_cast<float>(static_cast<double>(windows.size()) / (static_cast<double>(count.size()) * count[k])));
  }
  return out;
}

TrainResult train(Model& model, const RecordingSet& set, const TrainOptions& opt, const TrainCallbacks& cb) {
  check_training_input(set, opt);
  const TrainingWindows windows = training_windows(set, opt);
  prepare_model(model, set, opt, windows.train);
  Epochs epochs(model, set, windows.train, std::min<int>(opt.batch, static_cast<int>(windows.train.size())), opt, cb);
  detail::EarlyStopping stopping(opt.patience);
  TrainResult result;
  result.train_windows = static_cast<int64_t>(windows.train.size());
  result.validation_windows = static_cast<int64_t>(windows.validation.size());
  for (int epoch = 1; epoch <= opt.epochs; ++epoch) {
    EpochStats s = epochs.run(epoch);
    result.train_seconds += s.seconds;
    if (!windows.validation.empty()) {
      const Pass v = measure(model.net, set, windows.validation, opt.window.length, model.normalization,
                             epochs.heads(), nullptr, nullptr);
      s.val_loss = v.loss;
      s.val_accuracy = v.accuracy;
      s.val_mae = v.mae;
    }
    result.history.push_back(s);
    if (cb.on_epoch) cb.on_epoch(s);
    if (stopping.stop_after(epoch, s.val_loss, model.net)) {
      result.stopped_early = epoch < opt.epochs;
      break;
    }
  }
  stopping.restore_best(model.net);
  result.best_epoch = stopping.best_epoch();
  result.windows_per_second = result.train_seconds > 0 ? static_cast<double>(result.train_windows) *
                                                             static_cast<double>(result.history.size()) /
                                                             result.train_seconds
                                                       : 0;
  record_training(model.training, opt, result, epochs, !windows.validation.empty());
  return result;
}

Metrics evaluate(Model& model, const RecordingSet& set, const std::vector<Window>& windows,
                 std::vector<int>* predictions) {
  if (model.has_classes() && set.labels != model.labels)
    throw Error("the data's labels are not the model's labels (same names, same order)");
  if (set.axis_count() != static_cast<int>(model.axes.size()))
    throw Error("the data has " + std::to_string(set.axis_count()) + " axes but the model takes " +
                std::to_string(model.axes.size()));
  Heads heads = model_heads(model, set, nullptr);
  std::vector<int> predicted, truth;
  std::vector<float> values;
  predicted.reserve(windows.size());
  const Pass p = measure(model.net, set, windows, model.window, model.normalization, heads, &predicted, &values);
  for (const auto& w : windows) truth.push_back(w.label);
  Metrics m = model.has_classes() ? compute_metrics(truth, predicted, model.labels) : Metrics{};
  m.count = static_cast<int64_t>(windows.size());
  m.has_classes = model.has_classes();
  m.loss = p.loss;
  m.values = value_metrics(set, windows, model.window, model.values, values);
  if (predictions) *predictions = std::move(predicted);
  return m;
}

Metrics evaluate(Model& model, const RecordingSet& set, Split split) {
  set.validate();
  const auto recs = recordings_of(set, split);
  if (recs.empty()) throw Error(std::string("the data has no ") + split_name(split) + " recordings to evaluate on");
  return evaluate(model, set, make_windows(set, recs, WindowSpec{model.window, model.stride}));
}

}  // namespace tml::trainer
