// Post-training quantization: the int8 parameters follow the scheme exactly (per-channel weights, bias,
// requantization, clamps), the blob runs on the firmware's kernels with the float model's answers, and the
// comparison measures what changed.
#include <catch2/catch.hpp>

#include <cmath>

#include "quant_reference.h"
#include "tml/kernels.h"
#include "synthetic_data.h"
#include "tml/trainer/architecture.h"
#include "tml/trainer/error.h"
#include "tml/trainer/int8_model.h"
#include "tml/trainer/quantize.h"
#include "tml/trainer/train.h"

using namespace tml::trainer;

namespace {

Model trained(const std::string& arch, const RecordingSet& set, int epochs = 8) {
  Model m;
  m.net = is_preset(arch) ? make_preset(arch, 3) : parse_architecture(arch, 3);
  TrainOptions o;
  o.window = {50, 25};
  o.epochs = epochs;
  o.batch = 16;
  train(m, set, o);
  return m;
}

std::vector<Window> split_windows(const Model& m, const RecordingSet& set, Split s) {
  return make_windows(set, recordings_of(set, s), {m.window, m.stride});
}

}  // namespace

TEST_CASE("weights and bias and requantization follow the scheme", "[quantize]") {
  const RecordingSet set = tml::test::synthetic_recordings(6, 200, 1);
  for (const char* arch : {"conv1d", "dense"}) {
    INFO(arch);
    Model m = trained(arch, set);
    const QuantizeResult q = quantize(m, set, split_windows(m, set, Split::Train));
    REQUIRE(q.quantized.layers.size() == q.folded.layers.size());
    CHECK(q.input.scale == choose_quant_params(q.calibration.input).scale);
    CHECK(q.quantized.input_scale == q.input.scale);
    CHECK(q.quantized.input_zero_point == q.input.zero_point);
    CHECK(q.quantized.labels == m.labels);
    CHECK(q.quantized.mean == m.normalization.mean);
    CHECK(q.quantized.inv_std == m.normalization.inv_std());

    double in_scale = q.input.scale;
    for (size_t j = 0; j < q.folded.layers.size(); ++j) {
      const FusedLayer& fl = q.folded.layers[j];
      const QuantizedLayer& ql = q.quantized.layers[j];
      INFO("int8 layer " << j + 1 << " " << fl.name);
      CHECK(ql.kind == fl.kind);
      if (fl.linear == SIZE_MAX) {
        if (fl.kind == TML_LAYER_SOFTMAX) {
          int32_t expect = 0;
          REQUIRE(tml_softmax_s8_exp_multiplier(in_scale, &expect) == TML_OK);
          CHECK(ql.exp_multiplier == expect);
        }
        continue;
      }
      const std::vector<float>& w = q.folded.net.layer(fl.linear).param("weights").value;
      const std::vector<float>& b = q.folded.net.layer(fl.linear).param("bias").value;
      const size_t units = b.size(), per = w.size() / units;
      const QuantParams out = choose_quant_params(q.calibration.outputs[j]);
      CHECK(ql.output_scale == out.scale);
      CHECK(ql.output_zero_point == out.zero_point);
      CHECK(ql.act_min == (fl.relu ? out.zero_point : -128));
      if (fl.relu) CHECK(out.zero_point == -128);  // a ReLU's range starts at 0
      for (size_t o = 0; o < units; ++o) {
        double max_abs = 0;
        int max_q = 0;
        for (size_t k = 0; k < per; ++k) {
          max_abs = std::max(max_abs, std::fabs(double{w[o * per + k]}));
          max_q = std::max(max_q, std::abs(int{ql.weights[o * per + k]}));
        }
        const double ws = max_abs / 127.0;
        CHECK(max_q == 127);  // symmetric per channel: the largest weight maps to +-127
        for (size_t k = 0; k < per; ++k)
          CHECK(ql.weights[o * per + k] == static_cast<int>(std::round(double{w[o * per + k]} / ws)));
        CHECK(ql.bias[o] == static_cast<int32_t>(std::round(double{b[o]} / (in_scale * ws))));
        // Q31 multiplier and shift for in_scale * ws / out_scale, as TFLite's QuantizeMultiplier.
        int32_t mult = 0, shift = 0;
        tml::test::ref_quantize_multiplier(in_scale * ws / double{out.scale}, &mult, &shift);
        CHECK(ql.multiplier[o] == mult);
        CHECK(ql.shift[o] == shift);
      }
      in_scale = out.scale;
    }
  }
}

TEST_CASE("the int8 model answers as the float model does and says where they differ", "[quantize]") {
  const RecordingSet set = tml::test::synthetic_recordings(6, 200, 2);
  for (const char* arch : {"conv1d", "dense"}) {
    INFO(arch);
    Model m = trained(arch, set);
    QuantizeResult q = quantize(m, set, split_windows(m, set, Split::Train));
    const auto test = split_windows(m, set, Split::Test);
    const Comparison c = compare(m, q, set, test);
    CHECK(c.float_metrics.count == static_cast<int64_t>(test.size()));
    CHECK(c.int8_metrics.count == static_cast<int64_t>(test.size()));
    CHECK(c.float_metrics.accuracy == evaluate(m, set, test).accuracy);
    CHECK(c.agreement >= 0.95);
    CHECK(std::fabs(c.int8_metrics.accuracy - c.float_metrics.accuracy) <= 0.05);
    CHECK(c.int8_metrics.loss > 0);
    REQUIRE(c.layers.size() == q.folded.layers.size());
    for (size_t j = 0; j < c.layers.size(); ++j) {
      INFO("int8 layer " << j + 1);
      CHECK(c.layers[j].sqnr_db > 25);  // 8 bits: about 40 dB on these layers
      CHECK(c.layers[j].max_abs > 0);
      CHECK(c.layers[j].rms <= c.layers[j].max_abs);
    }

    // The same predictions from the plain int8 evaluation, run after run.
    Int8Model int8(q.blob);
    std::vector<int> first, second;
    const Metrics a = evaluate(int8, set, test, &first);
    const Metrics b = evaluate(int8, set, test, &second);
    CHECK(first == c.int8_predictions);
    CHECK(first == second);
    CHECK(a.accuracy == c.int8_metrics.accuracy);
    CHECK(a.loss == b.loss);
    CHECK(a.confusion == c.int8_metrics.confusion);
  }
}

TEST_CASE("layer by layer the int8 run ends where the whole run ends", "[quantize]") {
  const RecordingSet set = tml::test::synthetic_recordings(4, 120, 3);
  Model m = trained("conv1d", set, 2);
  const QuantizeResult q = quantize(m, set, split_windows(m, set, Split::Train));
  Int8Model int8(q.blob);
  std::vector<float> raw(static_cast<size_t>(m.window) * 2);
  const auto w = split_windows(m, set, Split::Test);
  gather_raw(set, w.data(), 1, m.window, raw.data());
  const auto layers = int8.run_layers(raw.data());
  REQUIRE(layers.size() == 4);
  CHECK(layers[0].size() == 23 * 8);  // [50][2] -> conv 5 -> [46] -> pool 2 -> [23][8]
  CHECK(layers.back() == int8.run(raw.data()));
  CHECK(int8.logits() == layers[2]);
}

TEST_CASE("networks with batch norm and average pooling and clamped pooling quantize and agree", "[quantize]") {
  const RecordingSet set = tml::test::synthetic_recordings(6, 200, 4);
  const char* arch = R"([
    {"type":"conv1d","filters":8,"kernel":5,"padding":"same"},{"type":"batchnorm"},{"type":"relu"},
    {"type":"maxpool1d","pool":2},{"type":"dropout","rate":0.1},
    {"type":"conv1d","filters":8,"kernel":3},{"type":"avgpool1d","pool":2},{"type":"relu"},
    {"type":"batchnorm"},{"type":"globalavgpool1d"},{"type":"dense","units":"classes","activation":"softmax"}])";
  Model m = trained(arch, set, 10);
  QuantizeResult q = quantize(m, set, split_windows(m, set, Split::Train));
  std::vector<std::string> names;
  for (const auto& l : q.folded.layers) names.push_back(l.name);
  CHECK(names == std::vector<std::string>{"conv1d+batchnorm+relu+maxpool1d", "conv1d", "avgpool1d+relu",
                                          "globalavgpool1d", "batchnorm+dense", "softmax"});
  CHECK(q.quantized.layers[2].act_min == q.quantized.layers[1].output_zero_point);
  const Comparison c = compare(m, q, set, split_windows(m, set, Split::Test));
  CHECK(c.agreement >= 0.95);
}

TEST_CASE("what the blob cannot hold is refused before it is written", "[quantize]") {
  RecordingSet set = tml::test::synthetic_recordings(2, 120, 5);
  set.labels[1] = "a label much longer than thirty-one bytes";
  Model m = trained("dense", set, 1);
  CHECK_THROWS_WITH(quantize(m, set, split_windows(m, set, Split::Train)),
                    Catch::Contains("is longer than the 31 bytes a model blob holds"));
}
