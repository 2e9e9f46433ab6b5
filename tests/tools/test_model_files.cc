// Model files on disk (pipeline/model_files.h): saved with a CRC-32 as their last member and checked at
// load, so that a float model with a flipped bit is refused by name instead of running changed weights.
#include <catch2/catch.hpp>

#include "pipeline/model_files.h"
#include "test_support.h"
#include "tml/trainer/architecture.h"
#include "tml/trainer/error.h"
#include "tml/trainer/float_model.h"
#include "util/atomic_file.h"

using namespace tml::trainer;

namespace {

Model small_model() {
  Model m;
  m.net = parse_architecture(R"([{"type": "conv1d", "filters": 3, "kernel": 3, "activation": "relu"},
                                 {"type": "flatten"}, {"type": "dense", "units": "classes"}, {"type": "softmax"}])",
                             2);
  m.net.build(Shape{8, 2});
  m.net.init(3);
  m.labels = {"idle", "wave"};
  m.window = 8;
  m.stride = 4;
  m.rate_hz = 50;
  m.axes = {{"ax", "g"}, {"ay", "g"}};
  m.normalization = {{0.0f, 0.0f}, {1.0f, 1.0f}};
  return m;
}

}  // namespace

TEST_CASE("a float model file with a flipped bit is refused as damaged", "[model_files]") {
  tml::test::TempDir dir;
  const auto path = dir / "m.model";
  tml::pipeline::save_model(small_model(), path);
  const std::string text = tml::read_file(path);
  CHECK(text.find("\"crc32\": \"") != std::string::npos);
  CHECK(tml::pipeline::load_model(path).labels == std::vector<std::string>{"idle", "wave"});
  CHECK(tml::pipeline::model_file_format(path) == "tml-model");

  // Every single-bit flip in the digits of the weights is caught (one turned -0.1045 into -8.1045).
  size_t flips = 0;
  for (size_t i = text.find("\"values\""); i < text.size() && flips < 200; ++i) {
    if (text[i] < '0' || text[i] > '9') continue;
    std::string bad = text;
    bad[i] = static_cast<char>(bad[i] ^ 0x08);
    tml::write_file_atomic(path, bad);
    INFO("byte " << i);
    CHECK_THROWS_WITH(tml::pipeline::load_model(path), Catch::Contains("is damaged"));
    ++flips;
  }
  CHECK(flips == 200);
  std::string bad = text;
  bad[text.size() / 2] = static_cast<char>(bad[text.size() / 2] ^ 0x01);
  tml::write_file_atomic(path, bad);
  CHECK_THROWS_WITH(tml::pipeline::model_file_format(path), Catch::Contains("is damaged"));

  // A file from before the checksum loads as it did.
  const std::string old = text.substr(0, text.rfind(",\n  \"crc32\"")) + "\n}\n";
  tml::write_file_atomic(path, old);
  CHECK(tml::pipeline::load_model(path).labels.size() == 2);
}

TEST_CASE("a model path that is a folder or names nothing is refused as such", "[model_files]") {
  // Before: "model file /tmp does not exist" for a folder.
  tml::test::TempDir tmp;
  for (const auto& [path, says] : {std::pair{tmp.path(), "is not a file"}, std::pair{tmp / "none.model", "does not exist"}}) {
    INFO(path.string());
    CHECK_THROWS_WITH(tml::pipeline::load_model(path), Catch::Contains(path.string() + " " + says));
    CHECK_THROWS_WITH(tml::pipeline::load_qmodel(path), Catch::Contains(path.string() + " " + says));
    CHECK_THROWS_WITH(tml::pipeline::model_file_format(path), Catch::Contains(path.string() + " " + says));
  }
}
