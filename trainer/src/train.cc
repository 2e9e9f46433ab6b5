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

#include "tml/trainer/error.h"
#include "tml/trainer/format.h"
#include "tml/trainer/loss.h"
#include "tml/trainer/optimizer.h"
#include "tml/trainer/random.h"
#include "worker_pool.h"

namespace tml::trainer {
namespace {

std::string rows_text(int rows, double rate_hz) {
  return std::to_string(rows) + " rows = " + format("%.3g s", rows / rate_hz);
}

void check_window_and_weights(const TrainOptions& o, size_t classes) {
  if (o.window.length < 1) throw UsageError("the window must be at least one row");
  if (o.window.stride < 1) throw UsageError("the stride must be at least one row");
  if (!o.class_weights.empty()) {
    if (o.class_weights.size() != classes)
      throw Error("there are " + std::to_string(classes) + " labels but " + std::to_string(o.class_weights.size()) +
                  " class weights");
    for (float w : o.class_weights)
      if (!(w > 0.0f) || !std::isfinite(w)) throw Error("class weights must be positive numbers");
  }
}

// Checks the data can give what training needs; the messages say what to do.
void check_data(const RecordingSet& set, const WindowSpec& window) {
  set.validate();
  if (set.labels.size() < 2)
    throw Error("the data has " + std::to_string(set.labels.size()) + " label(s); a classifier needs at least two");
  const auto train = recordings_of(set, Split::Train);
  if (train.empty()) throw Error("the dataset has no training recordings (all are in the test split, or it is empty)");
  std::vector<int> per_label(set.labels.size(), 0);
  int longest = 0;
  for (int i : train) {
    ++per_label[static_cast<size_t>(set.recordings[static_cast<size_t>(i)].label)];
    longest = std::max(longest, set.recordings[static_cast<size_t>(i)].rows);
  }
  for (size_t k = 0; k < per_label.size(); ++k)
    if (per_label[k] == 0)
      throw Error("label '" + set.labels[k] + "' has no training recordings; record some, or remove the label");
  if (longest < window.length)
    throw Error("the window (" + rows_text(window.length, set.rate_hz) + ") is longer than every training recording (longest " +
                rows_text(longest, set.rate_hz) + "); use a shorter --window");
}

struct Pass {
  double loss = 0;
  double accuracy = 0;
};

// Loss and accuracy in inference mode over some windows.
Pass measure(Sequential& net, const RecordingSet& set, const std::vector<Window>& windows, int length,
             const Normalization& norm, std::vector<int>* predicted) {
  const int A = set.axis_count();
  const int K = net.output_shape().channels;
  const int batch = 256;
  std::vector<float> x(static_cast<size_t>(batch) * length * A);
  std::vector<int32_t> y(batch);
  double loss = 0;
  int64_t correct = 0;
  for (size_t i = 0; i < windows.size(); i += batch) {
    const int n = static_cast<int>(std::min<size_t>(batch, windows.size() - i));
    gather(set, windows.data() + i, nullptr, n, length, norm, x.data(), y.data());
    const float* z = net.forward(x.data(), n, Mode::Infer, net.logits_end());
    const LossResult r = softmax_cross_entropy(z, y.data(), n, K, nullptr, nullptr);
    loss += r.loss * n;
    correct += r.correct;
    if (predicted)
      for (int b = 0; b < n; ++b) {
        const float* zb = z + static_cast<size_t>(b) * K;
        predicted->push_back(static_cast<int>(std::max_element(zb, zb + K) - zb));
      }
  }
  Pass p;
  if (!windows.empty()) {
    p.loss = loss / static_cast<double>(windows.size());
    p.accuracy = static_cast<double>(correct) / static_cast<double>(windows.size());
  }
  return p;
}

std::vector<std::vector<float>> snapshot(Sequential& net) {
  std::vector<std::vector<float>> out;
  for (size_t i = 0; i < net.size(); ++i)
    for (const auto& p : net.layer(i).params()) out.push_back(p.value);
  return out;
}

void restore(Sequential& net, const std::vector<std::vector<float>>& values) {
  size_t k = 0;
  for (size_t i = 0; i < net.size(); ++i)
    for (auto& p : net.layer(i).params()) p.value = values[k++];
}

}  // namespace

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
}

void check_training_input(const RecordingSet& set, const TrainOptions& options) {
  check_options(options);
  check_window_and_weights(options, set.labels.size());
  check_data(set, options.window);
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
  const int length = opt.window.length, A = set.axis_count(), K = static_cast<int>(set.labels.size());

  std::vector<int> train_recs = recordings_of(set, Split::Train), val_recs;
  if (opt.validation > 0.0f) {
    std::tie(train_recs, val_recs) = split_validation(set, opt.validation, opt.seed);
    if (val_recs.empty())
      throw Error("the validation split is empty: each label needs at least two training recordings to hold one out");
  }
  const std::vector<Window> windows = make_windows(set, train_recs, opt.window);
  const std::vector<Window> val_windows = make_windows(set, val_recs, opt.window);
  if (windows.empty()) throw Error("no training windows");
  if (windows.size() > UINT32_MAX) throw Error("too many training windows");

  Sequential& net = model.net;
  net.build(Shape{length, A});
  if (net.output_shape() != Shape{1, K})
    throw Error("the network's output is " + net.output_shape().str() + " but the data has " + std::to_string(K) +
                " labels; end the network with a dense layer of \"classes\" units");
  net.init(opt.seed);
  const int batch = std::min<int>(opt.batch, static_cast<int>(windows.size()));
  net.reserve((batch + std::min(opt.threads, batch) - 1) / std::min(opt.threads, batch));

  model.labels = set.labels;
  model.window = length;
  model.stride = opt.window.stride;
  model.rate_hz = set.rate_hz;
  model.axes.clear();
  for (int a = 0; a < A; ++a)
    model.axes.push_back(Axis{set.axes[static_cast<size_t>(a)],
                              static_cast<size_t>(a) < set.units.size() ? set.units[static_cast<size_t>(a)] : ""});
  model.normalization = fit_normalization(set, windows, length);

  std::unique_ptr<Optimizer> optimizer;
  if (opt.optimizer == OptimizerKind::Adam)
    optimizer = std::make_unique<Adam>(opt.learning_rate);
  else
    optimizer = std::make_unique<Sgd>(opt.learning_rate, opt.momentum);
  const std::vector<Param*> params = net.trainable_params();
  const float* class_weights = opt.class_weights.empty() ? nullptr : opt.class_weights.data();

  Rng shuffle_rng(opt.seed ^ 0x73687566666c65ull);
  const size_t n = windows.size();
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  const size_t end = net.logits_end();
  const int batches = static_cast<int>((n + static_cast<size_t>(batch) - 1) / static_cast<size_t>(batch));

  // Threads: each takes a contiguous share of every batch on its own copy of the network (the first on
  // the model's own), with the parameter values copied in before the batch; the gradients are summed
  // in thread order afterwards. The shares depend only on the batch size and the thread count.
  const int threads = std::min(opt.threads, batch);
  struct Lane {
    Sequential* net = nullptr;
    std::unique_ptr<Sequential> own;
    std::vector<float> x, dlogits;
    std::vector<int32_t> y;
    LossResult loss;
    int first = 0, count = 0;
  };
  std::vector<Lane> lanes(static_cast<size_t>(threads));
  const int share = (batch + threads - 1) / threads;
  for (int t = 0; t < threads; ++t) {
    Lane& lane = lanes[static_cast<size_t>(t)];
    if (t == 0) {
      lane.net = &net;
    } else {
      lane.own = std::make_unique<Sequential>(net.copy_layers());
      lane.own->build(Shape{length, A});
      lane.own->init(opt.seed + 0x9e3779b97f4a7c15ull * static_cast<uint64_t>(t));  // own dropout streams
      lane.own->reserve(share);
      lane.net = lane.own.get();
    }
    lane.x.resize(static_cast<size_t>(share) * length * A);
    lane.y.resize(static_cast<size_t>(share));
    lane.dlogits.resize(static_cast<size_t>(share) * K);
  }
  std::vector<std::vector<Param*>> lane_params;
  for (auto& lane : lanes) lane_params.push_back(lane.net->trainable_params());
  detail::WorkerPool pool(threads);

  TrainResult result;
  result.train_windows = static_cast<int64_t>(n);
  result.validation_windows = static_cast<int64_t>(val_windows.size());
  double best_val = INFINITY;
  int since_best = 0;
  std::vector<std::vector<float>> best;
  using clock = std::chrono::steady_clock;

  // The batch being trained, shared with the threads.
  size_t first = 0;
  int b = 0, per = 0;
  double weight_sum = 0;  // of the whole batch, to scale each share's mean loss
  const std::function<void(int)> work = [&](int t) {
    Lane& lane = lanes[static_cast<size_t>(t)];
    lane.first = std::min(b, t * per);
    lane.count = std::min(b, lane.first + per) - lane.first;
    lane.loss = LossResult{};
    if (lane.count == 0) return;
    gather(set, windows.data(), order.data() + first + static_cast<size_t>(lane.first), lane.count, length,
           model.normalization, lane.x.data(), lane.y.data());
    const float* z = lane.net->forward(lane.x.data(), lane.count, Mode::Train, end);
    lane.loss = softmax_cross_entropy(z, lane.y.data(), lane.count, K, class_weights, lane.dlogits.data());
    if (threads > 1) {  // this share's mean -> its part of the batch mean
      double share_weight = 0;
      for (int i = 0; i < lane.count; ++i) share_weight += class_weights ? class_weights[lane.y[static_cast<size_t>(i)]] : 1.0f;
      const float scale = static_cast<float>(share_weight / weight_sum);
      for (int i = 0; i < lane.count * K; ++i) lane.dlogits[static_cast<size_t>(i)] *= scale;
      lane.loss.loss *= share_weight / weight_sum;
    }
    lane.net->backward(lane.dlogits.data(), lane.count, end);
  };

  for (int epoch = 1; epoch <= opt.epochs; ++epoch) {
    shuffle_rng.shuffle(order);
    const auto t0 = clock::now();
    double loss_sum = 0;
    int64_t correct = 0, seen = 0;
    for (int bi = 0; bi < batches; ++bi) {
      first = static_cast<size_t>(bi) * static_cast<size_t>(batch);
      b = static_cast<int>(std::min<size_t>(static_cast<size_t>(batch), n - first));
      per = (b + threads - 1) / threads;
      weight_sum = 0;
      for (int i = 0; i < b; ++i) {
        const int32_t label = windows[order[first + static_cast<size_t>(i)]].label;
        weight_sum += class_weights ? class_weights[label] : 1.0f;
      }
      // The other threads' copies get the current parameters, batch norm's moving statistics included
      // (here, before any thread runs: the first thread's forward pass updates those statistics).
      for (int t = 1; t < threads; ++t)
        for (size_t li = 0; li < net.size(); ++li)
          for (size_t pi = 0; pi < net.layer(li).params().size(); ++pi)
            lanes[static_cast<size_t>(t)].net->layer(li).params()[pi].value = net.layer(li).params()[pi].value;
      pool.run(work);
      double batch_loss = 0;
      for (int t = 0; t < threads; ++t) {
        const Lane& lane = lanes[static_cast<size_t>(t)];
        batch_loss += lane.loss.loss;
        correct += lane.loss.correct;
        if (t == 0 || lane.count == 0) continue;
        for (size_t pi = 0; pi < params.size(); ++pi) {
          float* g = params[pi]->grad.data();
          const float* h = lane_params[static_cast<size_t>(t)][pi]->grad.data();
          for (size_t i = 0; i < params[pi]->grad.size(); ++i) g[i] += h[i];
        }
      }
      if (!std::isfinite(batch_loss))
        throw Error("training diverged at epoch " + std::to_string(epoch) +
                    " (the loss is not finite); lower the learning rate");
      optimizer->step(params);
      loss_sum += batch_loss * b;
      seen += b;
      if (cb.on_batch)
        cb.on_batch(epoch, bi + 1, batches, loss_sum / static_cast<double>(seen),
                    static_cast<double>(correct) / static_cast<double>(seen));
    }
    EpochStats s;
    s.epoch = epoch;
    s.seconds = std::chrono::duration<double>(clock::now() - t0).count();
    result.train_seconds += s.seconds;
    s.loss = loss_sum / static_cast<double>(seen);
    s.accuracy = static_cast<double>(correct) / static_cast<double>(seen);
    if (!val_windows.empty()) {
      const Pass v = measure(net, set, val_windows, length, model.normalization, nullptr);
      s.val_loss = v.loss;
      s.val_accuracy = v.accuracy;
    }
    result.history.push_back(s);
    if (cb.on_epoch) cb.on_epoch(s);

    if (opt.patience > 0) {
      if (s.val_loss < best_val) {
        best_val = s.val_loss;
        best = snapshot(net);
        result.best_epoch = epoch;
        since_best = 0;
      } else if (++since_best >= opt.patience) {
        result.stopped_early = epoch < opt.epochs;
        break;
      }
    } else {
      result.best_epoch = epoch;
    }
  }
  if (opt.patience > 0 && !best.empty()) restore(net, best);
  result.windows_per_second =
      result.train_seconds > 0 ? static_cast<double>(n) * static_cast<double>(result.history.size()) / result.train_seconds : 0;

  const EpochStats& kept = result.history[static_cast<size_t>(result.best_epoch - 1)];
  TrainingInfo& info = model.training;
  info.seed = opt.seed;
  info.optimizer = optimizer->describe();
  info.batch = opt.batch;
  info.threads = threads;
  info.epochs = opt.epochs;
  info.epochs_run = static_cast<int>(result.history.size());
  info.history = result.history;
  info.best_epoch = result.best_epoch;
  info.train_windows = result.train_windows;
  info.validation_windows = result.validation_windows;
  info.train_seconds = result.train_seconds;
  info.train_accuracy = kept.accuracy;
  info.validation_accuracy = val_windows.empty() ? -1 : kept.val_accuracy;
  return result;
}

Metrics evaluate(Model& model, const RecordingSet& set, const std::vector<Window>& windows,
                 std::vector<int>* predictions) {
  if (set.labels != model.labels) throw Error("the data's labels are not the model's labels (same names, same order)");
  if (set.axis_count() != static_cast<int>(model.axes.size()))
    throw Error("the data has " + std::to_string(set.axis_count()) + " axes but the model takes " +
                std::to_string(model.axes.size()));
  std::vector<int> predicted, truth;
  predicted.reserve(windows.size());
  const Pass p = measure(model.net, set, windows, model.window, model.normalization, &predicted);
  for (const auto& w : windows) truth.push_back(w.label);
  Metrics m = compute_metrics(truth, predicted, model.labels);
  m.loss = p.loss;
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
