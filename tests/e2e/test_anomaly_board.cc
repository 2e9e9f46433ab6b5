// Anomaly scores on the emulated Cortex-M4F equal the host's, bit for bit: the front-end image
// (firmware/ports/mps2_an386/features_main.cc) runs K-means detectors trained here on the shipped gesture
// recordings (spectral features, no layers), a dense autoencoder trained here, a classifier carrying a
// K-means block and a hand-made autoencoder-shaped model (its output in its input's quantization), and prints the network input, the
// output and the tml_anomaly_result of each window; the host computes the same with the same firmware
// sources compiled for x86-64.
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "emulator/emulator.h"
#include "features_board.h"
#include "features_jobs.h"
#include "link/transport.h"
#include "pipeline/recordings.h"
#include "reference_models.h"
#include "run_programs.h"
#include "tml/model.h"
#include "tml/trainer/anomaly.h"
#include "tml/trainer/blob.h"
#include "tml/trainer/blob_writer.h"

using namespace tml::trainer;
using tml::test::JobMode;

namespace {

using tml::test::features_image;

// The host's bytes for a model job: input, output, then the anomaly result.
std::string host_out(const std::vector<uint8_t>& bytes, const std::vector<float>& raw) {
  std::vector<uint32_t> words((bytes.size() + 3) / 4);
  std::memcpy(words.data(), bytes.data(), bytes.size());
  tml_model model;
  REQUIRE(tml_model_init(&model, reinterpret_cast<const uint8_t*>(words.data()), bytes.size()) == TML_OK);
  REQUIRE(model.anomaly.block);
  std::vector<uint32_t> arena(tml_model_arena_size(&model) / 4 + 1), scratch(tml_model_features_buffer_size(&model) / 4 + 1);
  int8_t* in = tml_model_input(&model, arena.data());
  REQUIRE(tml_model_prepare_features(&model, raw.data(), raw.size(), scratch.data(), scratch.size() * 4, in) == TML_OK);
  const std::string input_hex = tml::test::to_hex(in, tml_model_input_size(&model));
  REQUIRE(tml_model_run(&model, arena.data(), arena.size() * 4, nullptr, nullptr) == TML_OK);
  tml_anomaly_result a;
  std::memset(&a, 0, sizeof a);
  REQUIRE(tml_model_anomaly(&model, arena.data(), arena.size() * 4, &a) == TML_OK);
  return input_hex + tml::test::to_hex(tml_model_output(&model, arena.data()), tml_model_output_size(&model)) +
         tml::test::to_hex(&a, sizeof a);
}

// Raw 2 s windows (208 rows, stride 52) of the recordings of `label` in `split`, at most `limit`.
std::vector<float> windows_of(const RecordingSet& set, const std::string& label, Split split, size_t limit) {
  std::vector<float> out;
  size_t count = 0;
  for (const Recording& r : set.recordings) {
    if (set.labels[size_t(r.label)] != label || r.split != split) continue;
    for (int start = 0; start + 208 <= r.rows && count < limit; start += 52, ++count)
      out.insert(out.end(), r.values.begin() + start * 3, r.values.begin() + (start + 208) * 3);
  }
  return out;
}

}  // namespace

TEST_CASE("anomaly scores on the emulated board equal the host's bit for bit", "[e2e][anomaly]") {
  REQUIRE(std::filesystem::exists(features_image()));
  const RecordingSet set = tml::pipeline::read_recordings(tml::test::source_dir() / "datasets" / "gestures-ei");
  tml::test::TempDir dir("tml-anomaly-board");
  std::vector<std::string> names, expected;
  const auto job = [&](const std::string& name, const std::vector<uint8_t>& blob, const std::vector<float>& raw) {
    tml::test::write_job(dir / name, JobMode::model_f32, blob, raw);
    names.push_back(name);
    expected.push_back(host_out(blob, raw));
  };

  // Two detectors trained on "idle" and "updown" as normal: the defaults, and filtered with every statistic.
  std::vector<float> normal = windows_of(set, "idle", Split::Train, 60);
  const std::vector<float> more = windows_of(set, "updown", Split::Train, 60);
  normal.insert(normal.end(), more.begin(), more.end());
  AnomalyOptions plain;
  AnomalyOptions filtered;
  filtered.spectral.filter = FilterType::low_pass;
  filtered.spectral.cutoff_hz = 10;
  filtered.spectral.stats = TML_SPECTRAL_STATS_ALL;
  filtered.clusters = 5;
  AnomalyOptions trained_ae;  // and the autoencoder the trainer makes, on every statistic
  trained_ae.method = AnomalyMethod::autoencoder;
  trained_ae.spectral.stats = TML_SPECTRAL_STATS_ALL;
  trained_ae.epochs = 30;
  trained_ae.restarts = 1;
  const AnomalyDetector detectors[3] = {train_anomaly_detector(normal, {}, plain),
                                        train_anomaly_detector(normal, {}, filtered),
                                        train_anomaly_detector(normal, {}, trained_ae)};
  REQUIRE(Blob(detectors[2].blob).header().layer_count == 4);
  int flagged = 0;
  for (int d = 0; d < 3; ++d) {
    for (const char* label : {"circle", "idle", "flick", "updown"}) {
      const std::vector<float> test = windows_of(set, label, Split::Test, 3);
      for (size_t w = 0; w < 3; ++w) {
        const std::vector<float> raw(test.begin() + long(w * 624), test.begin() + long((w + 1) * 624));
        job((d == 2 ? "trained_ae_" : "kmeans" + std::to_string(d) + "_") + label + std::to_string(w) + ".job", detectors[d].blob, raw);
        tml_anomaly_result a;
        std::memcpy(&a, tml::test::from_hex(expected.back().substr(expected.back().size() - 32)).data(), sizeof a);
        flagged += a.anomalous;
      }
    }
  }
  CHECK(flagged > 0);  // the flicks and circles are not all within the threshold of idle and updown

  // A classifier on spectral features with a K-means block over its input.
  const FrontEnd fe = FrontEnd::spectral(SpectralConfig{});
  QuantizedModel classifier = tml::test::front_end_model(4, fe.section(), 1, fe.out_channels());
  std::mt19937 rng(6);
  const int dims = fe.out_channels();
  std::vector<int8_t> centres(size_t(3 * dims));
  for (auto& c : centres) c = int8_t(int(rng() % 101) - 50);
  classifier.anomaly = kmeans_anomaly_block(dims, centres, {300, 0, -200}, {1 << 30, 1500000000, INT32_MAX}, {9, 4, 1},
                                            1 << 16);
  const std::vector<uint8_t> with_classes = write_model_blob(classifier);
  // An autoencoder-shaped model: dense dims -> 8 (ReLU) -> dims back in the input's quantization.
  QuantizedModel ae;
  ae.input_time = 1;
  ae.input_channels = dims;
  ae.input_scale = 0.04f;
  ae.features = fe.section();
  ae.mean = classifier.mean;
  ae.inv_std = classifier.inv_std;
  for (int layer = 0; layer < 2; ++layer) {
    QuantizedLayer l;
    l.kind = TML_LAYER_FULLY_CONNECTED;
    l.units = layer == 0 ? 8 : dims;
    const int inputs = layer == 0 ? dims : 8;
    for (int i = 0; i < l.units * inputs; ++i) l.weights.push_back(int8_t(int(rng() % 255) - 127));
    l.bias.assign(size_t(l.units), 100);
    l.output_scale = layer == 0 ? 0.08f : 0.04f;
    l.output_zero_point = layer == 0 ? -128 : 0;
    l.act_min = -128;
    set_requantization(l, layer == 0 ? 0.04 : 0.08, std::vector<double>(size_t(l.units), 0.004), l.output_scale);
    ae.layers.push_back(l);
  }
  ae.anomaly = autoencoder_anomaly_block(dims, 1431655765, 4, 50 << 16);
  const std::vector<uint8_t> autoencoder = write_model_blob(ae);
  for (const char* label : {"circle", "flick"}) {
    const std::vector<float> raw = windows_of(set, label, Split::Test, 1);
    job(std::string("classifier_") + label + ".job", with_classes, raw);
    job(std::string("autoencoder_") + label + ".job", autoencoder, raw);
  }

  const auto jobs = tml::test::run_feature_jobs(dir.path(), names);
  for (size_t i = 0; i < jobs.size(); ++i) {
    INFO(names[i]);
    CHECK(jobs[i].status == 0);
    CHECK(jobs[i].out == expected[i]);
  }
}
