// Finite-difference gradient checks: every layer's backward() against central differences of its
// forward(), for the input and for every trainable parameter, with stride, padding and shape edge cases;
// then the loss and a whole network.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tml/trainer/activation.h"
#include "tml/trainer/architecture.h"
#include "tml/trainer/batchnorm.h"
#include "tml/trainer/conv1d.h"
#include "tml/trainer/dense.h"
#include "tml/trainer/depthwise_conv1d.h"
#include "tml/trainer/dropout.h"
#include "tml/trainer/flatten.h"
#include "tml/trainer/loss.h"
#include "tml/trainer/pooling.h"
#include "tml/trainer/random.h"
#include "tml/trainer/sequential.h"

using namespace tml::trainer;

namespace {

// Step of the central difference. The loss is a weighted sum of float outputs (rounding ~1e-7 of each),
// so a step of 1e-2 keeps the rounding part of the numeric gradient near 1e-4, and the truncation part
// (eps^2 times the third derivative) of the smooth layers (softmax, batch norm) as small.
constexpr float kGradEps = 1e-2f;
// |numeric - analytic| <= kGradAbsTol + kGradRelTol * max(|numeric|, |analytic|)
constexpr double kGradAbsTol = 2e-3;
constexpr double kGradRelTol = 1e-2;
// Inputs of ReLU and MaxPool stay this far from their kinks (ties, zero), well beyond kGradEps.
constexpr float kKinkMargin = 0.05f;
constexpr int kBatch = 3;
constexpr int kMaxChecked = 48;  // entries checked per tensor (spread over it)

bool agree(double numeric, double analytic) {
  return std::fabs(numeric - analytic) <= kGradAbsTol + kGradRelTol * std::max(std::fabs(numeric), std::fabs(analytic));
}

struct Case {
  std::string name;
  std::function<std::unique_ptr<Layer>()> make;
  Shape input;
};

// Distinct values, spaced by kKinkMargin, shuffled, none near zero: safe for ReLU and max pooling.
std::vector<float> kink_free_input(size_t n, Rng& rng) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) {
    const float mag = kKinkMargin * static_cast<float>(i / 2 + 1);
    v[i] = (i % 2 ? mag : -mag) / std::sqrt(static_cast<float>(n));
    v[i] *= 4.0f;
  }
  rng.shuffle(v);
  return v;
}

double weighted_output(Layer& layer, const std::vector<float>& x, const std::vector<float>& r) {
  std::vector<float> y(r.size());
  layer.forward(x.data(), y.data(), kBatch, Mode::Train);
  double s = 0;
  for (size_t i = 0; i < y.size(); ++i) s += double(y[i]) * r[i];
  return s;
}

std::vector<size_t> spread(size_t n) {
  std::vector<size_t> idx;
  const size_t step = std::max<size_t>(1, n / kMaxChecked);
  for (size_t i = 0; i < n; i += step) idx.push_back(i);
  if (idx.back() != n - 1) idx.push_back(n - 1);
  return idx;
}

void check_layer(const Case& c) {
  auto layer = c.make();
  layer->build(c.input);
  Rng rng(42);
  layer->init(rng);
  // Parameters away from their defaults, so that zero biases or unit gammas hide nothing.
  for (auto& p : layer->params())
    if (p.trainable)
      for (auto& v : p.value) v += rng.uniform(-0.5f, 0.5f);
  layer->reserve(kBatch);
  std::vector<float> x = kink_free_input(static_cast<size_t>(c.input.size()) * kBatch, rng);
  std::vector<float> r(static_cast<size_t>(layer->output_shape().size()) * kBatch);
  for (auto& v : r) v = rng.uniform(-1.0f, 1.0f);

  std::vector<float> y(r.size()), dx(x.size());
  layer->forward(x.data(), y.data(), kBatch, Mode::Train);
  layer->backward(x.data(), y.data(), r.data(), dx.data(), kBatch);
  std::vector<std::vector<float>> grads;
  for (const auto& p : layer->params()) grads.push_back(p.grad);

  for (size_t i : spread(x.size())) {
    const float keep = x[i];
    x[i] = keep + kGradEps;
    const double up = weighted_output(*layer, x, r);
    x[i] = keep - kGradEps;
    const double down = weighted_output(*layer, x, r);
    x[i] = keep;
    const double numeric = (up - down) / (2.0 * kGradEps);
    INFO(c.name << ": d/dx[" << i << "] numeric " << numeric << " analytic " << dx[i]);
    REQUIRE(agree(numeric, dx[i]));
  }
  for (size_t pi = 0; pi < layer->params().size(); ++pi) {
    Param& p = layer->params()[pi];
    if (!p.trainable) continue;
    for (size_t i : spread(p.value.size())) {
      const float keep = p.value[i];
      p.value[i] = keep + kGradEps;
      const double up = weighted_output(*layer, x, r);
      p.value[i] = keep - kGradEps;
      const double down = weighted_output(*layer, x, r);
      p.value[i] = keep;
      const double numeric = (up - down) / (2.0 * kGradEps);
      INFO(c.name << ": d/d" << p.name << "[" << i << "] numeric " << numeric << " analytic " << grads[pi][i]);
      REQUIRE(agree(numeric, grads[pi][i]));
    }
  }
}

template <typename L, typename... Args>
std::function<std::unique_ptr<Layer>()> maker(Args... args) {
  return [=] { return std::make_unique<L>(args...); };
}

}  // namespace

TEST_CASE("every layer's backward matches finite differences", "[gradcheck]") {
  const std::vector<Case> cases = {
      {"dense 5 on [7]", maker<Dense>(5), {1, 7}},
      {"dense 1 on [1]", maker<Dense>(1), {1, 1}},
      {"conv1d k3 s1 valid", maker<Conv1D>(4, 3, 1, Padding::Valid), {9, 3}},
      {"conv1d k3 s2 valid", maker<Conv1D>(4, 3, 2, Padding::Valid), {10, 2}},
      {"conv1d k1 s1 valid", maker<Conv1D>(2, 1, 1, Padding::Valid), {5, 3}},
      {"conv1d k5 valid with output length 1", maker<Conv1D>(3, 5, 1, Padding::Valid), {5, 2}},
      {"conv1d k4 s1 same (uneven padding)", maker<Conv1D>(3, 4, 1, Padding::Same), {7, 2}},
      {"conv1d k3 s2 same", maker<Conv1D>(3, 3, 2, Padding::Same), {8, 3}},
      {"conv1d k5 s3 same with kernel longer than input", maker<Conv1D>(2, 5, 3, Padding::Same), {4, 2}},
      {"conv1d k2 s3 valid (stride > kernel)", maker<Conv1D>(2, 2, 3, Padding::Valid), {11, 2}},
      {"depthwise_conv1d k3 s1 same", maker<DepthwiseConv1D>(3, 1, Padding::Same), {7, 5}},
      {"depthwise_conv1d k3 s2 valid", maker<DepthwiseConv1D>(3, 2, Padding::Valid), {10, 3}},
      {"depthwise_conv1d k1 (a per-channel scale)", maker<DepthwiseConv1D>(1, 1, Padding::Valid), {4, 9}},
      {"depthwise_conv1d k4 s1 same (uneven padding)", maker<DepthwiseConv1D>(4, 1, Padding::Same), {6, 2}},
      {"depthwise_conv1d k5 s3 same with kernel longer than input", maker<DepthwiseConv1D>(5, 3, Padding::Same), {4, 2}},
      {"depthwise_conv1d k2 s3 valid (stride > kernel) on 11 channels", maker<DepthwiseConv1D>(2, 3, Padding::Valid), {11, 11}},
      {"maxpool1d 2 (odd length)", maker<MaxPool1D>(2, 0), {9, 3}},
      {"maxpool1d 3 stride 2 (overlapping)", maker<MaxPool1D>(3, 2), {9, 2}},
      {"maxpool1d 2 stride 3 (gaps)", maker<MaxPool1D>(2, 3), {10, 2}},
      {"avgpool1d 2", maker<AvgPool1D>(2, 0), {9, 3}},
      {"avgpool1d 3 stride 2", maker<AvgPool1D>(3, 2), {9, 2}},
      {"globalavgpool1d", maker<GlobalAveragePool1D>(), {6, 3}},
      {"flatten", maker<Flatten>(), {4, 3}},
      {"relu", maker<ReLU>(), {5, 4}},
      {"softmax over channels", maker<Softmax>(), {3, 4}},
      {"batchnorm on [6][3]", maker<BatchNorm>(0.1f, 1e-5f), {6, 3}},
      {"batchnorm on flat [5]", maker<BatchNorm>(0.1f, 1e-3f), {1, 5}},
  };
  for (const auto& c : cases) {
    SECTION(c.name) { check_layer(c); }
  }
}

TEST_CASE("dropout scales kept values and zeroes the rest and passes gradients through the same mask", "[gradcheck]") {
  Dropout d(0.25f);
  d.build(Shape{50, 4});
  Rng rng(3);
  d.init(rng);
  d.reserve(kBatch);
  const size_t n = 200 * kBatch;
  std::vector<float> x(n), y(n), dy(n), dx(n);
  for (auto& v : x) v = rng.uniform(0.5f, 1.5f);
  for (auto& v : dy) v = rng.uniform(-1.0f, 1.0f);
  d.forward(x.data(), y.data(), kBatch, Mode::Train);
  d.backward(x.data(), y.data(), dy.data(), dx.data(), kBatch);
  size_t dropped = 0;
  for (size_t i = 0; i < n; ++i) {
    const float scale = y[i] / x[i];
    REQUIRE((scale == 0.0f || std::fabs(scale - 1.0f / 0.75f) < 1e-6f));
    REQUIRE(dx[i] == Approx(dy[i] * scale).margin(1e-7));
    dropped += scale == 0.0f;
  }
  CHECK(dropped > n * 0.15);
  CHECK(dropped < n * 0.35);
  d.forward(x.data(), y.data(), kBatch, Mode::Infer);
  CHECK(y == x);
}

TEST_CASE("softmax cross-entropy gradient matches finite differences with and without class weights", "[gradcheck]") {
  Rng rng(9);
  const int B = 5, K = 4;
  std::vector<float> z(B * K), d(B * K);
  for (auto& v : z) v = rng.uniform(-3.0f, 3.0f);
  const std::vector<int32_t> y = {0, 3, 1, 1, 2};
  const std::vector<float> weights = {1.0f, 2.5f, 0.5f, 1.5f};
  for (const float* w : {static_cast<const float*>(nullptr), weights.data()}) {
    softmax_cross_entropy(z.data(), y.data(), B, K, w, d.data());
    for (size_t i = 0; i < z.size(); ++i) {
      const float keep = z[i];
      z[i] = keep + 1e-3f;
      const double up = softmax_cross_entropy(z.data(), y.data(), B, K, w, nullptr).loss;
      z[i] = keep - 1e-3f;
      const double down = softmax_cross_entropy(z.data(), y.data(), B, K, w, nullptr).loss;
      z[i] = keep;
      REQUIRE(agree((up - down) / 2e-3, d[i]));
    }
  }
}

TEST_CASE("a whole network's gradients (conv and pooling and dense and the fused softmax loss) match finite differences", "[gradcheck]") {
  Sequential net = make_preset("conv1d", 3);
  net.build(Shape{24, 2});
  net.init(5);
  net.reserve(kBatch);
  Rng rng(8);
  std::vector<float> x(static_cast<size_t>(24 * 2 * kBatch));
  for (auto& v : x) v = rng.uniform(-1.0f, 1.0f);
  const std::vector<int32_t> y = {0, 2, 1};
  const size_t end = net.logits_end();
  REQUIRE(end == net.size() - 1);
  std::vector<float> d(static_cast<size_t>(3 * kBatch));
  auto loss = [&] {
    const float* z = net.forward(x.data(), kBatch, Mode::Train, end);
    return softmax_cross_entropy(z, y.data(), kBatch, 3, nullptr, nullptr).loss;
  };
  const float* z = net.forward(x.data(), kBatch, Mode::Train, end);
  softmax_cross_entropy(z, y.data(), kBatch, 3, nullptr, d.data());
  net.backward(d.data(), kBatch, end);
  auto params = net.trainable_params();
  std::vector<std::vector<float>> grads;
  for (auto* p : params) grads.push_back(p->grad);
  // Random inputs put some ReLU or pooling tie within a step of a kink, where the loss bends: there the
  // one-sided slopes disagree and the entry is skipped. Every layer's own gradient is checked above with
  // kink-free inputs; this checks the wiring.
  int checked = 0, kinks = 0;
  for (size_t pi = 0; pi < params.size(); ++pi)
    for (size_t i : spread(params[pi]->value.size())) {
      float& v = params[pi]->value[i];
      const float keep = v;
      const double mid = loss();
      v = keep + 1e-3f;
      const double up = loss();
      v = keep - 1e-3f;
      const double down = loss();
      v = keep;
      if (!agree((up - mid) / 1e-3, (mid - down) / 1e-3)) {
        ++kinks;
        continue;
      }
      ++checked;
      INFO("parameter " << pi << " entry " << i);
      REQUIRE(agree((up - down) / 2e-3, grads[pi][i]));
    }
  INFO(kinks << " entries skipped at kinks");
  CHECK(kinks < checked / 4);
  CHECK(checked > 100);
}

TEST_CASE("the dscnn preset's gradients (depthwise and pointwise and batch norm and pooling) match finite differences", "[gradcheck]") {
  Sequential net = make_preset("dscnn", 3);
  net.build(Shape{12, 3});
  net.init(6);
  net.reserve(kBatch);
  Rng rng(9);
  std::vector<float> x(static_cast<size_t>(12 * 3 * kBatch));
  for (auto& v : x) v = rng.uniform(-1.0f, 1.0f);
  const std::vector<int32_t> y = {2, 0, 1};
  const size_t end = net.logits_end();
  std::vector<float> d(static_cast<size_t>(3 * kBatch));
  // Nine ReLUs put many kinks near any point: a small step (3e-4, where the float loss is still exact to
  // ~1e-4 of a slope) keeps most entries on one side of them.
  const float kStep = 3e-4f;
  auto loss = [&] {
    const float* z = net.forward(x.data(), kBatch, Mode::Train, end);
    return softmax_cross_entropy(z, y.data(), kBatch, 3, nullptr, nullptr).loss;
  };
  const float* z = net.forward(x.data(), kBatch, Mode::Train, end);
  softmax_cross_entropy(z, y.data(), kBatch, 3, nullptr, d.data());
  net.backward(d.data(), kBatch, end);
  auto params = net.trainable_params();
  std::vector<std::vector<float>> grads;
  for (auto* p : params) grads.push_back(p->grad);
  int checked = 0, kinks = 0;
  for (size_t pi = 0; pi < params.size(); ++pi)
    for (size_t i : spread(params[pi]->value.size())) {
      if (i % 7 != 0 && params[pi]->value.size() > 200) continue;  // a sample of the large tensors
      float& v = params[pi]->value[i];
      const float keep = v;
      const double mid = loss();
      v = keep + kStep;
      const double up = loss();
      v = keep - kStep;
      const double down = loss();
      v = keep;
      if (!agree((up - mid) / kStep, (mid - down) / kStep)) {
        ++kinks;
        continue;
      }
      ++checked;
      INFO("parameter " << pi << " (" << params[pi]->name << ") entry " << i << " numeric "
                                  << (up - down) / (2.0 * kStep) << " analytic " << grads[pi][i]);
      REQUIRE(agree((up - down) / (2.0 * kStep), grads[pi][i]));
    }
  INFO(kinks << " entries skipped at kinks");
  CHECK(kinks < checked / 4);
  CHECK(checked > 100);
}
