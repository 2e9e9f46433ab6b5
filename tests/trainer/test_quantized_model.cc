// The quantized model file: what is written is read back (the blob byte for byte), and a file that is
// not right is refused at load with what is wrong.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "reference_models.h"
#include "tml/trainer/architecture.h"
#include "tml/trainer/error.h"
#include "tml/trainer/quantized_model.h"

using namespace tml::trainer;

namespace {

QModel sample() {
  QModel m;
  m.blob = write_model_blob(tml::test::conv1d_model(9));
  m.labels = {"idle", "snake", "updown", "wave"};
  m.window = 208;
  m.stride = 52;
  m.rate_hz = 104;
  m.axes = {{"accx", "m/s2"}, {"accy", "m/s2"}, {"accz", "m/s2"}};
  m.sensor = "accelerometer";
  m.source_model = "gestures.model";
  m.architecture = "conv1d";
  m.dataset = "gestures/";
  m.created = "2025-01-01T00:00:00Z";
  m.tool = "tml 0.1.0";
  m.calibration.method = CalibrationMethod::Percentile;
  m.calibration.percentile = 99.9;
  m.calibration_windows = 1224;
  m.input_range = {-2.5, 2.25};
  QLayerInfo l;
  l.kind = "conv1d";
  l.name = "conv1d+relu+maxpool1d";
  l.description = "conv1d 8 filters + relu + maxpool1d";
  l.sources = {1, 2, 3};
  l.range = {0, 6.5};
  l.output = {0.025f, -128};
  m.layers = {l};
  Model f;  // a float source of the same shape
  f.net = make_preset("dense", 4);
  f.net.build({208, 3});
  f.net.init(1);
  f.labels = m.labels;
  f.window = 208;
  f.stride = 52;
  f.rate_hz = 104;
  f.axes = m.axes;
  f.normalization.mean = {0.1f, -9.7f, 0.4f};
  f.normalization.std = {1.0f / 1.9f, 1.0f / 0.8f, 1.0f / 1.3f};
  m.float_model = model_to_json(f);
  m.eval_split = "test";
  m.eval_windows = 408;
  m.float_accuracy = 0.975;
  m.int8_accuracy = 0.9725;
  return m;
}

std::string error_of(const std::string& text) {
  try {
    qmodel_from_json(text, "g.q.model");
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a quantized model file reads back as written", "[qmodel]") {
  const QModel m = sample();
  const std::string text = qmodel_to_json(m);
  const QModel r = qmodel_from_json(text, "g.q.model");
  CHECK(r.blob == m.blob);
  CHECK(r.labels == m.labels);
  CHECK(r.window == 208);
  CHECK(r.stride == 52);
  CHECK(r.rate_hz == 104);
  CHECK(r.axes[2].name == "accz");
  CHECK(r.axes[2].unit == "m/s2");
  CHECK(r.sensor == "accelerometer");
  CHECK(r.source_model == "gestures.model");
  CHECK(r.architecture == "conv1d");
  CHECK(r.calibration.method == CalibrationMethod::Percentile);
  CHECK(r.calibration.percentile == 99.9);
  CHECK(r.calibration_windows == 1224);
  CHECK(r.input_range.min == -2.5);
  REQUIRE(r.layers.size() == 1);
  CHECK(r.layers[0].name == "conv1d+relu+maxpool1d");
  CHECK(r.layers[0].sources == std::vector<int>{1, 2, 3});
  CHECK(r.layers[0].output.scale == 0.025f);
  CHECK(r.layers[0].output.zero_point == -128);
  CHECK(r.eval_split == "test");
  CHECK(r.float_accuracy == 0.975);
  CHECK(r.int8_accuracy == 0.9725);
  CHECK(model_to_json(model_from_json(r.float_model, "f")) == m.float_model);  // the float source, intact
  CHECK(qmodel_to_json(r) == text);  // stable

  const auto j = nlohmann::json::parse(text);
  CHECK(j["format"] == "tml-quantized-model");
  CHECK(j["version"] == 1);
  CHECK(j["blob"]["size"] == m.blob.size());
  CHECK(model_file_format(text) == "tml-quantized-model");
  CHECK(model_file_format("{\"format\": \"tml-model\"}") == "tml-model");
  CHECK(model_file_format("not json") == "");
}

TEST_CASE("blobs of every length survive base64", "[qmodel]") {
  // Labels add 32-byte blocks and normalisation 8 bytes per axis, so lengths mod 3 vary across models.
  for (uint32_t seed = 1; seed <= 3; ++seed) {
    QModel m = sample();
    m.blob = write_model_blob(tml::test::dense_model(seed));
    m.labels = {"a", "b", "c", "d"};
    m.layers.clear();
    m.float_model.clear();
    CHECK(qmodel_from_json(qmodel_to_json(m), "x").blob == m.blob);
  }
}

TEST_CASE("a bad quantized model file is refused with the reason", "[qmodel]") {
  const std::string good = qmodel_to_json(sample());
  auto edit = [&](const std::function<void(nlohmann::json&)>& f) {
    nlohmann::json j = nlohmann::json::parse(good);
    f(j);
    return j.dump();
  };
  CHECK_THAT(error_of("{"), Catch::Contains("g.q.model: not a quantized model file"));
  CHECK_THAT(error_of(R"({"format": "tml-model", "version": 1})"), Catch::Contains("not a tml quantized model file"));
  CHECK_THAT(error_of(edit([](auto& j) { j["version"] = 2; })), Catch::Contains("version 2 is not supported"));
  CHECK_THAT(error_of(edit([](auto& j) { j.erase("labels"); })), Catch::Contains("missing \"labels\""));
  CHECK_THAT(error_of(edit([](auto& j) { j["blob"]["base64"] = "@@@@"; })), Catch::Contains("not valid base64"));
  CHECK_THAT(error_of(edit([](auto& j) { j["blob"]["size"] = 12; })), Catch::Contains("\"size\" says 12 bytes"));
  CHECK_THAT(error_of(edit([](auto& j) {
               std::string b = j["blob"]["base64"];
               b[200] = b[200] == 'A' ? 'B' : 'A';  // one bit of the blob changes: its hash no longer matches
               j["blob"]["base64"] = b;
             })),
             Catch::Contains("the int8 model blob is invalid: crc mismatch"));
  CHECK_THAT(error_of(edit([](auto& j) { j["labels"][1] = "snail"; })),
             Catch::Contains("label 2 is 'snail' but the blob says 'snake'"));
  CHECK_THAT(error_of(edit([](auto& j) { j["labels"].push_back("extra"); })),
             Catch::Contains("5 labels but the blob has 4 class outputs"));
  CHECK_THAT(error_of(edit([](auto& j) { j["input"]["window"] = 200; })), Catch::Contains("the blob takes 208"));
  CHECK_THAT(error_of(edit([](auto& j) { j["input"]["axes"].erase(0); })), Catch::Contains("2 axes but the blob takes 3"));
  CHECK_THAT(error_of(edit([](auto& j) { j["input"]["stride"] = 300; })), Catch::Contains("stride must be 1 to 208"));
  CHECK_THAT(error_of(edit([](auto& j) { j["input"]["rate_hz"] = 0; })), Catch::Contains("sample rate must be positive"));
  CHECK_THAT(error_of(edit([](auto& j) { j["float_model"]["labels"][0] = "other"; })),
             Catch::Contains("float_model: its labels, value heads, window or axes are not the quantized model's"));
  CHECK_THAT(error_of(edit([](auto& j) { j["float_model"]["version"] = 9; })), Catch::Contains("g.q.model: float_model: "));
}
