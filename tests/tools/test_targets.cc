// Numeric targets in a dataset (datasets/README.md, docs/regression.md): target axes in the manifest and
// per-sample targets written by hand, kept when tml rewrites the manifest, checked when read, and how the
// trainer sees them (inputs without the target axes, a per-sample target on every row, NaN where missing).
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>

#include "dataset/dataset.h"
#include "dataset/manifest.h"
#include "dataset_test_util.h"
#include "pipeline/recordings.h"
#include "test_support.h"
#include "tml/trainer/architecture.h"
#include "tml/trainer/train.h"
#include "util/atomic_file.h"

namespace fs = std::filesystem;
using namespace tml::dataset;
using tml::test::error_of;
using tml::test::TempDir;

namespace {

Meta meta_with_target() {
  Meta m;
  m.sensor = "accelerometer";
  m.axes = {{"accx", "m/s2"}, {"accy", "m/s2"}, {"level", "V"}};
  m.targets = {"level"};
  m.rate_hz = 50;
  m.sample_format = "f32";
  return m;
}

// Rows of (r, -r, 10 r).
std::vector<float> rows(int n, float scale) {
  std::vector<float> v;
  for (int r = 0; r < n; ++r) v.insert(v.end(), {scale * float(r), -scale * float(r), 10 * scale * float(r)});
  return v;
}

// Edits the manifest as a user would by hand.
void edit_manifest(const fs::path& dir, const std::function<void(nlohmann::ordered_json&)>& f) {
  auto j = nlohmann::ordered_json::parse(tml::read_file(dir / kManifest));
  f(j);
  tml::write_file_atomic(dir / kManifest, j.dump(2) + "\n");
}

}  // namespace

TEST_CASE("target axes and per-sample targets survive the manifest and reach the trainer", "[dataset][targets]") {
  TempDir dir;
  const fs::path ds_dir = dir / "ds";
  {
    Dataset ds = Dataset::open_or_create(ds_dir, meta_with_target());
    ds.add_all({{"a", rows(4, 1.0f), "", "", "a.one", "train", ""}, {"b", rows(3, 2.0f), "", "", "b.two", "test", ""}});
  }
  const auto manifest = nlohmann::json::parse(tml::read_file(ds_dir / kManifest));
  CHECK(manifest["targets"] == nlohmann::json::array({"level"}));
  // A per-sample target by hand: one in the short form, one in the long form, both read as numbers.
  edit_manifest(ds_dir, [](nlohmann::ordered_json& j) {
    j["samples"][0]["target"] = 1.5;
    j["samples"][1]["targets"] = {{"target", -2.25}};
  });
  {
    Dataset ds = Dataset::open(ds_dir);
    REQUIRE(ds.meta().targets == std::vector<std::string>{"level"});
    CHECK(ds.samples()[0].targets.at("target") == 1.5);
    CHECK(ds.samples()[1].targets.at("target") == -2.25);
    ds.add("a", rows(2, 3.0f), "", "", "a.three", "train");  // a rewrite: the hand-written targets stay
  }
  const auto after = nlohmann::json::parse(tml::read_file(ds_dir / kManifest));
  CHECK(after["samples"][0]["targets"]["target"] == 1.5);
  CHECK(after["samples"][1]["targets"]["target"] == -2.25);
  CHECK_FALSE(after["samples"][2].contains("targets"));

  const tml::trainer::RecordingSet set = tml::pipeline::load_recordings(Dataset::open(ds_dir));
  CHECK(set.axes == std::vector<std::string>{"accx", "accy"});  // the target axis is no input
  REQUIRE(set.targets == std::vector<std::string>{"level", "target"});
  CHECK(set.target_units == std::vector<std::string>{"V", ""});
  const auto& one = set.recordings[0];
  REQUIRE(one.rows == 4);
  CHECK(one.values == std::vector<float>{0, -0.0f, 1, -1, 2, -2, 3, -3});
  CHECK(one.targets == std::vector<float>{0, 1.5f, 10, 1.5f, 20, 1.5f, 30, 1.5f});
  const auto& three = set.recordings[2];  // no per-sample target: NaN, refused only when it is trained on
  CHECK(three.targets[0] == 0.0f);
  CHECK(std::isnan(three.targets[1]));
  // The window's target is the last row's.
  const tml::trainer::Window w{0, 1, 0};
  CHECK(tml::trainer::window_target(set, w, 2, 0) == 20.0f);
  CHECK(tml::trainer::window_target(set, w, 2, 1) == 1.5f);

  // Training on the per-sample target names the sample that has none.
  tml::trainer::Model m;
  m.net = tml::trainer::make_preset("dense", 1, false);
  tml::trainer::TrainOptions o;
  o.window = {2, 1};
  o.epochs = 1;
  o.classify = false;
  o.targets = {"target"};
  CHECK_THROWS_WITH(tml::trainer::train(m, set, o), Catch::Contains("has no value of target 'target'"));
  o.targets = {"level"};
  tml::trainer::train(m, set, o);
  CHECK(m.values.at(0).name == "level");
  CHECK(m.values.at(0).unit == "V");
}

TEST_CASE("bad targets in a manifest are refused with the sample or the field named", "[dataset][targets]") {
  TempDir dir;
  const fs::path ds_dir = dir / "ds";
  {
    Dataset ds = Dataset::open_or_create(ds_dir, meta_with_target());
    ds.add_all({{"a", rows(4, 1.0f), "", "", "a.one", "train", ""}});
  }
  const std::string good = tml::read_file(ds_dir / kManifest);
  struct Case {
    std::function<void(nlohmann::ordered_json&)> edit;
    std::string message;
  };
  const Case cases[] = {
      {[](auto& j) { j["targets"] = {"rain"}; }, "target 'rain' is not one of the axes"},
      {[](auto& j) { j["targets"] = {"level", "level"}; }, "target 'level' appears twice"},
      {[](auto& j) { j["targets"] = {"accx", "accy", "level"}; }, "every axis is a target"},
      {[](auto& j) { j["targets"] = "level"; }, "\"targets\" must be a list of axis names"},
      {[](auto& j) { j["samples"][0]["target"] = "heavy"; }, "target 'target' must be a finite number"},
      {[](auto& j) { j["samples"][0]["targets"] = {{"accx", 1.0}}; }, "target 'accx' has an axis's name"},
      {[](auto& j) { j["samples"][0]["targets"] = 3; }, "\"targets\" must be an object of numbers by name"},
  };
  for (const auto& c : cases) {
    tml::write_file_atomic(ds_dir / kManifest, good);
    edit_manifest(ds_dir, c.edit);
    INFO(c.message);
    CHECK_THAT(error_of([&] { Dataset::open(ds_dir); }), Catch::Contains(c.message));
  }
  // A dataset with target axes takes no import of another configuration.
  Meta other = meta_with_target();
  other.targets.clear();
  tml::write_file_atomic(ds_dir / kManifest, good);
  CHECK_FALSE(same_axes_and_rate(Dataset::open(ds_dir).meta(), other));
}
