// tml train and tml eval through the binary, on small synthetic datasets made with the dataset store:
// outputs, JSON reports, the model file, and every bad input giving a clear message and a non-zero exit.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "dataset/dataset.h"
#include "run_programs.h"
#include "util/atomic_file.h"

using tml::test::run_tml;
using tml::test::TempDir;

namespace {

// Two labels of 2-axis recordings at 50 Hz: a slow and a fast sine, `rows` long; per label `train`
// training and `test` test recordings. Labels listed in only_test get test recordings only.
void make_dataset(const std::filesystem::path& dir, int train, int test, int rows,
                  const std::vector<std::string>& labels = {"fast", "slow"},
                  const std::vector<std::string>& only_test = {}) {
  tml::dataset::Meta meta;
  meta.sensor = "accelerometer";
  meta.axes = {{"ax", "g"}, {"ay", "g"}};
  meta.rate_hz = 50;
  meta.sample_format = "f32";
  auto ds = tml::dataset::Dataset::create_on_first_add(dir, meta);
  std::vector<tml::dataset::NewSample> batch;
  for (size_t k = 0; k < labels.size(); ++k) {
    const bool test_only = std::find(only_test.begin(), only_test.end(), labels[k]) != only_test.end();
    for (int i = 0; i < train + test; ++i) {
      if (test_only && i < train) continue;
      tml::dataset::NewSample s;
      s.label = labels[k];
      s.id = labels[k] + "." + std::to_string(i);
      s.split = i < train ? "train" : "test";
      s.device = "test";
      s.source = "capture";
      const double f = 1.0 + 2.0 * static_cast<double>(k);
      for (int t = 0; t < rows; ++t) {
        s.values.push_back(static_cast<float>(std::sin(6.2832 * f * t / 50.0 + i)));
        s.values.push_back(static_cast<float>(std::cos(6.2832 * f * t / 50.0 + i) * 0.5 + 1.0));
      }
      batch.push_back(std::move(s));
    }
  }
  ds.add_all(batch);
}

nlohmann::json read_json(const std::filesystem::path& p) { return nlohmann::json::parse(tml::read_file(p)); }

}  // namespace

TEST_CASE("tml train writes a model and reports accuracy and tml eval agrees", "[train_cli]") {
  TempDir dir("tml-train-cli");
  make_dataset(dir / "ds", 6, 3, 200);
  const auto model = (dir / "m.model").string(), train_json = (dir / "train.json").string();
  auto r = run_tml({"train", "--dataset", (dir / "ds").string(), "--model", "conv1d", "--window", "1s", "--stride",
                    "0.5s", "--epochs", "8", "--batch", "8", "--out", model, "--json", train_json, "--quiet"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Test split: accuracy") != std::string::npos);
  CHECK(r.out.find("confusion matrix") != std::string::npos);
  CHECK(r.err.find("conv1d 8 filters, kernel 5") != std::string::npos);  // the network table
  const auto j = read_json(train_json);
  CHECK(j["history"].size() == 8);
  CHECK(j["history"][0].contains("loss"));
  CHECK(j["train_windows"] == 2 * 6 * 7);  // (200 - 50) / 25 + 1 = 7 windows per recording
  CHECK(j["window"] == 50);
  CHECK(j["params"].get<int>() > 0);
  const double accuracy = j["test"]["accuracy"];
  CHECK(accuracy >= 0.9);
  CHECK(j["test"]["confusion"].size() == 2);
  CHECK(j["test"]["per_class"][0]["label"] == "fast");

  const auto m = read_json(model);
  CHECK(m["format"] == "tml-model");
  CHECK(m["labels"] == nlohmann::json::array({"fast", "slow"}));
  CHECK(m["input"]["rate_hz"] == 50.0);
  CHECK(m["training"]["test_accuracy"] == accuracy);

  auto e = run_tml({"eval", "--model", model, "--dataset", (dir / "ds").string(), "--json", "-"});
  INFO(e.err);
  REQUIRE(e.exit_code == 0);
  const auto ej = nlohmann::json::parse(e.out);
  CHECK(ej["metrics"]["accuracy"] == accuracy);
  CHECK(ej["metrics"]["count"] == 2 * 3 * 7);
  CHECK(e.err.find("precision") != std::string::npos);  // the human report goes to stderr with --json -

  auto all = run_tml({"eval", "--model", model, "--dataset", (dir / "ds").string(), "--split", "all"});
  REQUIRE(all.exit_code == 0);
  CHECK(all.out.find("(126 windows)") != std::string::npos);
}

TEST_CASE("tml train reads an architecture file and validation with early stopping", "[train_cli]") {
  TempDir dir("tml-train-cli");
  make_dataset(dir / "ds", 6, 2, 200);
  tml::write_file_atomic(dir / "net.json", R"({"layers": [
      {"type": "conv1d", "filters": 4, "kernel": 3, "padding": "same", "activation": "relu"},
      {"type": "globalavgpool1d"},
      {"type": "dense", "units": "classes", "activation": "softmax"}]})");
  auto r = run_tml({"train", "--dataset", (dir / "ds").string(), "--model", (dir / "net.json").string(), "--window",
                    "50", "--stride", "25", "--epochs", "40", "--validation", "0.34", "--patience", "2", "--out",
                    (dir / "m.model").string(), "--json", (dir / "t.json").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = read_json(dir / "t.json");
  CHECK(j["validation_windows"] == 2 * 2 * 7);
  CHECK(j["history"][0].contains("val_loss"));
  CHECK(r.err.find("val_acc") != std::string::npos);
  const auto m = read_json(dir / "m.model");
  CHECK(m["layers"][1]["type"] == "relu");
  CHECK(m["training"]["architecture"] == (dir / "net.json").string());
  CHECK(m["training"]["best_epoch"] == j["best_epoch"]);
}

TEST_CASE("tml train and tml eval refuse bad input with a clear message and a non-zero exit", "[train_cli]") {
  TempDir dir("tml-train-cli");
  make_dataset(dir / "ds", 3, 1, 120);
  const std::string ds = (dir / "ds").string(), out = (dir / "m.model").string();
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    std::string message;
  };
  tml::write_file_atomic(dir / "bad.json", R"({"layers": [{"type": "flatten"}, {"type": "dense", "unit": 4}]})");
  tml::write_file_atomic(dir / "long.json", R"({"layers": [{"type": "conv1d", "filters": 2, "kernel": 80},
                                                          {"type": "flatten"}, {"type": "dense", "units": "classes"}]})");
  tml::write_file_atomic(dir / "notjson.json", "layers: [dense]");
  tml::write_file_atomic(dir / "huge.json", R"({"layers": [{"type": "flatten"}, {"type": "dense", "units": 1e999}]})");
  tml::dataset::Meta meta;
  meta.sensor = "accelerometer";
  meta.axes = {{"ax", "g"}};
  meta.rate_hz = 50;
  meta.sample_format = "f32";
  tml::dataset::Dataset::open_or_create(dir / "empty", meta);
  make_dataset(dir / "ghost", 3, 1, 120, {"fast", "ghost", "slow"}, {"ghost"});
  const Case cases[] = {
      {{"train", "--dataset", ds}, 2, "--out is required"},
      {{"train", "--out", out}, 2, "--dataset is required"},
      {{"train", "--dataset", ds, "--out", out, "--optimizer", "rmsprop"}, 2, "--optimizer must be adam or sgd"},
      {{"train", "--dataset", ds, "--out", out, "--patience", "3"}, 2, "--patience needs --validation"},
      {{"train", "--dataset", ds, "--out", out, "--model", "resnet"}, 2, "neither a preset (conv1d, dense, dscnn) nor"},
      {{"train", "--dataset", ds, "--out", out, "--window", "2 s"}, 1, "--window '2 s' is not a duration"},
      {{"train", "--dataset", ds, "--out", out, "--window", "5s"}, 1,
       "the window (250 rows = 5 s) is longer than every training recording (longest 120 rows = 2.4 s)"},
      {{"train", "--dataset", ds, "--out", out, "--model", (dir / "bad.json").string(), "--window", "1s"}, 1,
       "bad.json: layer 2 (dense): unknown setting 'unit'"},
      {{"train", "--dataset", ds, "--out", out, "--model", (dir / "notjson.json").string()}, 1, "not valid JSON"},
      {{"train", "--dataset", ds, "--out", out, "--model", (dir / "huge.json").string()}, 1,
       "huge.json: not valid JSON: [json.exception.out_of_range.406] number overflow"},
      {{"train", "--dataset", ds, "--out", out, "--model", (dir / "long.json").string(), "--window", "1s"}, 1,
       "kernel 80 is longer than the input's 50 time steps"},
      {{"train", "--dataset", ds, "--out", out, "--class-weights", "1,2,3", "--window", "1s"}, 2,
       "--class-weights has 3 weights but there are 2 labels (fast, slow)"},
      {{"train", "--dataset", (dir / "empty").string(), "--out", out}, 1, "is empty: capture or import samples first"},
      {{"train", "--dataset", (dir / "ghost").string(), "--out", out, "--window", "1s"}, 1,
       "label 'ghost' has no training recordings"},
      {{"train", "--dataset", (dir / "nothing").string(), "--out", out}, 1, "nothing does not exist"},
      {{"eval", "--model", (dir / "none.model").string(), "--dataset", ds}, 1, "none.model does not exist"},
      {{"eval", "--model", (dir / "bad.json").string(), "--dataset", ds}, 1, "not a tml model file"},
      {{"eval", "--dataset", ds}, 2, "--model is required"},
      {{"train", "--dataset", ds, "--out", out, "--task", "predict"}, 2,
       "--task must be classify, regression or multi, got 'predict'"},
      {{"train", "--dataset", ds, "--out", out, "--loss", "l1"}, 2, "--loss must be mse or huber, got 'l1'"},
      {{"train", "--dataset", ds, "--out", out, "--task", "regression", "--window", "1s"}, 1,
       "--task regression needs numeric targets"},
      {{"train", "--dataset", ds, "--out", out, "--task", "regression", "--heads", "class,rain", "--window", "1s"}, 2,
       "--heads class,rain is a multi model, not --task regression"},
      {{"train", "--dataset", ds, "--out", out, "--heads", "rain", "--window", "1s"}, 1,
       "the data has no target 'rain' (it has no numeric targets"},
      {{"train", "--dataset", ds, "--out", out, "--task", "multi", "--heads", "class,,x", "--window", "1s"}, 2,
       "--heads has an empty item"},
  };
  for (const auto& c : cases) {
    auto r = run_tml(c.args);
    std::string cmd;
    for (const auto& a : c.args) cmd += a + " ";
    INFO("tml " << cmd << "\nstderr: " << r.err);
    CHECK(r.exit_code == c.exit_code);
    CHECK(r.err.find(c.message) != std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(out));
}

TEST_CASE("a non-finite value in a dataset file stops training with the file named", "[train_cli]") {
  TempDir dir("tml-train-cli");
  make_dataset(dir / "ds", 2, 1, 120);
  const auto csv = dir / "ds" / "data" / "fast" / "fast.0.csv";
  REQUIRE(std::filesystem::exists(csv));
  std::string text = tml::read_file(csv);
  const auto second_row = text.find('\n', text.find('\n') + 1) + 1;
  text.replace(second_row, text.find(',', second_row) - second_row, "nan");
  tml::write_file_atomic(csv, text);
  auto r = run_tml({"train", "--dataset", (dir / "ds").string(), "--out", (dir / "m.model").string(), "--window", "1s"});
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("fast.0") != std::string::npos);
  CHECK(r.err.find("finite") != std::string::npos);
}

TEST_CASE("a sample file or label folder that is a symbolic link stops training and evaluation with it named",
          "[train_cli]") {
  TempDir dir("tml-train-cli");
  make_dataset(dir / "ds", 3, 1, 120);
  const std::string ds = (dir / "ds").string(), model = (dir / "m.model").string();
  REQUIRE(run_tml({"train", "--dataset", ds, "--out", model, "--window", "1s", "--epochs", "1", "-q"}).exit_code == 0);
  // A sample file replaced by a link to the same bytes outside the dataset.
  const auto csv = dir / "ds" / "data" / "fast" / "fast.1.csv";
  std::filesystem::rename(csv, dir / "outside.csv");
  std::filesystem::create_symlink(dir / "outside.csv", csv);
  const std::string out = (dir / "again.model").string();
  auto r = run_tml({"train", "--dataset", ds, "--out", out, "--window", "1s", "--epochs", "1", "-q"});
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("sample 'fast.1': " + csv.string() + " is a symbolic link") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(out));
  r = run_tml({"eval", "--model", model, "--dataset", ds});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find(csv.string() + " is a symbolic link") != std::string::npos);
  // A label's folder replaced by a link to a copy of it elsewhere.
  std::filesystem::remove(csv);
  std::filesystem::rename(dir / "outside.csv", csv);
  REQUIRE(run_tml({"eval", "--model", model, "--dataset", ds}).exit_code == 0);
  const auto slow = dir / "ds" / "data" / "slow";
  std::filesystem::rename(slow, dir / "slow-elsewhere");
  std::filesystem::create_directory_symlink(dir / "slow-elsewhere", slow);
  r = run_tml({"train", "--dataset", ds, "--out", out, "--window", "1s", "--epochs", "1", "-q"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find(slow.string() + " is a symbolic link") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(out));
}

TEST_CASE("values near the float range that cannot be normalised stop training with the axis named",
          "[train_cli]") {
  TempDir dir("tml-train-cli");
  tml::dataset::Meta meta;
  meta.sensor = "accelerometer";
  meta.axes = {{"ax", "g"}, {"ay", "g"}};
  meta.rate_hz = 50;
  meta.sample_format = "f32";
  auto ds = tml::dataset::Dataset::create_on_first_add(dir / "ds", meta);
  std::vector<tml::dataset::NewSample> batch;
  for (const std::string label : {"fast", "slow"})
    for (int i = 0; i < 4; ++i) {
      tml::dataset::NewSample s;
      s.label = label;
      s.id = label + "." + std::to_string(i);
      s.split = i < 3 ? "train" : "test";
      for (int t = 0; t < 120; ++t) {
        s.values.push_back(static_cast<float>(std::sin(0.3 * t + i)));
        // Finite floats (~3e38) whose mean is ~2.6e38: (value - mean) overflows for the negative ones.
        s.values.push_back((t * 7 + i) % 10 == 0 ? -3.3e38f : 3.3e38f);
      }
      batch.push_back(std::move(s));
    }
  ds.add_all(batch);
  const std::string out = (dir / "m.model").string();
  for (const char* preset : {"conv1d", "dense"}) {
    auto r = run_tml({"train", "--dataset", (dir / "ds").string(), "--model", preset, "--out", out, "--window", "1s",
                      "--epochs", "2", "-q"});
    INFO(preset << ": " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("axis 'ay' cannot be normalised: its values reach -3.3e+38") != std::string::npos);
    CHECK(r.err.find("scale the data down") != std::string::npos);
    CHECK(r.out.find("epoch") == std::string::npos);  // refused before training, not after
    CHECK_FALSE(std::filesystem::exists(out));
  }
}

TEST_CASE("tml eval refuses a dataset with other labels or another rate", "[train_cli]") {
  TempDir dir("tml-train-cli");
  make_dataset(dir / "ds", 3, 1, 120);
  const std::string model = (dir / "m.model").string();
  REQUIRE(run_tml({"train", "--dataset", (dir / "ds").string(), "--out", model, "--window", "1s", "--epochs", "1", "-q"})
              .exit_code == 0);
  make_dataset(dir / "other", 3, 1, 120, {"fast", "wobble"});
  auto r = run_tml({"eval", "--model", model, "--dataset", (dir / "other").string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("label 'wobble', which is not one of the model's labels (fast, slow)") != std::string::npos);
  auto s = run_tml({"eval", "--model", model, "--dataset", (dir / "ds").string(), "--split", "sideways"});
  CHECK(s.exit_code == 2);
}

TEST_CASE("tml train reads an Edge Impulse export directly and cuts the reference windows", "[train_cli]") {
  TempDir dir("tml-train-cli");
  auto r = run_tml({"train", "--dataset", tml::test::example_gestures().string(), "--model", "dense", "--window", "2s",
                    "--stride", "0.5s", "--epochs", "2", "--out", (dir / "g.model").string(), "-q"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("on 1224 windows") != std::string::npos);
  CHECK(r.out.find("(408 windows)") != std::string::npos);
  CHECK(r.err.find("96 recordings, 4 labels, window 208 rows (2.00 s), stride 52 rows") != std::string::npos);
}
