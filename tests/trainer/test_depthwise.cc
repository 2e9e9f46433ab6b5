// The depthwise conv1d layer and the dscnn preset through the trainer: forward values against the
// direct formula, the two kernel builds against each other, architecture and model files, batch-norm
// folding into and before it, and quantization to the blob's TML_LAYER_DEPTHWISE_CONV1D.
#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "synthetic_data.h"
#include "tml/kernels.h"
#include "tml/trainer/architecture.h"
#include "tml/trainer/batchnorm.h"
#include "tml/trainer/channel_kernels.h"
#include "tml/trainer/depthwise_conv1d.h"
#include "tml/trainer/error.h"
#include "tml/trainer/float_model.h"
#include "tml/trainer/fold.h"
#include "tml/trainer/int8_model.h"
#include "tml/trainer/kernels.h"
#include "tml/trainer/quantize.h"
#include "tml/trainer/random.h"
#include "tml/trainer/train.h"

using namespace tml::trainer;

namespace {

std::vector<float> random_vector(size_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> v(n);
  for (auto& x : v) x = rng.uniform(-1.0f, 1.0f);
  return v;
}

// The depthwise convolution straight from its definition (depthwise_conv1d.h), zero outside the input.
std::vector<float> direct(const DepthwiseConv1D& l, const std::vector<float>& x, int batch) {
  const Shape in = l.input_shape(), out = l.output_shape();
  const int C = in.channels, K = l.kernel();
  const auto& w = l.weights().value;
  const auto& b = l.bias().value;
  std::vector<float> y(static_cast<size_t>(out.size()) * batch);
  for (int n = 0; n < batch; ++n)
    for (int t = 0; t < out.time; ++t)
      for (int c = 0; c < C; ++c) {
        double s = b[c];
        for (int k = 0; k < K; ++k) {
          const int ti = t * l.stride() + k - l.pad_left();
          if (ti >= 0 && ti < in.time) s += double(w[k * C + c]) * x[(n * in.time + ti) * C + c];
        }
        y[(n * out.time + t) * C + c] = static_cast<float>(s);
      }
  return y;
}

Sequential dscnn_network(uint64_t seed, Shape input = {49, 10}) {
  Sequential net = make_preset("dscnn", 12);
  net.build(input);
  net.init(seed);
  return net;
}

}  // namespace

TEST_CASE("depthwise conv1d output lengths and padding follow conv1d's rules", "[depthwise]") {
  DepthwiseConv1D same(3, 1, Padding::Same);
  same.build({25, 64});
  CHECK(same.output_shape() == Shape{25, 64});
  CHECK(same.pad_left() == 1);
  CHECK(same.pad_right() == 1);
  CHECK(same.weights().shape == std::vector<int>{3, 64});
  CHECK(same.param_count() == 3 * 64 + 64);
  CHECK(same.macs() == 25 * 64 * 3);
  DepthwiseConv1D strided(4, 2, Padding::Same);
  strided.build({9, 3});  // ceil(9 / 2) = 5 steps, padding max(4 * 2 + 4 - 9, 0) = 3: 1 left, 2 right
  CHECK(strided.output_shape() == Shape{5, 3});
  CHECK(strided.pad_left() == 1);
  CHECK(strided.pad_right() == 2);
  DepthwiseConv1D valid(5, 2);
  valid.build({11, 2});
  CHECK(valid.output_shape() == Shape{4, 2});
  DepthwiseConv1D too_long(5);
  CHECK_THROWS_WITH(too_long.build({4, 2}), Catch::Contains("kernel 5 is longer than the input's 4 time steps"));
  CHECK_THROWS_AS(DepthwiseConv1D(0), Error);
  CHECK_THROWS_AS(DepthwiseConv1D(3, 0), Error);
}

TEST_CASE("depthwise conv1d forward equals the direct convolution for strides and paddings", "[depthwise]") {
  for (Padding padding : {Padding::Valid, Padding::Same})
    for (int stride : {1, 2, 3})
      for (int kernel : {1, 2, 3, 5})
        for (int channels : {1, 3, 8, 13, 64})
          for (int T : {5, 9, 16}) {
            DepthwiseConv1D l(kernel, stride, padding);
            l.build(Shape{T, channels});
            Rng rng(static_cast<uint64_t>(T * 1000 + channels * 100 + kernel * 10 + stride));
            l.init(rng);
            for (auto& b : l.bias().value) b = rng.uniform(-1.0f, 1.0f);
            const int batch = 3;
            const auto x = random_vector(static_cast<size_t>(T * channels * batch), 77);
            std::vector<float> y(static_cast<size_t>(l.output_shape().size() * batch));
            l.forward(x.data(), y.data(), batch, Mode::Infer);
            const auto want = direct(l, x, batch);
            INFO("T " << T << " C " << channels << " kernel " << kernel << " stride " << stride << " "
                      << padding_name(padding));
            REQUIRE(y.size() == want.size());
            for (size_t i = 0; i < y.size(); ++i) REQUIRE(std::fabs(y[i] - want[i]) <= 1e-5f);
          }
}

TEST_CASE("the depthwise kernel builds agree with each other", "[depthwise]") {
  const auto& ref = kernels::channel_table_generic();
  for (int i = 0; i < kernels::available_count(); ++i) {
    const auto& k = kernels::channel_available(i);
    INFO(k.isa);
    for (int channels : {1, 5, 8, 12, 64}) {
      kernels::DepthwiseShape s;
      s.in_time = 11;
      s.channels = channels;
      s.kernel = 3;
      s.stride = 2;
      s.pad_left = 1;
      s.out_time = 6;
      const int batch = 4;
      const auto x = random_vector(size_t(batch) * 11 * channels, 1);
      const auto w = random_vector(size_t(3) * channels, 2);
      const auto b = random_vector(size_t(channels), 3);
      const auto dy = random_vector(size_t(batch) * 6 * channels, 4);
      std::vector<float> y1(dy.size()), y2(dy.size()), dw1(w.size()), dw2(w.size()), db1(b.size()), db2(b.size()),
          dx1(x.size()), dx2(x.size());
      ref.depthwise_forward(s, batch, x.data(), w.data(), b.data(), y1.data());
      k.depthwise_forward(s, batch, x.data(), w.data(), b.data(), y2.data());
      ref.depthwise_backward(s, batch, x.data(), w.data(), dy.data(), dw1.data(), db1.data(), dx1.data());
      k.depthwise_backward(s, batch, x.data(), w.data(), dy.data(), dw2.data(), db2.data(), dx2.data());
      for (size_t j = 0; j < y1.size(); ++j) REQUIRE(y2[j] == Approx(y1[j]).margin(1e-5));
      for (size_t j = 0; j < dw1.size(); ++j) REQUIRE(dw2[j] == Approx(dw1[j]).margin(1e-4));
      for (size_t j = 0; j < db1.size(); ++j) REQUIRE(db2[j] == Approx(db1[j]).margin(1e-4));
      for (size_t j = 0; j < dx1.size(); ++j) REQUIRE(dx2[j] == Approx(dx1[j]).margin(1e-5));
    }
  }
}

TEST_CASE("the dscnn preset has the keyword-spotting peer's shape and counts", "[depthwise][presets]") {
  Sequential net = dscnn_network(1);
  // conv, 4 x (depthwise, pointwise), each with batch norm and relu; pooling, dense, softmax.
  REQUIRE(net.size() == 3 + 4 * 6 + 3);
  CHECK(net.layer(0).output_shape() == Shape{25, 64});  // stride 2, 'same': the peer's padding 2
  CHECK(net.layer(3).kind() == LayerKind::DepthwiseConv1D);
  CHECK(net.layer(6).kind() == LayerKind::Conv1D);
  CHECK(net.layer(26).output_shape() == Shape{25, 64});
  CHECK(net.layer(27).kind() == LayerKind::GlobalAveragePool1D);
  CHECK(net.output_shape() == Shape{1, 12});
  CHECK(net.param_count() == 22860);  // the peer's count (MODELS.md), batch norms' gamma and beta included
  int64_t conv_macs = 0;
  for (size_t i = 0; i < net.size(); ++i)
    if (net.layer(i).kind() != LayerKind::BatchNorm) conv_macs += net.layer(i).macs();
  CHECK(conv_macs == 80000 + 4 * (4800 + 102400) + 768);
  CHECK(is_preset("dscnn"));
  CHECK(net.summary().find("depthwise_conv1d kernel 3, stride 1, same") != std::string::npos);
}

TEST_CASE("architecture files take depthwise_conv1d with its settings", "[depthwise][architecture]") {
  Sequential net = parse_architecture(R"([{"type": "depthwise_conv1d", "kernel": 3, "stride": 2, "padding": "same",
                                           "activation": "relu"}, {"type": "flatten"}, {"type": "dense", "units": "classes"}])",
                                      4);
  REQUIRE(net.size() == 4);
  const auto& d = static_cast<const DepthwiseConv1D&>(net.layer(0));
  CHECK(d.kernel() == 3);
  CHECK(d.stride() == 2);
  CHECK(d.padding() == Padding::Same);
  CHECK(net.layer(1).kind() == LayerKind::ReLU);
  CHECK_THROWS_WITH(parse_architecture(R"([{"type": "depthwise_conv1d"}])", 2),
                    Catch::Contains("layer 1 (depthwise_conv1d): 'kernel' is required"));
  CHECK_THROWS_WITH(parse_architecture(R"([{"type": "depthwise_conv1d", "kernel": 3, "filters": 8}])", 2),
                    Catch::Contains("unknown setting 'filters'"));
  CHECK_THROWS_WITH(parse_architecture(R"([{"type": "depthwise_conv1d", "kernel": 3, "padding": "causal"}])", 2),
                    Catch::Contains("'padding' must be one of \"valid\", \"same\""));
}

TEST_CASE("a dscnn model survives the model file round trip bit for bit", "[depthwise][model_file]") {
  Model m;
  m.net = dscnn_network(7);
  Rng rng(8);
  for (size_t i = 0; i < m.net.size(); ++i)
    for (auto& p : m.net.layer(i).params())
      for (auto& v : p.value) v += rng.uniform(-0.1f, 0.1f) + (p.name == "moving_var" ? 1.0f : 0.0f);
  for (int k = 0; k < 12; ++k) m.labels.push_back("word" + std::to_string(k));
  m.window = 49;
  m.stride = 49;
  m.rate_hz = 50;
  for (int a = 0; a < 10; ++a) m.axes.push_back({"mfcc" + std::to_string(a), ""});
  m.normalization = {std::vector<float>(10, 0.5f), std::vector<float>(10, 2.0f)};
  const std::string text = model_to_json(m);
  const auto j = nlohmann::json::parse(text);
  CHECK(j.at("layers").at(3).at("type") == "depthwise_conv1d");
  CHECK(j.at("layers").at(3).at("kernel") == 3);
  CHECK(j.at("layers").at(3).at("padding") == "same");
  CHECK(j.at("layers").at(3).at("params").at("weights").at("shape") == nlohmann::json::array({3, 64}));
  Model back = model_from_json(text, "kws.model");
  REQUIRE(back.net.size() == m.net.size());
  for (size_t i = 0; i < m.net.size(); ++i) {
    REQUIRE(back.net.layer(i).kind() == m.net.layer(i).kind());
    for (size_t p = 0; p < m.net.layer(i).params().size(); ++p)
      REQUIRE(back.net.layer(i).params()[p].value == m.net.layer(i).params()[p].value);
  }
  CHECK(model_to_json(back) == text);
}

TEST_CASE("batch norm folds exactly into and before a depthwise conv1d", "[depthwise][fold]") {
  const auto randomize = [](Sequential& net, uint64_t seed) {
    Rng rng(seed);
    for (size_t i = 0; i < net.size(); ++i) {
      if (net.layer(i).kind() != LayerKind::BatchNorm) continue;
      auto& bn = static_cast<BatchNorm&>(net.layer(i));
      for (auto& v : bn.gamma().value) v = rng.uniform(0.3f, 2.0f) * (rng.uniform() < 0.3f ? -1.0f : 1.0f);
      for (auto& v : bn.beta().value) v = rng.uniform(-1.0f, 1.0f);
      for (auto& v : bn.moving_mean().value) v = rng.uniform(-0.5f, 0.5f);
      for (auto& v : bn.moving_var().value) v = rng.uniform(0.2f, 3.0f);
    }
  };
  const auto error = [](Sequential& net, FoldedNet& f) {
    const int batch = 6;
    const auto x = random_vector(static_cast<size_t>(net.input_shape().size()) * batch, 5);
    const float* y = net.forward(x.data(), batch, Mode::Infer, net.size());
    const size_t n = static_cast<size_t>(net.output_shape().size()) * batch;
    const std::vector<float> want(y, y + n);
    std::vector<std::vector<float>> acts;
    forward_all(f, x.data(), batch, acts);
    double err = 0, scale = 0;
    for (size_t i = 0; i < n; ++i) {
      err = std::max(err, std::fabs(double(want[i]) - acts[f.layers.back().last][i]));
      scale = std::max(scale, std::fabs(double(want[i])));
    }
    return err / scale;
  };
  // After a depthwise conv with same padding, and on the input before one with valid padding.
  Sequential net = parse_architecture(R"([{"type": "batchnorm"},
      {"type": "depthwise_conv1d", "kernel": 3}, {"type": "batchnorm"}, {"type": "relu"},
      {"type": "depthwise_conv1d", "kernel": 5, "stride": 2, "padding": "same"}, {"type": "batchnorm"},
      {"type": "conv1d", "filters": 4, "kernel": 1}, {"type": "globalavgpool1d"}, {"type": "dense", "units": "classes"}])",
                                      3);
  net.build({20, 6});
  net.init(3);
  randomize(net, 4);
  FoldedNet f = fold(net);
  std::vector<std::string> names;
  for (const auto& l : f.layers) names.push_back(l.name);
  CHECK(names == std::vector<std::string>{"batchnorm+depthwise_conv1d+batchnorm+relu", "depthwise_conv1d+batchnorm",
                                          "conv1d", "globalavgpool1d", "dense"});
  CHECK(f.layers[0].kind == TML_LAYER_DEPTHWISE_CONV1D);
  CHECK(f.layers[0].relu);
  CHECK(!f.layers[1].relu);
  CHECK(error(net, f) < 1e-5);

  // Before a depthwise conv with same padding the batch norm's shift would meet zero padding: refused.
  Sequential padded = parse_architecture(R"([{"type": "conv1d", "filters": 4, "kernel": 3}, {"type": "relu"},
      {"type": "batchnorm"}, {"type": "depthwise_conv1d", "kernel": 3, "padding": "same"}, {"type": "flatten"},
      {"type": "dense", "units": "classes"}])",
                                         3);
  padded.build({12, 2});
  padded.init(5);
  CHECK_THROWS_WITH(fold(padded), Catch::Contains("layer 3 (batchnorm) cannot be folded into layer 4 (depthwise_conv1d)"));

  // The preset folds into 11 int8 layers: conv, 4 x (depthwise, pointwise), pooling, dense, softmax.
  Sequential ds = dscnn_network(9, {20, 3});
  randomize(ds, 10);
  FoldedNet fd = fold(ds);
  REQUIRE(fd.layers.size() == 12);
  CHECK(fd.layers[1].name == "depthwise_conv1d+batchnorm+relu");
  CHECK(fd.layers[2].name == "conv1d+batchnorm+relu");
  CHECK(fd.layers[9].kind == TML_LAYER_GLOBAL_AVG_POOL1D);
  CHECK(error(ds, fd) < 1e-5);
}

TEST_CASE("a trained dscnn quantizes to depthwise records and agrees with the float model", "[depthwise][quantize]") {
  const RecordingSet set = tml::test::synthetic_recordings(6, 200, 6);
  Model m;
  m.net = make_preset("dscnn", 3);
  TrainOptions o;
  o.window = {49, 25};
  o.epochs = 6;
  o.batch = 16;
  train(m, set, o);
  const auto train_windows = make_windows(set, recordings_of(set, Split::Train), {m.window, m.stride});
  const auto test_windows = make_windows(set, recordings_of(set, Split::Test), {m.window, m.stride});
  QuantizeResult q = quantize(m, set, train_windows);
  REQUIRE(q.quantized.layers.size() == 12);
  const QuantizedLayer& dw = q.quantized.layers[1];
  CHECK(dw.kind == TML_LAYER_DEPTHWISE_CONV1D);
  CHECK(dw.units == 64);
  CHECK(dw.kernel_size == 3);
  CHECK(dw.pad_left == 1);
  CHECK(dw.pad_right == 1);
  CHECK(dw.weights.size() == 3u * 64);
  CHECK(dw.act_min == dw.output_zero_point);  // the fused ReLU
  // Per-channel weights: every channel (column of [3][64]) reaches +-127 somewhere.
  for (int c = 0; c < 64; ++c) {
    int most = 0;
    for (int k = 0; k < 3; ++k) most = std::max(most, std::abs(int(dw.weights[size_t(k) * 64 + c])));
    CHECK(most == 127);
  }
  Int8Model int8(q.blob);
  tml_layer_record r;
  REQUIRE(tml_model_layer(&int8.model(), 1, &r) == TML_OK);
  CHECK(r.kind == TML_LAYER_DEPTHWISE_CONV1D);
  CHECK(r.out_channels == 64);
  const Comparison c = compare(m, q, set, test_windows);
  CHECK(c.agreement >= 0.9);
  REQUIRE(c.layers.size() == 12);
  CHECK(c.layers[1].sqnr_db > 20);
  CHECK(std::fabs(c.int8_metrics.accuracy - c.float_metrics.accuracy) <= 0.1);
}
