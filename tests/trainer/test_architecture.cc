// Architecture files: what they may say, and the messages for what they may not.
#include <catch2/catch.hpp>

#include "tml/trainer/architecture.h"
#include "tml/trainer/conv1d.h"
#include "tml/trainer/dense.h"
#include "tml/trainer/dropout.h"
#include "tml/trainer/error.h"
#include "tml/trainer/pooling.h"

using namespace tml::trainer;

TEST_CASE("an architecture file with every layer type builds the network it describes", "[architecture]") {
  const char* text = R"({
    "name": "everything",
    "layers": [
      {"type": "conv1d", "filters": 6, "kernel": 3, "padding": "same", "activation": "relu"},
      {"type": "batchnorm", "momentum": 0.2},
      {"type": "maxpool1d", "pool": 2},
      {"type": "conv1d", "filters": 8, "kernel": 3, "stride": 2},
      {"type": "relu"},
      {"type": "avgpool1d", "pool": 3, "stride": 1},
      {"type": "dropout", "rate": 0.25},
      {"type": "globalavgpool1d"},
      {"type": "dense", "units": 12, "activation": "relu"},
      {"type": "flatten"},
      {"type": "dense", "units": "classes"},
      {"type": "softmax"}
    ]})";
  Sequential net = parse_architecture(text, 5);
  REQUIRE(net.size() == 14);  // two activations added
  net.build(Shape{40, 3});
  CHECK(net.output_shape() == Shape{1, 5});
  CHECK(net.layer(0).kind() == LayerKind::Conv1D);
  CHECK(net.layer(1).kind() == LayerKind::ReLU);
  CHECK(net.layer(0).output_shape() == Shape{40, 6});
  CHECK(static_cast<const Conv1D&>(net.layer(4)).stride() == 2);
  CHECK(net.layer(4).output_shape() == Shape{9, 8});
  CHECK(static_cast<const Dropout&>(net.layer(7)).rate() == 0.25f);
  CHECK(static_cast<const Dense&>(net.layer(12)).units() == 5);
  // A bare array works too.
  CHECK(parse_architecture(R"([{"type": "flatten"}, {"type": "dense", "units": "classes"}])", 3).size() == 2);
}

TEST_CASE("malformed architecture files give messages naming the layer and the setting", "[architecture]") {
  struct Bad {
    const char* text;
    const char* message;
  };
  const Bad cases[] = {
      {"{\"layers\": [", "not valid JSON"},
      {"{\"layer\": []}", "unknown key 'layer'"},
      {"{\"layers\": []}", "\"layers\" is empty"},
      {"{\"layers\": {}}", "must be an array"},
      {"[{\"type\": \"lstm\"}]", "layer 1 (lstm): unknown layer type \"lstm\""},
      {"[{\"units\": 3}]", "layer 1: a layer needs a \"type\""},
      {"[3]", "layer 1: a layer must be a JSON object"},
      {"[{\"type\": \"flatten\"}, {\"type\": \"dense\"}]", "layer 2 (dense): 'units' is required"},
      {"[{\"type\": \"dense\", \"units\": 0}]", "'units' must be a whole number from 1 to 1000000"},
      {"[{\"type\": \"dense\", \"units\": 1000000000}]", "'units' must be a whole number from 1 to 1000000, got 1000000000"},
      {"[{\"type\": \"dense\", \"units\": \"many\"}]", "'units' must be a whole number from 1 to 1000000 or \"classes\""},
      {"[{\"type\": \"conv1d\", \"filters\": 8, \"kernal\": 5}]", "unknown setting 'kernal' (expected: filters, kernel"},
      {"[{\"type\": \"conv1d\", \"filters\": 8}]", "'kernel' is required"},
      {"[{\"type\": \"conv1d\", \"filters\": 8, \"kernel\": 2.5}]", "'kernel' must be a whole number from 1 to 1000000, got 2.5"},
      {"[{\"type\": \"conv1d\", \"filters\": 8, \"kernel\": 3, \"padding\": \"full\"}]",
       "'padding' must be one of \"valid\", \"same\""},
      {"[{\"type\": \"conv1d\", \"filters\": 8, \"kernel\": 3, \"activation\": \"tanh\"}]", "'activation' must be one of"},
      {"[{\"type\": \"relu\", \"alpha\": 0.1}]", "unknown setting 'alpha' (this layer has no settings)"},
      {"[{\"type\": \"dropout\", \"rate\": 1.5}]", "'rate' must be in [0, 1)"},
      {"[{\"type\": \"dropout\"}]", "'rate' is required"},
      {"[{\"type\": \"maxpool1d\"}]", "'pool' is required"},
      {"[{\"type\": \"batchnorm\", \"epsilon\": -1}]", "'epsilon' must be positive"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    CHECK_THROWS_WITH(parse_architecture(c.text, 4), Catch::Contains(c.message));
  }
}
