// Live inference on the board (tml/inference.h): sliding windows over a stream arriving in batches of any
// size, and each window's scores equal to what the host computes for the same rows (Int8Model); with a
// front end, audio frame by frame and spectral window by window.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <random>

#include "fake_board.h"
#include "heads_blob.h"
#include "host_side.h"
#include "reference_models.h"
#include "tml/inference.h"
#include "tml/kernels.h"
#include "tml/protocol/messages.h"
#include "tml/trainer/front_end.h"
#include "tml/trainer/int8_model.h"

namespace {

struct Result {
  uint32_t first_index;
  std::vector<int8_t> scores;
  uint32_t top;
};

struct Harness {
  std::vector<uint8_t> blob;
  tml_model model{};
  std::vector<uint32_t> blob_words, arena;
  std::vector<float> window;
  tml_inference inf{};
  std::vector<Result> results;
  uint32_t ticks = 0;

  explicit Harness(uint32_t stride, const std::vector<uint8_t>& b = tml::trainer::write_model_blob(tml::test::conv1d_model(5))) : blob(b) {
    blob_words.resize((blob.size() + 3) / 4);
    std::memcpy(blob_words.data(), blob.data(), blob.size());
    REQUIRE(tml_model_init(&model, reinterpret_cast<const uint8_t*>(blob_words.data()), blob.size()) == TML_OK);
    arena.resize(tml_model_arena_size(&model) / 4 + 1);
    window.resize(tml_inference_buffer_size(&model) / sizeof(float));
    REQUIRE(tml_inference_init(&inf, &model, arena.data(), arena.size() * 4, window.data(), window.size() * 4, stride,
                               on_result, nullptr, this) == TML_OK);
  }
  static void on_result(void* ctx, uint32_t first, const int8_t* s, uint32_t n, uint32_t top, uint32_t cost) {
    CHECK(cost == 0);  // no clock given
    static_cast<Harness*>(ctx)->results.push_back({first, std::vector<int8_t>(s, s + n), top});
  }
};

std::vector<float> stream(size_t rows, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, 3.0f);
  std::vector<float> v(rows * 3);
  for (auto& x : v) x = d(rng);
  return v;
}

}  // namespace

TEST_CASE("every window of the stream is classified as the host classifies it", "[inference]") {
  Harness h(52);
  const auto rows = stream(1040, 1);
  std::mt19937 rng(2);
  for (uint32_t at = 0; at < 1040;) {  // batches of random sizes, as SAMPLES messages arrive
    const uint32_t n = std::min<uint32_t>(1040 - at, 1 + rng() % 90);
    REQUIRE(tml_inference_push(&h.inf, at, rows.data() + at * 3, n, TML_FORMAT_F32, 3, 1.0f) == TML_OK);
    at += n;
  }
  REQUIRE(h.results.size() == (1040 - 208) / 52 + 1);
  tml::trainer::Int8Model host(h.blob);
  for (size_t k = 0; k < h.results.size(); ++k) {
    INFO("window " << k);
    CHECK(h.results[k].first_index == k * 52);
    const auto expected = host.run(rows.data() + k * 52 * 3);
    CHECK(h.results[k].scores == expected);
    CHECK(h.results[k].top == static_cast<uint32_t>(tml::trainer::Int8Model::top(expected)));
  }
}

TEST_CASE("int16 rows become raw times scale as the host stores them", "[inference]") {
  Harness h(208);
  std::vector<int16_t> raw(208 * 3);
  std::mt19937 rng(3);
  for (auto& v : raw) v = static_cast<int16_t>(static_cast<int>(rng() % 4000) - 2000);
  const float scale = 1.2258e-3f;
  REQUIRE(tml_inference_push(&h.inf, 0, raw.data(), 208, TML_FORMAT_I16, 3, scale) == TML_OK);
  REQUIRE(h.results.size() == 1);
  std::vector<float> physical(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) physical[i] = static_cast<float>(raw[i]) * scale;
  tml::trainer::Int8Model host(h.blob);
  CHECK(h.results[0].scores == host.run(physical.data()));
}

TEST_CASE("a gap in the stream restarts windows at the next boundary after it", "[inference]") {
  Harness h(52);
  const auto rows = stream(2000, 4);
  REQUIRE(tml_inference_push(&h.inf, 0, rows.data(), 300, TML_FORMAT_F32, 3, 1.0f) == TML_OK);
  // Rows 300..399 never arrive.
  REQUIRE(tml_inference_push(&h.inf, 400, rows.data() + 400 * 3, 600, TML_FORMAT_F32, 3, 1.0f) == TML_OK);
  std::vector<uint32_t> starts;
  for (const auto& r : h.results) starts.push_back(r.first_index);
  // Before the gap: 0, 52 (ends at 259); 104 would need rows up to 311. After: the first boundary >= 400 is 416.
  CHECK(starts == std::vector<uint32_t>{0, 52, 416, 468, 520, 572, 624, 676, 728, 780});
  tml::trainer::Int8Model host(h.blob);
  CHECK(h.results[2].scores == host.run(rows.data() + 416 * 3));
}

TEST_CASE("inference set-up and input are checked", "[inference]") {
  Harness h(52);
  tml_inference other;
  CHECK(tml_inference_init(&other, &h.model, h.arena.data(), h.arena.size() * 4, h.window.data(), h.window.size() * 4, 0,
                           nullptr, nullptr, nullptr) == TML_ERR_ARG);
  CHECK(tml_inference_init(&other, &h.model, h.arena.data(), h.arena.size() * 4, h.window.data(), h.window.size() * 4, 209,
                           nullptr, nullptr, nullptr) == TML_ERR_ARG);
  CHECK(tml_inference_init(&other, &h.model, h.arena.data(), tml_model_arena_size(&h.model) - 1, h.window.data(),
                           h.window.size() * 4, 52, nullptr, nullptr, nullptr) == TML_ERR_BUFFER);
  CHECK(tml_inference_init(&other, &h.model, h.arena.data(), h.arena.size() * 4, h.window.data(), h.window.size() * 4 - 4,
                           52, nullptr, nullptr, nullptr) == TML_ERR_ARG);
  const float row[3] = {0, 0, 0};
  CHECK(tml_inference_push(&h.inf, 0, row, 1, TML_FORMAT_F32, 2, 1.0f) == TML_ERR_ARG);
  CHECK(tml_inference_push(&h.inf, 0, row, 1, 7, 3, 1.0f) == TML_ERR_ARG);
}

// ---- the device core running a model ---------------------------------------------------------------

TEST_CASE("a board with a model streams predictions equal to the host's for the same rows", "[inference][device]") {
  tml::test::FakeBoard b(1u << TML_SENSOR_ACCEL);  // 3 axes, float32, 100 Hz, unpaced
  tml::test::HostSide host;
  Harness h(52);
  REQUIRE(tml_device_attach_model(&b.device, &h.inf, TML_SENSOR_ACCEL, 100000, 1) == TML_OK);
  auto msgs = host.drain(b.tx);
  const auto s = tml::test::as<tml_msg_session>(msgs.back());
  CHECK((s.flags & TML_SESSION_FLAG_INFERENCE) != 0);
  CHECK(s.model_hash == h.model.header.hash);

  tml_msg_start start{1000, TML_START_PREDICT};  // predictions only, no rows
  host.send(b.rx, TML_MSG_START, &start, sizeof start);
  b.poll(100);
  msgs = host.drain(b.tx);
  std::vector<float> rows(1000 * 3);
  for (uint32_t r = 0; r < 1000; ++r)
    for (int a = 0; a < 3; ++a) rows[r * 3 + a] = tml::test::FakeBoard::accel_value(r, a);
  tml::trainer::Int8Model model(h.blob);
  uint32_t predictions = 0;
  for (const auto& m : msgs) {
    CHECK(m.type != TML_MSG_SAMPLES);
    if (m.type != TML_MSG_PREDICTION) continue;
    const auto p = tml::test::as<tml_msg_prediction>(m);
    REQUIRE(p.class_count == 4);
    CHECK(p.first_index == predictions * 52);
    CHECK(p.cost_unit == 1);
    const std::vector<int8_t> scores(m.payload.begin() + sizeof p, m.payload.end());
    const auto expected = model.run(rows.data() + p.first_index * 3);
    CHECK(scores == expected);
    CHECK(p.top == tml::trainer::Int8Model::top(expected));
    ++predictions;
  }
  CHECK(predictions == (1000 - 208) / 52 + 1);
}

TEST_CASE("predictions are refused with a reason when there is no model or the stream does not fit it", "[inference][device]") {
  tml::test::FakeBoard b;
  tml::test::HostSide host;
  host.drain(b.tx);
  tml_msg_start start{0, TML_START_PREDICT};
  host.send(b.rx, TML_MSG_START, &start, sizeof start);
  b.poll();
  auto msgs = host.drain(b.tx);
  REQUIRE(msgs.size() == 2);
  CHECK(msgs[0].type == TML_MSG_LOG);
  CHECK(std::string(msgs[0].payload.begin(), msgs[0].payload.end()).find("carries no model") != std::string::npos);
  CHECK(tml::test::as<tml_msg_ack>(msgs[1]).status == TML_ERR_UNSUPPORTED);

  Harness h(52);
  REQUIRE(tml_device_attach_model(&b.device, &h.inf, TML_SENSOR_ACCEL, 104000, 0) == TML_OK);
  host.drain(b.tx);
  tml_msg_set_sensor mic{TML_SENSOR_MIC, {0, 0, 0}};
  host.send(b.rx, TML_MSG_SET_SENSOR, &mic, sizeof mic);
  host.send(b.rx, TML_MSG_START, &start, sizeof start);
  b.poll();
  msgs = host.drain(b.tx);
  REQUIRE(msgs.size() == 4);  // ACK, SESSION, LOG, ACK
  CHECK(std::string(msgs[2].payload.begin(), msgs[2].payload.end()).find("another sensor") != std::string::npos);
  CHECK(tml::test::as<tml_msg_ack>(msgs[3]).status == TML_ERR_UNSUPPORTED);
  tml_msg_start bad{0, 0x80};
  host.send(b.rx, TML_MSG_START, &bad, sizeof bad);
  b.poll();
  msgs = host.drain(b.tx);
  CHECK(tml::test::as<tml_msg_ack>(msgs.back()).status == TML_ERR_ARG);
}

// ---- models with value heads (regression, multi-output) -------------------------------------------

namespace {

// What the model computes for one row of the stream, by the runner's functions called here.
struct Expected {
  std::vector<int8_t> output;
  std::vector<float> values;
};
Expected expect_row(const tml_model& m, const float* row) {
  std::vector<uint32_t> arena(tml_model_arena_size(&m) / 4 + 1);
  REQUIRE(tml_model_prepare_input(&m, row, 3, tml_model_input(&m, arena.data())) == TML_OK);
  REQUIRE(tml_model_run(&m, arena.data(), arena.size() * 4, nullptr, nullptr) == TML_OK);
  const int8_t* out = tml_model_output(&m, arena.data());
  Expected e{std::vector<int8_t>(out, out + 4), {}};
  const uint32_t classes = tml_model_class_count(&m);
  for (uint32_t i = 0; i < tml_model_value_count(&m); ++i) {
    tml_head head;
    std::memcpy(&head, m.blob + m.header.heads_offset + TML_HEADS_RECORD_SIZE + (i + (classes ? 1 : 0)) * TML_HEAD_SIZE,
                sizeof head);
    e.values.push_back(tml::test::expected_value(m.header.output_scale, m.header.output_zero_point,
                                                 out[classes + i], head.mean, head.std));
  }
  return e;
}

}  // namespace

TEST_CASE("the values of every window are in the inference when on_result is called", "[inference][heads]") {
  // A class head beside value heads reports probabilities: the int8 softmax of its logits with the
  // exp multiplier of the output scale.
  for (bool classes : {true, false}) {
    tml::test::HeadsSpec spec;
    if (!classes) {
      spec.heads = {tml::test::value_head(0, "a", 1.0f, 0.5f), tml::test::value_head(1, "b", -2.0f, 3.0f),
                    tml::test::value_head(2, "c"), tml::test::value_head(3, "d", 100.0f, 0.125f)};
      spec.labels = {};
    }
    Harness h(1, tml::test::heads_blob(spec));  // input [1][3]: a window per row
    REQUIRE(h.inf.value_count == (classes ? 2u : 4u));
    struct Seen {
      tml_inference* inf;
      std::vector<std::vector<int8_t>> scores;
      std::vector<std::vector<float>> values;
      std::vector<uint32_t> tops;
    } seen{&h.inf, {}, {}, {}};
    h.inf.ctx = &seen;
    h.inf.on_result = [](void* ctx, uint32_t, const int8_t* s, uint32_t n, uint32_t top, uint32_t) {
      auto* x = static_cast<Seen*>(ctx);
      x->scores.emplace_back(s, s + n);
      x->values.emplace_back(x->inf->values, x->inf->values + x->inf->value_count);
      x->tops.push_back(top);
    };
    const auto rows = stream(40, 9);
    REQUIRE(tml_inference_push(&h.inf, 0, rows.data(), 40, TML_FORMAT_F32, 3, 1.0f) == TML_OK);
    REQUIRE(seen.values.size() == 40);
    for (size_t k = 0; k < 40; ++k) {
      INFO("window " << k);
      const Expected e = expect_row(h.model, rows.data() + k * 3);
      CHECK(seen.values[k] == e.values);
      std::vector<int8_t> probabilities(classes ? 2 : 0);
      if (classes) {
        tml_softmax_params p;
        p.exp_multiplier = tml::test::expected_class_exp_multiplier(h.model.header.output_scale);
        const tml_dims dims = {1, 2};
        tml_softmax_s8(&p, &dims, e.output.data(), probabilities.data());
        CHECK(static_cast<int>(probabilities[0]) + probabilities[1] + 256 >= 255);  // they sum to about 1
      }
      CHECK(seen.scores[k] == probabilities);
      CHECK(seen.tops[k] == (classes && probabilities[1] > probabilities[0] ? 1u : 0u));
    }
  }
}

TEST_CASE("a board with a regression model sends its values in every prediction", "[inference][device][heads]") {
  tml::test::FakeBoard b(1u << TML_SENSOR_ACCEL);
  tml::test::HostSide host;
  Harness h(1, tml::test::heads_blob());
  REQUIRE(tml_device_attach_model(&b.device, &h.inf, TML_SENSOR_ACCEL, 100000, 1) == TML_OK);
  host.drain(b.tx);
  tml_msg_start start{30, TML_START_PREDICT};
  host.send(b.rx, TML_MSG_START, &start, sizeof start);
  b.poll(20);
  uint32_t predictions = 0;
  for (const auto& m : host.drain(b.tx)) {
    if (m.type != TML_MSG_PREDICTION) continue;
    const auto p = tml::test::as<tml_msg_prediction>(m);
    REQUIRE(p.flags == TML_PREDICTION_FLAG_VALUES);
    REQUIRE(p.class_count == 2);
    REQUIRE(m.payload.size() == sizeof p + 2 + 1 + 2 * 4);
    float row[3];
    for (int a = 0; a < 3; ++a) row[a] = tml::test::FakeBoard::accel_value(p.first_index, a);
    const Expected e = expect_row(h.model, row);
    CHECK(std::vector<int8_t>(m.payload.begin() + sizeof p, m.payload.begin() + sizeof p + 2) ==
          std::vector<int8_t>(e.output.begin(), e.output.begin() + 2));
    CHECK(m.payload[sizeof p + 2] == 2);
    float values[2];
    std::memcpy(values, m.payload.data() + sizeof p + 3, sizeof values);
    CHECK(std::vector<float>(values, values + 2) == e.values);
    CHECK(p.first_index == predictions);
    ++predictions;
  }
  CHECK(predictions == 30);
}

// ---- models with a front end ------------------------------------------------------------------------

namespace {

std::vector<uint8_t> audio_blob() {
  const tml::trainer::FrontEnd fe = tml::trainer::FrontEnd::audio({});  // MFCC [49][10] of 16,000 samples
  return tml::trainer::write_model_blob(tml::test::front_end_model(7, fe.section(), 49, 10));
}

std::vector<float> audio(size_t n, uint32_t seed) {  // noise and a wandering tone
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, 0.05f);
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = d(rng) + 0.3f * std::sin(0.002f * static_cast<float>(i) * (1.0f + i / 20000.0f));
  return v;
}

}  // namespace

TEST_CASE("an audio model computes each frame once and classifies every stride as the host does the window",
          "[inference][features]") {
  Harness h(8000, audio_blob());  // a window every 0.5 s (25 hops)
  CHECK(h.inf.window_rows == 16000);
  CHECK(h.inf.axes == 1);
  CHECK(tml_inference_buffer_size(&h.model) == 4 * (480 + 2 * 490) + tml_features_buffer_size(&h.model.features));
  const auto samples = audio(48000, 5);
  std::mt19937 rng(6);
  for (uint32_t at = 0; at < samples.size();) {
    const uint32_t n = std::min<uint32_t>(static_cast<uint32_t>(samples.size()) - at, 1 + rng() % 700);
    REQUIRE(tml_inference_push(&h.inf, at, samples.data() + at, n, TML_FORMAT_F32, 1, 1.0f) == TML_OK);
    at += n;
  }
  REQUIRE(h.results.size() == (48000 - 16000) / 8000 + 1);
  tml::trainer::Int8Model host(h.blob);
  for (size_t k = 0; k < h.results.size(); ++k) {
    INFO("window " << k);
    CHECK(h.results[k].first_index == k * 8000);
    CHECK(h.results[k].scores == host.run_stream(samples.data() + k * 8000));
  }
}

TEST_CASE("an audio stream of int16 samples and one with a gap agree with the host", "[inference][features]") {
  Harness h(3200, audio_blob());
  std::vector<int16_t> pcm(40000);
  const auto s = audio(pcm.size(), 8);
  for (size_t i = 0; i < pcm.size(); ++i) pcm[i] = static_cast<int16_t>(s[i] * 20000.0f);
  const float scale = 1.0f / 32768.0f;
  std::vector<float> physical(pcm.size());
  for (size_t i = 0; i < pcm.size(); ++i) physical[i] = static_cast<float>(pcm[i]) * scale;
  REQUIRE(tml_inference_push(&h.inf, 0, pcm.data(), 20000, TML_FORMAT_I16, 1, scale) == TML_OK);
  // Samples 20000 .. 20999 never arrive: the next window starts at the first stride boundary after them.
  REQUIRE(tml_inference_push(&h.inf, 21000, pcm.data() + 21000, 19000, TML_FORMAT_I16, 1, scale) == TML_OK);
  std::vector<uint32_t> starts;
  for (const auto& r : h.results) starts.push_back(r.first_index);
  CHECK(starts == std::vector<uint32_t>{0, 3200, 22400});
  tml::trainer::Int8Model host(h.blob);
  for (const auto& r : h.results) CHECK(r.scores == host.run_stream(physical.data() + r.first_index));
}

TEST_CASE("an audio model's stride must be whole hops and a spectral model classifies its raw window",
          "[inference][features]") {
  Harness h(8000, audio_blob());
  tml_inference other;
  CHECK(tml_inference_init(&other, &h.model, h.arena.data(), h.arena.size() * 4, h.window.data(), h.window.size() * 4,
                           8001, nullptr, nullptr, nullptr) == TML_ERR_ARG);
  CHECK(tml_inference_init(&other, &h.model, h.arena.data(), h.arena.size() * 4, h.window.data(), h.window.size() * 4,
                           16320, nullptr, nullptr, nullptr) == TML_ERR_ARG);  // beyond the window

  const tml::trainer::FrontEnd fe = tml::trainer::FrontEnd::spectral({});  // [1][75] of 208 x 3 rows
  Harness sp(52, tml::trainer::write_model_blob(tml::test::front_end_model(9, fe.section(), 1, 75)));
  const auto rows = stream(600, 10);
  REQUIRE(tml_inference_push(&sp.inf, 0, rows.data(), 600, TML_FORMAT_F32, 3, 1.0f) == TML_OK);
  REQUIRE(sp.results.size() == (600 - 208) / 52 + 1);
  tml::trainer::Int8Model host(sp.blob);
  for (const auto& r : sp.results) CHECK(r.scores == host.run_stream(rows.data() + r.first_index * 3));
}
