// Model files: exact round trip, validation of everything at load, and refusal of damaged files.
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "tml/trainer/architecture.h"
#include "tml/trainer/batchnorm.h"
#include "tml/trainer/error.h"
#include "tml/trainer/float_model.h"
#include "tml/trainer/random.h"

using namespace tml::trainer;
using nlohmann::json;

namespace {

Model small_model() {
  Model m;
  m.net = parse_architecture(R"([{"type": "conv1d", "filters": 3, "kernel": 3, "padding": "same", "activation": "relu"},
                                 {"type": "batchnorm"}, {"type": "maxpool1d", "pool": 2}, {"type": "dropout", "rate": 0.1},
                                 {"type": "flatten"}, {"type": "dense", "units": "classes"}, {"type": "softmax"}])",
                             3);
  m.net.build(Shape{8, 2});
  m.net.init(3);
  Rng rng(4);
  for (size_t i = 0; i < m.net.size(); ++i)
    for (auto& p : m.net.layer(i).params())
      for (auto& v : p.value) v += rng.uniform(-1.0f, 1.0f) * 1e-3f + (p.name == "moving_var" ? 1.0f : 0.0f);
  m.labels = {"idle", "wave", "tap"};
  m.window = 8;
  m.stride = 4;
  m.rate_hz = 52.5;
  m.axes = {{"ax", "g"}, {"ay", "g"}};
  m.normalization = {{0.125f, -3.0f}, {1.5f, 0.1f}};
  m.training.dataset = "d/";
  m.training.seed = 12345678901234ull;
  m.training.test_accuracy = 0.75;
  return m;
}

std::string with(const std::string& text, const std::function<void(json&)>& edit) {
  json j = json::parse(text);
  edit(j);
  return j.dump();
}

}  // namespace

TEST_CASE("a model survives the file round trip bit for bit", "[model_file]") {
  const Model m = small_model();
  const std::string text = model_to_json(m);
  const Model back = model_from_json(text, "m.model");
  CHECK(back.labels == m.labels);
  CHECK(back.window == 8);
  CHECK(back.stride == 4);
  CHECK(back.rate_hz == 52.5);
  CHECK(back.axes[1].name == "ay");
  CHECK(back.axes[1].unit == "g");
  CHECK(back.normalization.mean == m.normalization.mean);
  CHECK(back.normalization.std == m.normalization.std);
  CHECK(back.training.seed == 12345678901234ull);
  CHECK(back.training.test_accuracy == 0.75);
  CHECK(back.training.validation_accuracy == -1);
  REQUIRE(back.net.size() == m.net.size());
  for (size_t i = 0; i < m.net.size(); ++i) {
    CHECK(back.net.layer(i).kind() == m.net.layer(i).kind());
    CHECK(back.net.layer(i).output_shape() == m.net.layer(i).output_shape());
    const auto& a = m.net.layer(i).params();
    const auto& b = back.net.layer(i).params();
    REQUIRE(a.size() == b.size());
    for (size_t k = 0; k < a.size(); ++k) {
      CHECK(a[k].name == b[k].name);
      CHECK(a[k].value == b[k].value);  // exact
    }
  }
  CHECK(model_to_json(back) == text);
}

TEST_CASE("the model file is laid out as documented", "[model_file]") {
  const json j = json::parse(model_to_json(small_model()));
  CHECK(j["format"] == "tml-model");
  CHECK(j["version"] == kModelFormatVersion);
  CHECK(j["input"]["window"] == 8);
  CHECK(j["input"]["axes"][0]["name"] == "ax");
  CHECK(j["layers"][0]["type"] == "conv1d");
  CHECK(j["layers"][0]["padding"] == "same");
  CHECK(j["layers"][0]["output"] == json::array({8, 3}));
  CHECK(j["layers"][0]["params"]["weights"]["shape"] == json::array({3, 3, 2}));
  CHECK(j["layers"][0]["params"]["weights"]["values"].size() == 18);
  CHECK(j["layers"][2]["type"] == "batchnorm");
  CHECK(j["layers"][2]["params"]["moving_var"]["shape"] == json::array({3}));
  CHECK(j["layers"][6]["type"] == "dense");
  CHECK(j["layers"][6]["output"] == json::array({3}));
  CHECK(j["layers"][6]["params"]["weights"]["shape"] == json::array({3, 12}));
}

TEST_CASE("damaged or inconsistent model files are refused with the reason", "[model_file]") {
  const std::string good = model_to_json(small_model());
  struct Bad {
    std::function<void(json&)> edit;
    const char* message;
  };
  const Bad cases[] = {
      {[](json& j) { j["format"] = "onnx"; }, "not a tml model file"},
      {[](json& j) { j["version"] = 2; }, "model format version 2 is not supported"},
      {[](json& j) { j.erase("labels"); }, "missing \"labels\""},
      {[](json& j) { j["labels"].push_back("extra"); }, "output is [3] but there are 4 labels"},
      {[](json& j) { j["labels"][1] = "idle"; }, "label 'idle' appears twice"},
      {[](json& j) { j["input"]["window"] = 0; }, "window and stride must be 1 to 100000000 rows"},
      {[](json& j) { j["input"]["window"] = 1000000000000LL; }, "window and stride must be 1 to 100000000 rows"},
      {[](json& j) { j["input"]["window"] = 9; }, "recorded output shape [8,3] does not match the computed [9,3]"},
      {[](json& j) { j["input"]["rate_hz"] = -1; }, "sample rate must be positive"},
      {[](json& j) { j["input"]["axes"].push_back({{"name", "az"}, {"unit", "g"}}); }, "one mean and one std per axis"},
      {[](json& j) { j["normalization"]["std"][0] = 0; }, "std of axis ax must be positive"},
      {[](json& j) { j["layers"][0]["kernel"] = 4; }, "parameter 'weights' has shape [3,3,2], expected [3,4,2]"},
      {[](json& j) { j["layers"][0]["params"]["weights"]["values"].erase(0); }, "has 17 values, expected 18"},
      {[](json& j) { j["layers"][0]["params"].erase("bias"); }, "missing parameter 'bias'"},
      {[](json& j) { j["layers"][0]["params"]["gain"] = j["layers"][0]["params"]["bias"]; }, "unknown parameter 'gain'"},
      {[](json& j) { j["layers"][0]["params"]["bias"]["values"][0] = "x"; }, "must contain only numbers"},
      {[](json& j) { j["layers"][0]["params"]["bias"]["values"][0] = 1e300; }, "not a finite float"},
      {[](json& j) { j["layers"][0]["type"] = "conv2d"; }, "layer 1: unknown layer type"},
      {[](json& j) { j["layers"][0]["activation"] = "relu"; }, "\"activation\" is not used in model files"},
      {[](json& j) { j["layers"].erase(7), j["layers"].erase(6); }, "output is [12] but there are 3 labels"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
    INFO("case " << i + 1);
    CHECK_THROWS_WITH(model_from_json(with(good, cases[i].edit), "m.model"),
                      Catch::StartsWith("m.model: ") && Catch::Contains(cases[i].message));
  }
  CHECK_THROWS_WITH(model_from_json("{\"format\": \"tml-model\", \"vers", "x.model"), Catch::Contains("not valid JSON"));
  CHECK_THROWS_WITH(model_from_json("[1, 2]", "x.model"), Catch::Contains("not a tml model file"));
}

TEST_CASE("a model with non-finite weights cannot be saved", "[model_file]") {
  Model m = small_model();
  m.net.layer(0).params()[0].value[0] = std::nanf("");
  CHECK_THROWS_WITH(model_to_json(m), Catch::Contains("parameter 'weights' is not finite"));
}
