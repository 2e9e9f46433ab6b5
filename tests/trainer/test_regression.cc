// Regression and multi-output models (docs/regression.md): the value loss and its gradient, training on
// data with a known answer (TFLM's hello-world sine, a linear function of a window's mean), int8 within
// 2 % of the target range of float, a class head and a value head together, and the files that carry
// them (model JSON, blob heads table, exported header).
#include <catch2/catch.hpp>
#include <cmath>

#include "synthetic_data.h"
#include "tml/trainer/architecture.h"
#include "tml/trainer/error.h"
#include "tml/trainer/float_model.h"
#include "tml/trainer/int8_model.h"
#include "tml/trainer/loss.h"
#include "tml/trainer/model_header.h"
#include "tml/trainer/quantize.h"
#include "tml/trainer/train.h"

using namespace tml::trainer;

namespace {

// Trains `net` for the set's targets; `classify` adds the class head.
Model fit(Sequential net, const RecordingSet& set, WindowSpec window, int epochs, bool classify, uint64_t seed = 1) {
  Model m;
  m.net = std::move(net);
  TrainOptions o;
  o.window = window;
  o.epochs = epochs;
  o.batch = 32;
  o.learning_rate = 3e-3f;
  o.seed = seed;
  o.classify = classify;
  o.targets = set.targets;
  train(m, set, o);
  return m;
}

// The hello-world network: 1 -> 16 -> 16 -> 1.
Sequential hello_world() {
  return parse_architecture(R"([{"type": "flatten"}, {"type": "dense", "units": 16, "activation": "relu"},
                                {"type": "dense", "units": 16, "activation": "relu"}, {"type": "dense", "units": "classes"}])",
                            1);
}

std::vector<Window> test_windows(const RecordingSet& set, const Model& m) {
  return make_windows(set, recordings_of(set, Split::Test), WindowSpec{m.window, m.stride});
}

}  // namespace

TEST_CASE("the value loss: MSE and Huber with their gradients and the class part unchanged", "[regression][loss]") {
  // Two examples, two classes and two values per example.
  const float z[] = {0.5f, -0.2f, 1.5f, -0.4f, /**/ -1.0f, 0.3f, -2.5f, 0.1f};
  const int32_t y[] = {0, 1};
  const float t[] = {1.0f, 0.0f, 0.0f, 0.5f};
  for (ValueLoss kind : {ValueLoss::Mse, ValueLoss::Huber}) {
    OutputLoss spec;
    spec.classes = 2;
    spec.values = 2;
    spec.kind = kind;
    spec.delta = 1.0f;
    spec.weight = 0.5f;
    float dz[8];
    const LossResult r = output_loss(spec, z, y, t, 2, 1.0, 1.0, dz);
    // By hand: the class part is softmax_cross_entropy on the logits alone.
    const float logits[] = {0.5f, -0.2f, -1.0f, 0.3f};
    float dlogits[4];
    const LossResult ce = softmax_cross_entropy(logits, y, 2, 2, nullptr, dlogits);
    double value = 0;
    const double e[] = {0.5, -0.4, -2.5, -0.4};
    for (double v : e)
      value += kind == ValueLoss::Mse ? v * v : (std::fabs(v) <= 1 ? 0.5 * v * v : std::fabs(v) - 0.5);
    CHECK(r.loss == Approx(ce.loss + 0.5 * value / 4).epsilon(1e-9));
    CHECK(r.correct == ce.correct);
    CHECK(r.abs_error == Approx((0.5 + 0.4) / 2 + (2.5 + 0.4) / 2));
    CHECK(dz[0] == dlogits[0]);
    CHECK(dz[5] == dlogits[3]);
    // Numerical gradient of every output.
    for (int i = 0; i < 8; ++i) {
      float zp[8], zm[8];
      std::copy(z, z + 8, zp);
      std::copy(z, z + 8, zm);
      const float h = 1e-3f;
      zp[i] += h;
      zm[i] -= h;
      const double numeric = (output_loss(spec, zp, y, t, 2, 1.0, 1.0, nullptr).loss -
                              output_loss(spec, zm, y, t, 2, 1.0, 1.0, nullptr).loss) / (2 * h);
      INFO("output " << i << (kind == ValueLoss::Mse ? " mse" : " huber"));
      CHECK(dz[i] == Approx(numeric).margin(2e-4));
    }
  }
  // Huber is linear beyond delta: its gradient there is +-delta * weight / (n * values).
  OutputLoss huber;
  huber.values = 1;
  huber.kind = ValueLoss::Huber;
  huber.delta = 0.5f;
  const float far[] = {10.0f}, zero[] = {0.0f};
  float d[1];
  output_loss(huber, far, nullptr, zero, 1, 1.0, 1.0, d);
  CHECK(d[0] == Approx(0.5f));
}

TEST_CASE("hello world: a dense network learns sin(x) and int8 stays within 2 % of the range", "[regression][train]") {
  const RecordingSet set = tml::test::sine_regression(2000, 7);
  Model m = fit(hello_world(), set, WindowSpec{1, 1}, 150, false);
  REQUIRE(m.task() == "regression");
  REQUIRE(m.labels.empty());
  REQUIRE(m.values.size() == 1);
  CHECK(m.values[0].name == "y");
  CHECK(std::fabs(m.values[0].mean) < 0.1f);     // the targets' mean, about 0
  CHECK(m.values[0].std == Approx(0.707).margin(0.05));  // and std, about 1/sqrt(2)
  const auto windows = test_windows(set, m);
  const Metrics f = evaluate(m, set, windows);
  REQUIRE(f.values.size() == 1);
  INFO("float MAE " << f.values[0].mae << " RMSE " << f.values[0].rmse << " R2 " << f.values[0].r2);
  CHECK(!f.has_classes);
  CHECK(f.values[0].mae < 0.05);  // TFLM's hello world reaches about 0.05 with this network
  CHECK(f.values[0].r2 > 0.99);

  QuantizeResult q = quantize(m, set, make_windows(set, recordings_of(set, Split::Train), WindowSpec{1, 1}));
  Int8Model int8(q.blob);
  CHECK(int8.classes() == 0);
  REQUIRE(int8.value_count() == 1);
  CHECK(int8.value_names() == std::vector<std::string>{"y"});
  const Metrics i = evaluate(int8, set, windows);
  const double range = f.values[0].truth_max - f.values[0].truth_min;
  INFO("int8 MAE " << i.values[0].mae << ", range " << range);
  CHECK(std::fabs(i.values[0].mae - f.values[0].mae) <= 0.02 * range);
  // compare() reports the same int8 figures as evaluate() of the blob.
  const Comparison c = compare(m, q, set, windows);
  CHECK(c.int8_metrics.values[0].mae == i.values[0].mae);
  CHECK(c.float_metrics.values[0].mae == Approx(f.values[0].mae));
}

TEST_CASE("a linear function of a window's mean is learnt by the conv1d preset", "[regression][train]") {
  const RecordingSet set = tml::test::mean_regression(60, 50, 3);
  Model m = fit(make_preset("conv1d", 1, false), set, WindowSpec{50, 50}, 60, false);
  const Metrics f = evaluate(m, set, test_windows(set, m));
  INFO("MAE " << f.values[0].mae << " R2 " << f.values[0].r2);
  CHECK(f.values[0].mae < 0.08);  // targets span about -3 .. 1; the noise of a 50-row mean is about 0.05
  CHECK(f.values[0].r2 > 0.95);
  CHECK(m.training.task == "regression");
  CHECK(m.training.value_loss == "mse");
  CHECK(m.training.train_mae > 0);
}

TEST_CASE("a multi-output model: a class head and a value head train and quantize and export together",
          "[regression][multi]") {
  const RecordingSet set = tml::test::mean_regression(60, 50, 5);
  Model m = fit(make_preset("conv1d", 3, false), set, WindowSpec{50, 50}, 60, true);
  REQUIRE(m.task() == "multi");
  CHECK(m.labels == set.labels);
  const auto windows = test_windows(set, m);
  const Metrics f = evaluate(m, set, windows);
  CHECK(f.has_classes);
  CHECK(f.accuracy > 0.95);
  CHECK(f.values[0].mae < 0.15);

  // The model file keeps the heads.
  const Model back = model_from_json(model_to_json(m), "m.model");
  REQUIRE(back.values.size() == 1);
  CHECK(back.values[0].name == "level");
  CHECK(back.values[0].unit == "V");
  CHECK(back.values[0].mean == m.values[0].mean);
  CHECK(back.values[0].std == m.values[0].std);
  CHECK(model_to_json(back) == model_to_json(m));

  QuantizeResult q = quantize(m, set, make_windows(set, recordings_of(set, Split::Train), WindowSpec{50, 50}));
  Int8Model int8(q.blob);
  CHECK(int8.classes() == 2);
  CHECK(int8.labels() == set.labels);
  CHECK(int8.value_names() == std::vector<std::string>{"level"});
  CHECK(tml_model_class_count(&int8.model()) == 2);
  const Metrics i = evaluate(int8, set, windows);
  CHECK(i.accuracy >= f.accuracy - 0.05);
  CHECK(std::fabs(i.values[0].mae - f.values[0].mae) <= 0.02 * (f.values[0].truth_max - f.values[0].truth_min));

  // The header names the heads and the scale their values are read with.
  HeaderInfo info;
  info.prefix = "wx";
  info.sensor = 1;
  info.rate_millihz = 50000;
  info.stride_rows = 50;
  info.axes = {"u", "v"};
  info.units = {"", ""};
  const std::string h = model_header(q.blob, info);
  CHECK(h.find("#define WX_CLASS_COUNT 2u") != std::string::npos);
  CHECK(h.find("#define WX_VALUE_COUNT 1u") != std::string::npos);
  CHECK(h.find("#define WX_VALUE_LEVEL_CHANNEL 2u") != std::string::npos);
  CHECK(h.find("#define WX_VALUE_LEVEL_MEAN ") != std::string::npos);
  CHECK(h.find("#define WX_VALUE_LEVEL_STD ") != std::string::npos);
  CHECK(h.find("#define WX_OUTPUT_SCALE ") != std::string::npos);
  CHECK(h.find("wx_value_names[1] TML_UNUSED_ = {\"level\"}") != std::string::npos);
  const ExportedHeader e = parse_model_header(h, "wx.h");
  CHECK(e.class_count == 2);
  CHECK(e.value_names == std::vector<std::string>{"level"});
  CHECK(e.blob == q.blob);
}

TEST_CASE("regression options and data are checked with messages that say what to do", "[regression][errors]") {
  const RecordingSet set = tml::test::mean_regression(4, 20, 1);
  Model m;
  m.net = make_preset("dense", 1, false);
  TrainOptions o;
  o.window = {20, 20};
  o.epochs = 1;
  o.classify = false;
  CHECK_THROWS_WITH(train(m, set, o), Catch::Contains("at least one target"));
  o.targets = {"rain"};
  CHECK_THROWS_WITH(train(m, set, o), Catch::Contains("no target 'rain'") && Catch::Contains("level"));
  o.targets = {"level"};
  o.huber_delta = 0;
  CHECK_THROWS_WITH(train(m, set, o), Catch::Contains("Huber delta"));
  o.huber_delta = 1;
  Model soft;
  soft.net = make_preset("dense", 1, true);  // a softmax over a value makes no sense
  CHECK_THROWS_WITH(train(soft, set, o), Catch::Contains("no softmax"));
  RecordingSet missing = set;
  missing.recordings[0].targets.assign(missing.recordings[0].targets.size(), std::nanf(""));
  Model d;
  d.net = make_preset("dense", 1, false);
  CHECK_THROWS_WITH(train(d, missing, o), Catch::Contains(missing.recordings[0].id) && Catch::Contains("no value"));
  RecordingSet infinite = set;
  infinite.recordings[1].targets[3] = INFINITY;
  CHECK_THROWS_WITH(infinite.validate(), Catch::Contains("infinite value of target level"));
}
