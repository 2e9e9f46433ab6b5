// The host side of anomaly detection (trainer/anomaly.h): k-means finds separated clusters, ROC AUC and
// the false-alarm threshold by their definitions, the K-means detector on spectral features of synthetic
// machine vibrations (a new frequency or a wobble is flagged, normal windows are not), its clear errors for
// bad input, and a classifier carrying a K-means block whose arena keeps the input through the run.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "tml/model.h"
#include "tml/trainer/anomaly.h"
#include "tml/trainer/blob.h"
#include "tml/trainer/blob_writer.h"
#include "tml/trainer/error.h"

using namespace tml::trainer;
using Catch::Matchers::Contains;

namespace {

// Windows [count][208][3] of a vibrating machine: a tone at `hz` on x and y (y a quarter turn later),
// gravity on z, noise; `wobble` adds a slow sway at 1.3 Hz.
std::vector<float> vibration(int count, double hz, double wobble, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, 0.15f);
  std::uniform_real_distribution<double> phase(0, 6.283), amp(0.8, 1.2);
  std::vector<float> x;
  for (int w = 0; w < count; ++w) {
    const double p = phase(rng), a = amp(rng);
    for (int t = 0; t < 208; ++t) {
      const double s = double(t) / 104.0;
      x.push_back(float(a * std::sin(6.283 * hz * s + p) + wobble * std::sin(6.283 * 1.3 * s)) + noise(rng));
      x.push_back(float(a * std::cos(6.283 * hz * s + p)) + noise(rng));
      x.push_back(9.81f + noise(rng));
    }
  }
  return x;
}

std::vector<double> as_double(const std::vector<int32_t>& v) { return std::vector<double>(v.begin(), v.end()); }

}  // namespace

TEST_CASE("anomaly: k-means finds well-separated clusters", "[anomaly]") {
  std::mt19937 rng(1);
  std::normal_distribution<float> noise(0.0f, 0.1f);
  const float where[3][2] = {{0, 0}, {5, 5}, {-4, 6}};
  std::vector<float> points;
  for (int i = 0; i < 300; ++i) {
    points.push_back(where[i % 3][0] + noise(rng));
    points.push_back(where[i % 3][1] + noise(rng));
  }
  const std::vector<float> c = kmeans(points, 2, 3, 7);
  REQUIRE(c.size() == 6);
  for (const auto& w : where) {
    double best = 1e9;
    for (int k = 0; k < 3; ++k) best = std::min(best, std::hypot(double(c[size_t(2 * k)] - w[0]), double(c[size_t(2 * k + 1)] - w[1])));
    CHECK(best < 0.05);
  }
  CHECK_THROWS_WITH(kmeans(points, 2, 301, 1), Contains("at least as many points"));
}

TEST_CASE("anomaly: ROC AUC and the false-alarm threshold follow their definitions", "[anomaly]") {
  CHECK(roc_auc({1, 2, 3}, {4, 5}) == 1.0);
  CHECK(roc_auc({4, 5}, {1, 2, 3}) == 0.0);
  CHECK(roc_auc({1, 1}, {1, 1}) == 0.5);
  // Pairs: (a=2 vs n=1) win, (2 vs 3) loss, (3 vs 1) win, (3 vs 3) tie: (1 + 0 + 1 + 0.5) / 4.
  CHECK(roc_auc({1, 3}, {2, 3}) == Approx(0.625));
  CHECK_THROWS(roc_auc({}, {1}));

  const std::vector<int32_t> s = {5, 1, 9, 3, 7, 2, 8, 4, 6, 10};
  CHECK(threshold_at_false_alarm_rate(s, 0.0) == 10);  // nothing above
  CHECK(threshold_at_false_alarm_rate(s, 0.1) == 9);   // one of ten above
  CHECK(threshold_at_false_alarm_rate(s, 0.25) == 8);  // floor(2.5) = 2 above
  CHECK_THROWS(threshold_at_false_alarm_rate({}, 0.1));
  CHECK_THROWS(threshold_at_false_alarm_rate(s, 1.0));
}

TEST_CASE("anomaly: the K-means detector flags a new frequency and a wobble but not normal windows", "[anomaly]") {
  AnomalyOptions o;
  o.clusters = 4;
  o.false_alarm_rate = 0.05;
  const AnomalyDetector d = train_anomaly_detector(vibration(120, 12.0, 0, 1), vibration(60, 12.0, 0, 2), o);
  CHECK(d.clusters == 4);
  CHECK(d.features == 75);  // 3 axes x (RMS, skewness, kurtosis, 16 bands, 3 peaks x 2)
  const Blob blob(d.blob);
  CHECK(blob.header().layer_count == 0);
  CHECK(blob.model().anomaly.kind == TML_ANOMALY_KMEANS);
  CHECK(blob.model().anomaly.record.threshold == d.threshold);

  const std::vector<int32_t> normal = anomaly_scores(d.blob, vibration(80, 12.0, 0, 3));
  const std::vector<int32_t> tone = anomaly_scores(d.blob, vibration(80, 20.0, 0, 4));
  const std::vector<int32_t> wobble = anomaly_scores(d.blob, vibration(80, 12.0, 1.5, 5));
  CHECK(roc_auc(as_double(normal), as_double(tone)) > 0.99);
  CHECK(roc_auc(as_double(normal), as_double(wobble)) > 0.95);
  int false_alarms = 0, caught = 0;
  for (int32_t v : normal) false_alarms += v > d.threshold;
  for (int32_t v : tone) caught += v > d.threshold;
  CHECK(false_alarms <= 12);  // 5 % of 80 expected, on windows never seen
  CHECK(caught >= 76);
  // Same data and seed: the same blob.
  CHECK(train_anomaly_detector(vibration(120, 12.0, 0, 1), vibration(60, 12.0, 0, 2), o).blob == d.blob);
}

TEST_CASE("anomaly: plain distance scores every cluster with one scale and no radius", "[anomaly]") {
  AnomalyOptions o;
  o.clusters = 4;
  o.per_cluster_scaling = false;
  const AnomalyDetector d = train_anomaly_detector(vibration(120, 12.0, 0, 1), vibration(60, 12.0, 0, 2), o);
  const Blob blob(d.blob);
  const tml_anomaly& a = blob.model().anomaly;
  REQUIRE(a.record.clusters == 4);
  std::vector<int32_t> radius(4), multiplier(4), shift(4);
  std::memcpy(radius.data(), a.block + a.record.radius_offset, 16);
  std::memcpy(multiplier.data(), a.block + a.record.multiplier_offset, 16);
  std::memcpy(shift.data(), a.block + a.record.shift_offset, 16);
  for (int k = 0; k < 4; ++k) {
    CHECK(radius[size_t(k)] == 0);
    CHECK(multiplier[size_t(k)] == multiplier[0]);
    CHECK(shift[size_t(k)] == shift[0]);
  }
  // It still separates a new frequency from normal operation.
  const std::vector<int32_t> normal = anomaly_scores(d.blob, vibration(80, 12.0, 0, 3));
  const std::vector<int32_t> tone = anomaly_scores(d.blob, vibration(80, 20.0, 0, 4));
  CHECK(roc_auc(as_double(normal), as_double(tone)) > 0.99);
  for (int32_t v : normal) CHECK(v >= 0);  // a distance, never negative
}

TEST_CASE("anomaly: bad input to the detector gives a clear error", "[anomaly]") {
  AnomalyOptions o;
  o.clusters = 2;
  CHECK_THROWS_WITH(train_anomaly_detector({}, {}, o), Contains("no normal windows"));
  CHECK_THROWS_WITH(train_anomaly_detector(vibration(1, 12, 0, 1), {}, o), Contains("a single normal window"));
  std::vector<float> nan = vibration(10, 12, 0, 1);
  nan[3 * 208 * 3 + 5] = std::nanf("");
  CHECK_THROWS_WITH(train_anomaly_detector(nan, {}, o), Contains("window 3 holds a NaN"));
  CHECK_THROWS_WITH(train_anomaly_detector(std::vector<float>(10 * 208 * 3, 0.5f), {}, o), Contains("never vary"));
  CHECK_THROWS_WITH(train_anomaly_detector(std::vector<float>(100, 0.5f), {}, o), Contains("not whole windows"));
  CHECK_THROWS_WITH(anomaly_scores({1, 2, 3}, {}), Contains("invalid"));
  o.clusters = 30;
  CHECK_THROWS_WITH(train_anomaly_detector(vibration(20, 12, 0, 1), {}, o), Contains("20 normal windows for 30 clusters"));
  // The autoencoder refuses the same data, and layers it cannot build.
  AnomalyOptions ae;
  ae.method = AnomalyMethod::autoencoder;
  CHECK_THROWS_WITH(train_anomaly_detector({}, {}, ae), Contains("no normal windows"));
  CHECK_THROWS_WITH(train_anomaly_detector(vibration(1, 12, 0, 1), {}, ae), Contains("a single normal window"));
  CHECK_THROWS_WITH(train_anomaly_detector(nan, {}, ae), Contains("window 3 holds a NaN"));
  CHECK_THROWS_WITH(train_anomaly_detector(std::vector<float>(10 * 208 * 3, 0.5f), {}, ae), Contains("never vary"));
  ae.hidden = {};
  CHECK_THROWS_WITH(train_anomaly_detector(vibration(10, 12, 0, 1), {}, ae), Contains("at least one hidden layer"));
  ae.hidden = {16, 0};
  CHECK_THROWS_WITH(train_anomaly_detector(vibration(10, 12, 0, 1), {}, ae), Contains("1 to 4096 units, not 0"));
  CHECK(parse_anomaly_method("autoencoder") == AnomalyMethod::autoencoder);
  CHECK_THROWS_AS(parse_anomaly_method("pca"), tml::UsageError);
}

TEST_CASE("anomaly: the autoencoder reconstructs normal windows and flags a new frequency and a wobble", "[anomaly]") {
  AnomalyOptions o;
  o.method = AnomalyMethod::autoencoder;
  o.hidden = {32, 8, 32};
  o.epochs = 60;
  o.restarts = 2;
  o.false_alarm_rate = 0.05;
  const AnomalyDetector d = train_anomaly_detector(vibration(160, 12.0, 0, 1), vibration(60, 12.0, 0, 2), o);
  CHECK(d.features == 75);
  CHECK(d.clusters == 0);
  CHECK(d.train_loss > 0);
  CHECK(d.train_loss < 0.9);  // standardised features: predicting their mean would cost about 1
  const Blob blob(d.blob);
  const tml_model& m = blob.model();
  CHECK(m.anomaly.kind == TML_ANOMALY_AUTOENCODER);
  CHECK(blob.header().layer_count == 4);  // 75 -> 32 -> 8 -> 32 -> 75
  CHECK(tml_model_output_size(&m) == 75);
  CHECK(tml_model_class_count(&m) == 0);
  // The reconstruction is in the input's quantization, so the board compares them value by value.
  tml_layer_record last;
  REQUIRE(tml_model_layer(&m, blob.header().layer_count - 1, &last) == TML_OK);
  CHECK(last.output_scale == blob.header().input_scale);
  CHECK(last.output_zero_point == blob.header().input_zero_point);
  CHECK(m.anomaly.record.threshold == d.threshold);

  const std::vector<int32_t> normal = anomaly_scores(d.blob, vibration(80, 12.0, 0, 3));
  const std::vector<int32_t> tone = anomaly_scores(d.blob, vibration(80, 20.0, 0, 4));
  const std::vector<int32_t> wobble = anomaly_scores(d.blob, vibration(80, 12.0, 1.5, 5));
  CHECK(roc_auc(as_double(normal), as_double(tone)) > 0.99);
  CHECK(roc_auc(as_double(normal), as_double(wobble)) > 0.95);
  // Scores are the squared error over the training windows' mean: a usual window scores about 1.0.
  std::vector<int32_t> sorted = normal;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted[sorted.size() / 2] > (1 << 16) / 4);
  CHECK(sorted[sorted.size() / 2] < 4 << 16);
  int false_alarms = 0;
  for (int32_t v : normal) false_alarms += v > d.threshold;
  CHECK(false_alarms <= 12);
  // Deterministic.
  CHECK(train_anomaly_detector(vibration(160, 12.0, 0, 1), vibration(60, 12.0, 0, 2), o).blob == d.blob);
}

TEST_CASE("anomaly: a K-means block added to a model over its own network input", "[anomaly][model]") {
  // A "classifier" over [1][4] inputs (one dense layer), its K-means block learned from normal inputs near
  // (1, 1, 1, 1) and (-1, -1, -1, -1); inputs far from both score higher.
  QuantizedModel m;
  m.input_time = 1;
  m.input_channels = 4;
  m.input_scale = 3.0f / 127;
  m.input_zero_point = 0;
  m.mean = {0, 0, 0, 0};
  m.inv_std = {1, 1, 1, 1};
  QuantizedLayer l;
  l.kind = TML_LAYER_FULLY_CONNECTED;
  l.units = 2;
  l.weights = {10, 10, 10, 10, -10, -10, -10, -10};
  l.bias = {0, 0};
  l.output_scale = 0.1f;
  set_requantization(l, m.input_scale, std::vector<double>(2, 0.01), 0.1);
  m.layers = {l};
  m.labels = {"up", "down"};
  std::mt19937 rng(3);
  std::normal_distribution<float> noise(0.0f, 0.2f);
  const auto inputs = [&](int count, float centre_a, float centre_b) {
    std::vector<float> x;
    for (int i = 0; i < count; ++i)
      for (int d = 0; d < 4; ++d) x.push_back((i % 2 ? centre_a : centre_b) + noise(rng));
    return x;
  };
  AnomalyOptions o;
  o.clusters = 2;
  o.false_alarm_rate = 0.05;
  const int32_t threshold = add_kmeans_block(m, inputs(100, 1, -1), inputs(40, 1, -1), o);
  const std::vector<uint8_t> blob = write_model_blob(m);
  const Blob b(blob);
  CHECK(b.model().anomaly.kind == TML_ANOMALY_KMEANS);
  CHECK(b.model().anomaly.record.clusters == 2);
  CHECK(b.model().anomaly.record.threshold == threshold);
  CHECK(tml_model_class_count(&b.model()) == 2);
  // Scored through the whole model (its raw input is the network input: no front end).
  const std::vector<int32_t> normal = anomaly_scores(blob, inputs(40, 1, -1));
  const std::vector<int32_t> odd = anomaly_scores(blob, inputs(40, 0, 2));
  CHECK(roc_auc(as_double(normal), as_double(odd)) > 0.99);
  CHECK_THROWS_WITH(add_kmeans_block(m, {}, {}, o), Contains("no normal windows"));
  CHECK_THROWS_WITH(add_kmeans_block(m, {1, 2, 3}, {}, o), Contains("not whole windows of 4"));
}

TEST_CASE("anomaly: a classifier with a K-means block keeps its input through the run", "[anomaly][model]") {
  // Dense 6 -> 4 (ReLU) -> dense 3 -> softmax over an input of [2][3], and a K-means block over the input.
  std::mt19937 rng(2);
  QuantizedModel m;
  m.input_time = 2;
  m.input_channels = 3;
  m.input_scale = 0.05f;
  m.input_zero_point = -3;
  const auto dense = [&](int units, int inputs, bool relu, float out_scale) {
    QuantizedLayer l;
    l.kind = TML_LAYER_FULLY_CONNECTED;
    l.units = units;
    for (int i = 0; i < units * inputs; ++i) l.weights.push_back(int8_t(int(rng() % 255) - 127));
    for (int i = 0; i < units; ++i) l.bias.push_back(int32_t(rng() % 2000) - 1000);
    l.output_scale = out_scale;
    l.output_zero_point = relu ? -128 : 0;
    l.act_min = relu ? -128 : -128;
    return l;
  };
  QuantizedLayer l1 = dense(4, 6, true, 0.1f), l2 = dense(3, 4, false, 0.2f);
  set_requantization(l1, 0.05, std::vector<double>(4, 0.01), 0.1);
  set_requantization(l2, 0.1, std::vector<double>(3, 0.01), 0.2);
  m.layers = {l1, l2, softmax_layer(0.2)};
  const std::vector<uint8_t> plain = write_model_blob(m);
  m.anomaly = kmeans_anomaly_block(6, {0, 10, -10, 20, 5, 5, 100, 90, -80, 70, 60, -50}, {0, 512}, {1 << 30, 1 << 30},
                                   {9, 9}, 2 << 16);
  const Blob with(write_model_blob(m));
  const tml_model& model = with.model();
  CHECK(model.anomaly.kind == TML_ANOMALY_KMEANS);
  CHECK(tml_model_class_count(&model) == 3);
  CHECK(tml_model_arena_size(&model) >= Blob(plain).model().header.arena_size);
  // The plan keeps the input: the score after the run equals the score of the input itself.
  std::vector<uint32_t> arena(tml_model_arena_size(&model) / 4);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<int8_t> in(6);
    for (auto& v : in) v = int8_t(int(rng() % 256) - 128);
    std::memcpy(tml_model_input(&model, arena.data()), in.data(), 6);
    REQUIRE(tml_model_run(&model, arena.data(), arena.size() * 4, nullptr, nullptr) == TML_OK);
    CHECK(std::memcmp(tml_model_input(&model, arena.data()), in.data(), 6) == 0);
    tml_anomaly_result after, direct;
    REQUIRE(tml_model_anomaly(&model, arena.data(), arena.size() * 4, &after) == TML_OK);
    REQUIRE(tml_anomaly_score(&model.anomaly, in.data(), nullptr, &direct) == TML_OK);
    CHECK(after.score == direct.score);
    CHECK(after.cluster == direct.cluster);
  }
  // The writer names a block of the wrong length.
  m.anomaly = kmeans_anomaly_block(5, std::vector<int8_t>(5, 0), {0}, {1 << 30}, {0}, 0);
  CHECK_THROWS_WITH(write_model_blob(m), Contains("scores 5 values but the model input has 6"));
}
