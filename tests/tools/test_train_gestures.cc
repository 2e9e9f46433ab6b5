// The reference benchmark's accuracy on the shipped example gestures, through the dataset store and the
// trainer: windows of 208 rows at stride 52 (1224 training and 408 test windows), Adam 1e-3, batch 32,
// 30 epochs, median of three seeds: conv1d >= 0.90 and dense >= 0.95 test accuracy.
// The whole schedule takes a few seconds; under the sanitizers one seed each.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "dataset/dataset.h"
#include "test_support.h"
#include "train/recordings.h"
#include "trainer/architecture.h"
#include "trainer/train.h"

namespace fs = std::filesystem;
using namespace tml;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr int kSeeds = 1;
#else
constexpr int kSeeds = 3;
#endif

// TEMPORARY until the Edge Impulse importer and the shipped copy (datasets/gestures-ei) are merged: the
// same recordings read from the shared example folder and added to a dataset with the store's API.
dataset::Dataset import_shared_copy(const fs::path& dir) {
  const fs::path root = test::source_dir() / ".." / "shared" / "datasets" / "xiao-nrf54-gestures-ei";
  REQUIRE(fs::exists(root));
  dataset::Meta meta;
  meta.sensor = "accelerometer";
  meta.axes = {{"accx", "m/s2"}, {"accy", "m/s2"}, {"accz", "m/s2"}};
  meta.rate_hz = 104;
  meta.sample_format = "f32";
  auto ds = dataset::Dataset::create_on_first_add(dir, meta);
  std::vector<fs::path> files;
  for (const char* split : {"training", "testing"})
    for (const auto& e : fs::directory_iterator(root / split))
      if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<dataset::NewSample> batch;
  for (const auto& f : files) {
    std::ifstream in(f);
    const auto j = nlohmann::json::parse(in);
    dataset::NewSample s;
    const std::string name = f.filename().string();
    s.label = name.substr(0, name.find('.'));
    s.id = s.label + "." + name.substr(name.find(".json.") + 6, 8);
    s.split = f.parent_path().filename() == "training" ? "train" : "test";
    s.device = "DATA_FORWARDER";
    s.source = "import:ei";
    for (const auto& row : j["payload"]["values"])
      for (const auto& v : row) s.values.push_back(v.get<float>());
    batch.push_back(std::move(s));
  }
  ds.add_all(batch);
  return dataset::Dataset::open(dir);
}

double median_accuracy(const trainer::RecordingSet& set, const std::string& preset, int epochs) {
  std::vector<double> acc;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    trainer::Model m;
    m.net = trainer::make_preset(preset, static_cast<int>(set.labels.size()));
    trainer::TrainOptions o;
    o.window = {208, 52};
    o.epochs = epochs;
    o.batch = 32;
    o.learning_rate = 1e-3f;
    o.seed = static_cast<uint64_t>(seed);
    const auto r = trainer::train(m, set, o);
    CHECK(r.train_windows == 1224);
    const auto test = trainer::evaluate(m, set, trainer::Split::Test);
    CHECK(test.count == 408);
    acc.push_back(test.accuracy);
    WARN(preset << " seed " << seed << ": test accuracy " << test.accuracy << ", " << r.windows_per_second
                << " windows/s");
  }
  std::sort(acc.begin(), acc.end());
  return acc[acc.size() / 2];
}

}  // namespace

TEST_CASE("the reference models reach the required accuracy on the example gestures", "[train_gestures][slow]") {
  test::TempDir dir("tml-gestures");
  const auto ds = fs::exists(test::example_gestures())
                      ? dataset::open_or_import(test::example_gestures(), dir / "ds")
                      : import_shared_copy(dir / "ds");
  const trainer::RecordingSet set = train::load_recordings(ds);
  REQUIRE(set.labels == std::vector<std::string>{"circle", "flick", "idle", "updown"});
  REQUIRE(set.recordings.size() == 96);
  CHECK(median_accuracy(set, "dense", 30) >= 0.95);
  CHECK(median_accuracy(set, "conv1d", 30) >= 0.90);
}
