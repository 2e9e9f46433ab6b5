// The reference benchmark's accuracy on the shipped example gestures, through the dataset store and the
// trainer: windows of 208 rows at stride 52 (1224 training and 408 test windows), Adam 1e-3, batch 32,
// 30 epochs, median of three seeds: conv1d >= 0.90 and dense >= 0.95 test accuracy.
// The whole schedule takes a few seconds; under the sanitizers one seed each.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>

#include "dataset/dataset.h"
#include "formats/transfer.h"
#include "pipeline/recordings.h"
#include "test_support.h"
#include "tml/trainer/architecture.h"
#include "tml/trainer/train.h"

namespace fs = std::filesystem;
using namespace tml;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr int kSeeds = 1;
#else
constexpr int kSeeds = 3;
#endif

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
  // As a user would: `tml dataset import datasets/gestures-ei --dataset DIR`, then train from DIR.
  test::TempDir dir("tml-gestures");
  dataset::import_into(dir / "ds", dataset::read_import(test::example_gestures(), {}));
  const trainer::RecordingSet set = pipeline::load_recordings(dataset::Dataset::open(dir / "ds"));
  REQUIRE(set.labels == std::vector<std::string>{"circle", "flick", "idle", "updown"});
  REQUIRE(set.recordings.size() == 96);
  CHECK(median_accuracy(set, "dense", 30) >= 0.95);
  CHECK(median_accuracy(set, "conv1d", 30) >= 0.90);
}
