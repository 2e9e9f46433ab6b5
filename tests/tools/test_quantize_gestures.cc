// int8 against float on the shipped example gestures, for both reference models and seeds 1-3 (the
// reference schedule of bench/MODELS.md: 208-row windows at stride 52, Adam 1e-3, batch 32, 30 epochs):
// calibrated on the 1224 training windows (min/max), the int8 model on the firmware's kernels is within
// 0.5 points of the float model's test accuracy for every seed, and its predictions are the same run
// after run. The whole schedule takes a few seconds.
#include <catch2/catch.hpp>
#include <cmath>

#include "dataset/dataset.h"
#include "formats/transfer.h"
#include "pipeline/recordings.h"
#include "test_support.h"
#include "tml/trainer/architecture.h"
#include "tml/trainer/int8_model.h"
#include "tml/trainer/quantize.h"
#include "tml/trainer/train.h"

using namespace tml;

TEST_CASE("int8 test accuracy is within half a point of float on the example gestures", "[quantize_gestures][slow]") {
  const trainer::RecordingSet set = pipeline::read_recordings(test::example_gestures());
  REQUIRE(set.labels == std::vector<std::string>{"circle", "flick", "idle", "updown"});
  for (const char* preset : {"conv1d", "dense"}) {
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      trainer::Model m;
      m.net = trainer::make_preset(preset, 4);
      trainer::TrainOptions o;
      o.window = {208, 52};
      o.epochs = 30;
      o.batch = 32;
      o.learning_rate = 1e-3f;
      o.seed = seed;
      trainer::train(m, set, o);
      const auto train_windows = trainer::make_windows(set, trainer::recordings_of(set, trainer::Split::Train), o.window);
      const auto test_windows = trainer::make_windows(set, trainer::recordings_of(set, trainer::Split::Test), o.window);
      REQUIRE(train_windows.size() == 1224);
      REQUIRE(test_windows.size() == 408);
      trainer::QuantizeResult q = trainer::quantize(m, set, train_windows);
      const trainer::Comparison c = trainer::compare(m, q, set, test_windows);
      INFO(preset << " seed " << seed);
      WARN(preset << " seed " << seed << ": float " << c.float_metrics.accuracy << ", int8 " << c.int8_metrics.accuracy
                  << ", same class " << c.agreement);
      CHECK(std::fabs(c.int8_metrics.accuracy - c.float_metrics.accuracy) <= 0.005);
      CHECK(c.agreement >= 0.98);

      trainer::Int8Model int8(q.blob);
      std::vector<int> again;
      trainer::evaluate(int8, set, test_windows, &again);
      CHECK(again == c.int8_predictions);
    }
  }
}
