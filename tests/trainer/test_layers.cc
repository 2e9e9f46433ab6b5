// Layer shapes, padding and stride edge cases, forward values against direct formulas, counts, errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <vector>

#include "tml/trainer/activation.h"
#include "tml/trainer/architecture.h"
#include "tml/trainer/batchnorm.h"
#include "tml/trainer/conv1d.h"
#include "tml/trainer/dense.h"
#include "tml/trainer/error.h"
#include "tml/trainer/flatten.h"
#include "tml/trainer/pooling.h"
#include "tml/trainer/random.h"
#include "tml/trainer/sequential.h"

using namespace tml::trainer;

namespace {

constexpr float kForwardTol = 1e-5f;  // float sums of a few dozen products of magnitude <= 1

std::vector<float> random_vector(size_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> v(n);
  for (auto& x : v) x = rng.uniform(-1.0f, 1.0f);
  return v;
}

// The convolution straight from its definition (conv1d.h), zero outside the input.
std::vector<float> direct_conv(const Conv1D& c, const std::vector<float>& x, int batch) {
  const Shape in = c.input_shape(), out = c.output_shape();
  const int C = in.channels, F = c.filters(), K = c.kernel();
  const auto& w = c.weights().value;
  const auto& b = c.bias().value;
  std::vector<float> y(static_cast<size_t>(out.size()) * batch);
  for (int n = 0; n < batch; ++n)
    for (int t = 0; t < out.time; ++t)
      for (int f = 0; f < F; ++f) {
        double s = b[f];
        for (int k = 0; k < K; ++k) {
          const int ti = t * c.stride() + k - c.pad_left();
          if (ti < 0 || ti >= in.time) continue;
          for (int ch = 0; ch < C; ++ch) s += double(w[(f * K + k) * C + ch]) * x[(n * in.time + ti) * C + ch];
        }
        y[(n * out.time + t) * F + f] = static_cast<float>(s);
      }
  return y;
}

}  // namespace

TEST_CASE("conv1d output lengths and padding follow the documented rules", "[layers]") {
  struct Expect {
    int T, kernel, stride;
    Padding padding;
    int out, pad_left, pad_right;
  };
  const Expect cases[] = {
      {208, 5, 1, Padding::Valid, 204, 0, 0}, {102, 5, 1, Padding::Valid, 98, 0, 0},
      {10, 3, 2, Padding::Valid, 4, 0, 0},    {5, 5, 1, Padding::Valid, 1, 0, 0},
      {11, 2, 3, Padding::Valid, 4, 0, 0},    {7, 3, 1, Padding::Same, 7, 1, 1},
      {7, 4, 1, Padding::Same, 7, 1, 2},      {8, 3, 2, Padding::Same, 4, 0, 1},
      {5, 3, 2, Padding::Same, 3, 1, 1},      {4, 5, 3, Padding::Same, 2, 2, 2},
      {1, 3, 1, Padding::Same, 1, 1, 1},      {9, 1, 4, Padding::Same, 3, 0, 0},
  };
  for (const auto& e : cases) {
    Conv1D c(2, e.kernel, e.stride, e.padding);
    c.build(Shape{e.T, 3});
    INFO("T " << e.T << " kernel " << e.kernel << " stride " << e.stride << " " << padding_name(e.padding));
    CHECK(c.output_shape() == Shape{e.out, 2});
    CHECK(c.pad_left() == e.pad_left);
    CHECK(c.pad_right() == e.pad_right);
  }
}

TEST_CASE("conv1d forward equals the direct convolution for strides and paddings", "[layers]") {
  for (Padding padding : {Padding::Valid, Padding::Same})
    for (int stride : {1, 2, 3})
      for (int kernel : {1, 2, 5})
        for (int T : {5, 9, 16}) {
          Conv1D c(5, kernel, stride, padding);
          c.build(Shape{T, 3});
          Rng rng(static_cast<uint64_t>(T * 100 + kernel * 10 + stride));
          c.init(rng);
          for (auto& b : c.bias().value) b = rng.uniform(-1.0f, 1.0f);
          const int batch = 2;
          c.reserve(batch);
          const auto x = random_vector(static_cast<size_t>(T * 3 * batch), 77);
          std::vector<float> y(static_cast<size_t>(c.output_shape().size() * batch));
          c.forward(x.data(), y.data(), batch, Mode::Infer);
          const auto want = direct_conv(c, x, batch);
          INFO("T " << T << " kernel " << kernel << " stride " << stride << " " << padding_name(padding));
          REQUIRE(y.size() == want.size());
          for (size_t i = 0; i < y.size(); ++i) REQUIRE(std::fabs(y[i] - want[i]) <= kForwardTol);
        }
}

TEST_CASE("a kernel or pool longer than a valid input is refused with the layer named", "[layers]") {
  Conv1D c(4, 9);
  CHECK_THROWS_WITH(c.build(Shape{8, 3}), Catch::Contains("kernel 9 is longer than the input's 8 time steps"));
  MaxPool1D p(4);
  CHECK_THROWS_WITH(p.build(Shape{3, 2}), Catch::Contains("pool 4 is longer"));
  Dense d(3);
  CHECK_THROWS_WITH(d.build(Shape{4, 2}), Catch::Contains("add a flatten"));
  CHECK_THROWS_AS(Conv1D(0, 3), Error);
  CHECK_THROWS_AS(Conv1D(2, 3, 0), Error);
  CHECK_THROWS_AS(Dense(0), Error);
  CHECK_THROWS_AS(MaxPool1D(0), Error);
}

TEST_CASE("dense forward is W x + b with W stored [units][inputs]", "[layers]") {
  Dense d(2);
  d.build(Shape{1, 3});
  d.weights().value = {1, 2, 3, -1, 0, 0.5f};
  d.bias().value = {0.5f, -2};
  const std::vector<float> x = {1, 1, 2, 0, -1, 4};  // two examples
  std::vector<float> y(4);
  d.forward(x.data(), y.data(), 2, Mode::Infer);
  CHECK(y == std::vector<float>{1 + 2 + 6 + 0.5f, -1 + 1 - 2, 0 - 2 + 12 + 0.5f, 0 + 2 - 2});
}

TEST_CASE("max pooling takes the first maximum and drops an incomplete last window", "[layers]") {
  MaxPool1D p(2);
  p.build(Shape{5, 2});
  CHECK(p.output_shape() == Shape{2, 2});
  p.reserve(1);
  const std::vector<float> x = {1, 5, 3, 5, -1, 0, -2, 0, 9, 9};  // [5][2]
  std::vector<float> y(4), dx(10);
  p.forward(x.data(), y.data(), 1, Mode::Train);
  CHECK(y == std::vector<float>{3, 5, -1, 0});
  const std::vector<float> dy = {10, 20, 30, 40};
  p.backward(x.data(), y.data(), dy.data(), dx.data(), 1);
  // Channel 1 ties (5, 5) and (0, 0): the first one gets the gradient. Row 4 was in no window.
  CHECK(dx == std::vector<float>{0, 20, 10, 0, 30, 40, 0, 0, 0, 0});
}

TEST_CASE("average pooling and global average pooling", "[layers]") {
  AvgPool1D a(3, 2);
  a.build(Shape{7, 1});
  CHECK(a.output_shape() == Shape{3, 1});
  const std::vector<float> x = {3, 6, 9, 0, 3, 3, 6};
  std::vector<float> y(3);
  a.forward(x.data(), y.data(), 1, Mode::Infer);
  CHECK(y[0] == Approx(6));
  CHECK(y[1] == Approx(4));
  CHECK(y[2] == Approx(4));
  GlobalAveragePool1D g;
  g.build(Shape{7, 1});
  CHECK(g.output_shape() == Shape{1, 1});
  g.forward(x.data(), y.data(), 1, Mode::Infer);
  CHECK(y[0] == Approx(30.0 / 7));
}

TEST_CASE("flatten keeps the time-major order t * channels + c", "[layers]") {
  Flatten f;
  f.build(Shape{3, 2});
  CHECK(f.output_shape() == Shape{1, 6});
  const std::vector<float> x = {0, 1, 2, 3, 4, 5};
  std::vector<float> y(6);
  f.forward(x.data(), y.data(), 1, Mode::Infer);
  CHECK(y == x);
}

TEST_CASE("softmax sums to one per time step and relu clips", "[layers]") {
  Softmax s;
  s.build(Shape{2, 3});
  const std::vector<float> x = {1, 2, 3, 1000, 1000, -1000};
  std::vector<float> y(6);
  s.forward(x.data(), y.data(), 1, Mode::Infer);
  CHECK(y[0] + y[1] + y[2] == Approx(1.0f));
  CHECK(y[2] > y[1]);
  CHECK(y[3] == Approx(0.5f));
  CHECK(y[5] == 0.0f);
  ReLU r;
  r.build(Shape{1, 3});
  const std::vector<float> z = {-1, 0, 2};
  r.forward(z.data(), y.data(), 1, Mode::Infer);
  CHECK(std::vector<float>(y.begin(), y.begin() + 3) == std::vector<float>{0, 0, 2});
}

TEST_CASE("batch norm normalises with batch statistics in training and moving ones at inference", "[layers]") {
  BatchNorm bn(0.5f, 1e-5f);
  bn.build(Shape{2, 1});
  bn.reserve(2);
  const std::vector<float> x = {1, 3, 5, 7};  // one channel: mean 4, biased variance 5
  std::vector<float> y(4);
  bn.forward(x.data(), y.data(), 2, Mode::Train);
  CHECK(y[0] == Approx(-3 / std::sqrt(5.0 + 1e-5)));
  CHECK(y[3] == Approx(3 / std::sqrt(5.0 + 1e-5)));
  CHECK(bn.moving_mean().value[0] == Approx(2.0f));         // 0.5 * 0 + 0.5 * 4
  CHECK(bn.moving_var().value[0] == Approx(0.5f + 0.5f * 20.0f / 3.0f));  // unbiased variance 20/3
  bn.forward(x.data(), y.data(), 2, Mode::Infer);
  CHECK(y[0] == Approx((1 - 2.0) / std::sqrt(0.5 + 10.0 / 3.0 + 1e-5)));
  CHECK(bn.param_count() == 2);
}

TEST_CASE("the presets have the reference models' shapes and parameter and MAC counts", "[layers]") {
  Sequential conv = make_preset("conv1d", 4);
  conv.build(Shape{208, 3});
  CHECK(conv.output_shape() == Shape{1, 4});
  CHECK(conv.param_count() == 3924);
  CHECK(conv.macs() == 90336);
  CHECK(conv.layer(0).output_shape() == Shape{204, 8});
  CHECK(conv.layer(0).param_count() == 128);
  CHECK(conv.layer(2).output_shape() == Shape{102, 8});
  CHECK(conv.layer(3).output_shape() == Shape{98, 16});
  CHECK(conv.layer(3).param_count() == 656);
  CHECK(conv.layer(5).output_shape() == Shape{49, 16});
  CHECK(conv.layer(6).output_shape() == Shape{1, 784});
  CHECK(conv.layer(7).param_count() == 3140);
  CHECK(conv.layer(8).kind() == LayerKind::Softmax);
  CHECK(conv.logits_end() == 8);

  Sequential dense = make_preset("dense", 4);
  dense.build(Shape{208, 3});
  CHECK(dense.param_count() == 20596);
  CHECK(dense.macs() == 20544);
  CHECK(dense.layer(1).output_shape() == Shape{1, 32});
  CHECK_THROWS_WITH(make_preset("lstm", 4), Catch::Contains("unknown model preset"));
}

TEST_CASE("a network reports the first layer that cannot take its input", "[layers]") {
  Sequential net = make_preset("conv1d", 4);
  CHECK_THROWS_WITH(net.build(Shape{12, 3}), Catch::Contains("layer 4: conv1d layer (input [4][8]): kernel 5"));
  Sequential empty;
  CHECK_THROWS_AS(empty.build(Shape{8, 1}), Error);
}

TEST_CASE("the network summary lists every layer with totals", "[layers]") {
  Sequential net = make_preset("conv1d", 4);
  net.build(Shape{208, 3});
  const std::string s = net.summary();
  CHECK(s.find("conv1d 8 filters, kernel 5, stride 1, valid") != std::string::npos);
  CHECK(s.find("[98][16]") != std::string::npos);
  CHECK(s.find("3924") != std::string::npos);
  CHECK(s.find("90336") != std::string::npos);
}

TEST_CASE("a network runs relu then max pooling and batch norm then relu as one pass with the same values and gradients", "[layers]") {
  for (const char* preset : {"conv1d", "dscnn"}) {
  INFO(preset);
  Sequential net = make_preset(preset, 3);
  net.build(Shape{40, 3});
  net.init(9);
  const int batch = 4;
  net.reserve(batch);
  Rng rng(10);
  std::vector<float> x(static_cast<size_t>(40 * 3 * batch)), d(static_cast<size_t>(3 * batch));
  for (auto& v : x) v = rng.uniform(-1.0f, 1.0f);
  for (auto& v : d) v = rng.uniform(-1.0f, 1.0f);
  const size_t end = net.logits_end();
  const float* z = net.forward(x.data(), batch, Mode::Train, end);
  const std::vector<float> logits(z, z + 3 * batch);
  net.backward(d.data(), batch, end);

  // The same layers one by one, by hand.
  std::vector<std::vector<float>> acts(end + 1);
  acts[0] = x;
  for (size_t i = 0; i < end; ++i) {
    acts[i + 1].resize(static_cast<size_t>(net.layer(i).output_shape().size() * batch));
    net.layer(i).forward(acts[i].data(), acts[i + 1].data(), batch, Mode::Train);
  }
  CHECK(acts[end] == logits);
  std::vector<float> dy = d;
  std::vector<std::vector<float>> grads;
  for (size_t i = end; i-- > 0;) {
    std::vector<float> dx(acts[i].size());
    net.layer(i).backward(acts[i].data(), acts[i + 1].data(), dy.data(), i ? dx.data() : nullptr, batch);
    for (auto it = net.layer(i).params().rbegin(); it != net.layer(i).params().rend(); ++it)
      if (it->trainable) grads.push_back(it->grad);
    dy = dx;
  }
  std::reverse(grads.begin(), grads.end());
  // Only ReLUs (conv1d: before max pooling) and batch norms (dscnn: before a ReLU) were fused away, so
  // the by-hand pass rewrote every gradient: compare with a fresh fused pass.
  net.forward(x.data(), batch, Mode::Train, end);
  net.backward(d.data(), batch, end);
  const auto params = net.trainable_params();
  REQUIRE(params.size() == grads.size());
  for (size_t i = 0; i < params.size(); ++i) CHECK(params[i]->grad == grads[i]);
  }
}
