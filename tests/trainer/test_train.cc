// The training loop on synthetic data: it learns, it is deterministic, it stops early when asked, and
// it refuses bad data and options with messages that say what to do.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <thread>

#include "synthetic_data.h"
#include "tml/trainer/architecture.h"
#include "tml/trainer/error.h"
#include "tml/trainer/random.h"
#include "tml/trainer/train.h"

using namespace tml::trainer;

namespace {

std::vector<float> all_weights(const Model& m) {
  std::vector<float> out;
  for (size_t i = 0; i < m.net.size(); ++i)
    for (const auto& p : m.net.layer(i).params()) out.insert(out.end(), p.value.begin(), p.value.end());
  return out;
}

TrainOptions quick(int epochs) {
  TrainOptions o;
  o.window = {50, 25};
  o.epochs = epochs;
  o.batch = 16;
  return o;
}

}  // namespace

TEST_CASE("both presets learn separable synthetic data", "[train]") {
  const RecordingSet data = tml::test::synthetic_recordings(8, 300, 1);
  for (const char* preset : {"conv1d", "dense"}) {
    Model m;
    m.net = make_preset(preset, 3);
    const TrainResult r = train(m, data, quick(15));
    INFO(preset);
    CHECK(r.train_windows == 8 * 3 * 11);
    CHECK(r.history.size() == 15);
    CHECK(r.history.back().loss < r.history.front().loss);
    CHECK(r.windows_per_second > 0);
    const Metrics test = evaluate(m, data, Split::Test);
    CHECK(test.count == 4 * 3 * 11);
    CHECK(test.accuracy >= 0.9);
    // The model carries what inference needs.
    CHECK(m.labels == data.labels);
    CHECK(m.window == 50);
    CHECK(m.stride == 25);
    CHECK(m.rate_hz == 50);
    CHECK(m.axes[0].unit == "g");
    CHECK(m.normalization.mean[0] == Approx(3.0f).margin(0.1f));
    CHECK(m.training.epochs_run == 15);
    m.validate();
  }
}

TEST_CASE("the same seed gives bit-identical weights and metrics and another seed does not", "[train]") {
  const RecordingSet data = tml::test::synthetic_recordings(4, 200, 2);
  auto run = [&](uint64_t seed) {
    Model m;
    m.net = parse_architecture(R"([{"type": "conv1d", "filters": 4, "kernel": 3, "activation": "relu"},
                                   {"type": "batchnorm"}, {"type": "maxpool1d", "pool": 2}, {"type": "dropout", "rate": 0.2},
                                   {"type": "flatten"}, {"type": "dense", "units": "classes"}, {"type": "softmax"}])",
                               3);
    TrainOptions o = quick(4);
    o.seed = seed;
    o.validation = 0.25f;
    const TrainResult r = train(m, data, o);
    const Metrics t = evaluate(m, data, Split::Test);
    return std::make_tuple(all_weights(m), r.history.back().loss, r.history.back().val_loss, t.accuracy, t.loss);
  };
  const auto a = run(11), b = run(11), c = run(12);
  CHECK(std::get<0>(a) == std::get<0>(b));
  CHECK(std::get<1>(a) == std::get<1>(b));
  CHECK(std::get<2>(a) == std::get<2>(b));
  CHECK(std::get<3>(a) == std::get<3>(b));
  CHECK(std::get<4>(a) == std::get<4>(b));
  CHECK(std::get<0>(a) != std::get<0>(c));
}

TEST_CASE("training on several threads is deterministic for a given thread count and still learns", "[train]") {
  const RecordingSet data = tml::test::synthetic_recordings(6, 300, 12);
  auto run = [&](int threads) {
    Model m;
    m.net = parse_architecture(R"([{"type": "conv1d", "filters": 8, "kernel": 5, "activation": "relu"},
                                   {"type": "maxpool1d", "pool": 2}, {"type": "batchnorm"},
                                   {"type": "conv1d", "filters": 16, "kernel": 5, "activation": "relu"},
                                   {"type": "maxpool1d", "pool": 2}, {"type": "dropout", "rate": 0.1},
                                   {"type": "flatten"}, {"type": "dense", "units": "classes"}, {"type": "softmax"}])",
                               3);
    TrainOptions o = quick(15);
    o.threads = threads;
    o.batch = 13;  // shares of 7 and 6, and a last batch of another size
    train(m, data, o);
    return std::make_pair(all_weights(m), evaluate(m, data, Split::Test).accuracy);
  };
  const auto a = run(2), b = run(2), c = run(3), one = run(1);
  CHECK(a.first == b.first);
  CHECK(a.first != one.first);  // shares round differently: same maths, other summation order
  CHECK(a.second >= 0.9);
  CHECK(c.second >= 0.9);
  CHECK(one.second >= 0.9);
  // More threads than examples in a batch: the extra threads have nothing to do.
  Model m;
  m.net = make_preset("dense", 3);
  TrainOptions o = quick(2);
  o.batch = 2;
  o.threads = 4;
  CHECK(train(m, data, o).history.size() == 2);
}

TEST_CASE("the recommended thread count grows with the work in a batch and stops at the cores", "[train]") {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  CHECK(recommended_threads(20544, 32) == 1);  // the dense reference model: 0.66 M MACs a batch
  CHECK(recommended_threads(90336, 32) == std::min(cores, 2));  // conv1d: 2.9 M
  CHECK(recommended_threads(100000000, 4) == std::min(cores, 4));  // never more than the batch
  CHECK(recommended_threads(0, 32) == 1);
}

TEST_CASE("early stopping keeps the weights of the best validation epoch", "[train]") {
  // Labels drawn at random: nothing generalises, so the validation loss soon rises.
  RecordingSet data = tml::test::synthetic_recordings(6, 200, 3, 0.0f);
  Rng rng(5);
  for (auto& r : data.recordings) r.label = static_cast<int>(rng.below(3));
  for (int k = 0; k < 3; ++k) data.recordings[static_cast<size_t>(k)].label = k;  // every label present
  for (int k = 0; k < 3; ++k) data.recordings[static_cast<size_t>(k + 3)].label = k;
  Model m;
  m.net = make_preset("dense", 3);
  TrainOptions o = quick(60);
  o.validation = 0.3f;
  o.patience = 3;
  o.learning_rate = 3e-3f;
  const TrainResult r = train(m, data, o);
  REQUIRE(r.stopped_early);
  CHECK(r.history.size() == static_cast<size_t>(r.best_epoch + o.patience));
  double best = 1e9;
  for (const auto& e : r.history) best = std::min(best, e.val_loss);
  CHECK(r.history[static_cast<size_t>(r.best_epoch - 1)].val_loss == best);
  CHECK(m.training.best_epoch == r.best_epoch);
  CHECK(m.training.epochs_run == static_cast<int>(r.history.size()));
  // The kept weights give the best epoch's validation loss again.
  const auto [train_recs, val_recs] = split_validation(data, o.validation, o.seed);
  const Metrics v = evaluate(m, data, make_windows(data, val_recs, o.window));
  CHECK(v.loss == Approx(best).epsilon(1e-9));
}

TEST_CASE("sgd with momentum and class weights also train", "[train]") {
  const RecordingSet data = tml::test::synthetic_recordings(8, 300, 4);
  Model m;
  m.net = make_preset("dense", 3);
  TrainOptions o = quick(15);
  o.optimizer = OptimizerKind::Sgd;
  o.learning_rate = 0.02f;
  o.class_weights = balanced_class_weights(data, o.window);
  REQUIRE(o.class_weights.size() == 3);
  CHECK(o.class_weights[0] == Approx(1.0f));  // balanced data: all 1
  train(m, data, o);
  CHECK(evaluate(m, data, Split::Test).accuracy >= 0.9);
  CHECK(m.training.optimizer == "sgd lr 0.02 momentum 0.9");
}

TEST_CASE("bad data is refused with a message that says what to do", "[train]") {
  const RecordingSet good = tml::test::synthetic_recordings(2, 120, 6);
  auto fails = [](RecordingSet data, TrainOptions o, const std::string& message) {
    Model m;
    m.net = make_preset("dense", static_cast<int>(data.labels.size()));
    INFO(message);
    CHECK_THROWS_WITH(train(m, data, o), Catch::Contains(message));
  };
  RecordingSet no_train = good;
  for (auto& r : no_train.recordings) r.split = Split::Test;
  fails(no_train, quick(1), "the dataset has no training recordings");
  RecordingSet empty = good;
  empty.recordings.clear();
  fails(empty, quick(1), "the dataset has no training recordings");
  RecordingSet missing_label = good;
  missing_label.labels.push_back("ghost");
  fails(missing_label, quick(1), "label 'ghost' has no training recordings");
  TrainOptions long_window = quick(1);
  long_window.window = {121, 10};
  fails(good, long_window, "the window (121 rows = 2.42 s) is longer than every training recording (longest 120 rows");
  RecordingSet nan = good;
  nan.recordings[3].values[17] = std::numeric_limits<float>::quiet_NaN();
  fails(nan, quick(1), "has a non-finite value (nan) at row 9, axis y");
  RecordingSet one_label = good;
  one_label.labels = {"only"};
  for (auto& r : one_label.recordings) r.label = 0;
  fails(one_label, quick(1), "a classifier needs at least two");
  TrainOptions bad = quick(0);
  fails(good, bad, "epochs must be at least 1");
  bad = quick(1);
  bad.patience = 2;
  fails(good, bad, "early stopping (patience) needs a validation share");
  bad = quick(1);
  bad.class_weights = {1, 2};
  fails(good, bad, "3 labels but 2 class weights");
  bad = quick(1);
  bad.validation = 0.3f;
  RecordingSet one_each = tml::test::synthetic_recordings(1, 120, 7);
  fails(one_each, bad, "each label needs at least two training recordings");
  bad = quick(3);
  bad.learning_rate = 1e30f;
  bad.optimizer = OptimizerKind::Sgd;
  fails(good, bad, "lower the learning rate");
}

TEST_CASE("an architecture whose output is not one value per label is refused", "[train]") {
  const RecordingSet data = tml::test::synthetic_recordings(2, 120, 8);
  Model m;
  m.net = parse_architecture(R"([{"type": "flatten"}, {"type": "dense", "units": 7}])", 3);
  CHECK_THROWS_WITH(train(m, data, quick(1)), Catch::Contains("end the network with a dense layer of \"classes\" units"));
}

TEST_CASE("evaluation needs the model's labels and axes", "[train]") {
  const RecordingSet data = tml::test::synthetic_recordings(2, 120, 9);
  Model m;
  m.net = make_preset("dense", 3);
  train(m, data, quick(1));
  RecordingSet other = data;
  other.labels = {"mid", "slow", "fast"};
  CHECK_THROWS_WITH(evaluate(m, other, Split::Test), Catch::Contains("labels are not the model's labels"));
  RecordingSet no_test = data;
  for (auto& r : no_test.recordings) r.split = Split::Train;
  CHECK_THROWS_WITH(evaluate(m, no_test, Split::Test), Catch::Contains("no test recordings"));
}
