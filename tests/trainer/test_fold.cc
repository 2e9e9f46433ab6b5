// Batch-norm folding and the grouping of float layers into int8 layers: the folded network computes what
// the original computes (on random inputs, within float rounding), the groups are the blob's layer
// kinds, and what the int8 runner cannot execute is refused with the layer named.
#include <catch2/catch.hpp>

#include <cmath>

#include "tml/trainer/architecture.h"
#include "tml/trainer/batchnorm.h"
#include "tml/trainer/error.h"
#include "tml/trainer/fold.h"
#include "tml/trainer/random.h"

using namespace tml::trainer;

namespace {

// A built, initialised network with random batch-norm statistics and affine parameters (gamma of both
// signs unless `positive_gamma`).
Sequential network(const std::string& layers, Shape input, uint64_t seed, bool positive_gamma = false) {
  Sequential net = parse_architecture(layers, 3);
  net.build(input);
  net.init(seed);
  Rng rng(seed + 100);
  for (size_t i = 0; i < net.size(); ++i) {
    if (net.layer(i).kind() != LayerKind::BatchNorm) continue;
    auto& bn = static_cast<BatchNorm&>(net.layer(i));
    for (auto& v : bn.gamma().value) {
      v = rng.uniform(0.3f, 2.0f);
      if (!positive_gamma && rng.uniform() < 0.3f) v = -v;
    }
    for (auto& v : bn.beta().value) v = rng.uniform(-1.0f, 1.0f);
    for (auto& v : bn.moving_mean().value) v = rng.uniform(-0.5f, 0.5f);
    for (auto& v : bn.moving_var().value) v = rng.uniform(0.2f, 3.0f);
  }
  return net;
}

// Largest |original - folded| over a batch of random inputs, relative to the largest output.
double fold_error(Sequential& net, FoldedNet& folded, uint64_t seed) {
  const int batch = 8;
  Rng rng(seed);
  std::vector<float> x(static_cast<size_t>(net.input_shape().size()) * batch);
  for (auto& v : x) v = rng.uniform(-2.0f, 2.0f);
  const size_t n = static_cast<size_t>(net.output_shape().size()) * batch;
  const float* y = net.forward(x.data(), batch, Mode::Infer, net.size());
  const std::vector<float> expected(y, y + n);
  std::vector<std::vector<float>> acts;
  forward_all(folded, x.data(), batch, acts);
  const std::vector<float>& got = acts[folded.layers.back().last];
  double err = 0, scale = 0;
  for (size_t i = 0; i < n; ++i) {
    err = std::max(err, std::fabs(double{expected[i]} - double{got[i]}));
    scale = std::max(scale, std::fabs(double{expected[i]}));
  }
  REQUIRE(scale > 0);
  return err / scale;
}

std::vector<std::string> names(const FoldedNet& f) {
  std::vector<std::string> out;
  for (const auto& l : f.layers) out.push_back(l.name);
  return out;
}

}  // namespace

TEST_CASE("the reference models group into the blob's layers without change", "[fold]") {
  Sequential conv = make_preset("conv1d", 4);
  conv.build({208, 3});
  conv.init(1);
  FoldedNet f = fold(conv);
  CHECK(names(f) == std::vector<std::string>{"conv1d+relu+maxpool1d", "conv1d+relu+maxpool1d", "dense", "softmax"});
  REQUIRE(f.layers.size() == 4);
  CHECK(f.layers[0].kind == TML_LAYER_CONV1D);
  CHECK(f.layers[0].relu);
  CHECK(f.layers[0].pool == 2);
  CHECK(f.layers[0].sources == std::vector<int>{1, 2, 3});
  CHECK(f.layers[2].kind == TML_LAYER_FULLY_CONNECTED);
  CHECK(f.layers[2].sources == std::vector<int>{7, 8});  // flatten + dense
  CHECK_FALSE(f.layers[2].relu);
  CHECK(f.layers[3].kind == TML_LAYER_SOFTMAX);
  CHECK(f.layers[3].last == f.net.size() - 1);
  CHECK(f.layers[0].description == "conv1d 8 filters, kernel 5, stride 1, valid + relu + maxpool1d pool 2, stride 2");
  CHECK(fold_error(conv, f, 2) == 0.0);  // nothing to fold: the same computation exactly

  Sequential dense = make_preset("dense", 4);
  dense.build({208, 3});
  dense.init(1);
  FoldedNet d = fold(dense);
  CHECK(names(d) == std::vector<std::string>{"dense+relu", "dense+relu", "dense", "softmax"});
  CHECK(d.layers[0].first == 0);  // the flatten is part of the first dense layer
  CHECK(fold_error(dense, d, 3) == 0.0);
}

TEST_CASE("batch norm folds exactly wherever it can go", "[fold]") {
  struct Case {
    const char* what;
    const char* layers;
    Shape input;
    std::vector<std::string> groups;
    bool positive_gamma;
  };
  const Case cases[] = {
      {"after conv1d, before relu",
       R"([{"type":"conv1d","filters":6,"kernel":3},{"type":"batchnorm"},{"type":"relu"},{"type":"maxpool1d","pool":2},
           {"type":"flatten"},{"type":"dense","units":"classes"},{"type":"softmax"}])",
       {20, 2}, {"conv1d+batchnorm+relu+maxpool1d", "dense", "softmax"}, false},
      {"after dense, dropout between",
       R"([{"type":"flatten"},{"type":"dense","units":8},{"type":"dropout","rate":0.3},{"type":"batchnorm"},
           {"type":"relu"},{"type":"dense","units":"classes"}])",
       {10, 2}, {"dense+batchnorm+relu", "dense"}, false},
      {"after relu, into the next valid conv1d through max pooling",
       R"([{"type":"conv1d","filters":5,"kernel":3,"padding":"same","activation":"relu"},{"type":"batchnorm"},
           {"type":"maxpool1d","pool":2},{"type":"conv1d","filters":4,"kernel":3},{"type":"globalavgpool1d"},
           {"type":"dense","units":"classes"}])",
       {24, 3}, {"conv1d+relu+maxpool1d", "batchnorm+conv1d", "globalavgpool1d", "dense"}, true},
      {"after relu, into a dense layer through average pooling and flatten",
       R"([{"type":"conv1d","filters":4,"kernel":5,"activation":"relu"},{"type":"batchnorm"},
           {"type":"avgpool1d","pool":3},{"type":"flatten"},{"type":"dense","units":"classes","activation":"softmax"}])",
       {30, 2}, {"conv1d+relu", "avgpool1d", "batchnorm+dense", "softmax"}, false},
      {"on the input, and two in a row",
       R"([{"type":"batchnorm"},{"type":"batchnorm"},{"type":"conv1d","filters":4,"kernel":2,"stride":2},
           {"type":"relu"},{"type":"globalavgpool1d"},{"type":"relu"},{"type":"dense","units":"classes"}])",
       {16, 3}, {"batchnorm+batchnorm+conv1d+relu", "globalavgpool1d+relu", "dense"}, false},
      {"before and after a flatten, into a dense layer",
       R"([{"type":"conv1d","filters":3,"kernel":3,"activation":"relu"},{"type":"batchnorm"},{"type":"flatten"},
           {"type":"dropout","rate":0.5},{"type":"batchnorm"},{"type":"dense","units":"classes"}])",
       {8, 2}, {"conv1d+relu", "batchnorm+batchnorm+dense"}, false},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      Sequential net = network(c.layers, c.input, seed, c.positive_gamma);
      FoldedNet f = fold(net);
      CHECK(names(f) == c.groups);
      for (size_t k = 0; k < f.net.size(); ++k) {
        CHECK(f.net.layer(k).kind() != LayerKind::BatchNorm);
        CHECK(f.net.layer(k).kind() != LayerKind::Dropout);
      }
      CHECK(f.net.output_shape() == net.output_shape());
      CHECK(fold_error(net, f, seed + 10) < 1e-5);
    }
  }
}

TEST_CASE("folding leaves the original network alone", "[fold]") {
  Sequential net = network(R"([{"type":"flatten"},{"type":"dense","units":4},{"type":"batchnorm"},
                               {"type":"dense","units":"classes"}])",
                           {5, 2}, 4);
  const std::vector<float> before = net.layer(1).param("weights").value;
  FoldedNet f = fold(net);
  CHECK(net.layer(1).param("weights").value == before);
  CHECK(f.net.layer(1).param("weights").value != before);
}

TEST_CASE("what int8 cannot run is refused with the layer named", "[fold]") {
  auto error = [](const std::string& layers, Shape input) {
    Sequential net = network(layers, input, 1);
    try {
      fold(net);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const Shape in{12, 2};
  CHECK_THAT(error(R"([{"type":"flatten"},{"type":"dense","units":4,"activation":"relu"},{"type":"batchnorm"},
                       {"type":"softmax"},{"type":"dense","units":"classes"}])", in),
             Catch::Contains("layer 4 (batchnorm) cannot be folded: it is followed by layer 5 (softmax)"));
  CHECK_THAT(error(R"([{"type":"flatten"},{"type":"dense","units":"classes"},{"type":"relu"},{"type":"batchnorm"}])", in),
             Catch::Contains("layer 4 (batchnorm) cannot be folded: no conv1d or dense layer follows it"));
  CHECK_THAT(error(R"([{"type":"relu"},{"type":"flatten"},{"type":"dense","units":"classes"}])", in),
             Catch::Contains("layer 1 (relu): in int8 a relu must follow a conv1d, dense or pooling layer"));
  CHECK_THAT(error(R"([{"type":"conv1d","filters":3,"kernel":3,"activation":"relu"},{"type":"flatten"},{"type":"relu"},
                       {"type":"dense","units":"classes"}])", in),
             Catch::Contains("layer 3 (flatten): the int8 runner flattens only into a dense layer, but a relu layer follows"));
  CHECK_THAT(error(R"([{"type":"flatten"},{"type":"dense","units":4,"activation":"softmax"},{"type":"dense","units":"classes"}])", in),
             Catch::Contains("layer 3 (softmax): only a final softmax can run in int8"));
  CHECK_THAT(error(R"([{"type":"conv1d","filters":3,"kernel":3,"activation":"relu"},{"type":"batchnorm"},
                       {"type":"conv1d","filters":3,"kernel":3,"padding":"same"},{"type":"flatten"},{"type":"dense","units":"classes"}])", in),
             Catch::Contains("layer 3 (batchnorm) cannot be folded into layer 4 (conv1d): its 'same' padding"));

  // A negative gamma does not commute with max pooling.
  Sequential net = network(R"([{"type":"conv1d","filters":3,"kernel":3,"activation":"relu"},{"type":"batchnorm"},
                               {"type":"maxpool1d","pool":2},{"type":"flatten"},{"type":"dense","units":"classes"}])",
                           in, 1, true);
  static_cast<BatchNorm&>(net.layer(2)).gamma().value[1] = -0.5f;
  CHECK_THROWS_WITH(fold(net), Catch::Contains("layer 3 (batchnorm) cannot be folded: it has a negative scale"));
}
