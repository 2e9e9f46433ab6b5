// The sketch API (tml/classifier.h): rows pushed one at a time or as a window, runs on a full window,
// scores equal to running the model on the same rows directly, and clear statuses for data of the wrong
// shape.
#include <catch2/catch.hpp>
#include <cstring>
#include <random>

#include "heads_blob.h"
#include "reference_models.h"
#include "tml/classifier.h"

namespace {

struct Harness {
  std::vector<uint32_t> blob_words, arena;
  size_t blob_len = 0;
  std::vector<float> window;
  tml_classifier c{};
  tml_model direct{};

  explicit Harness(uint32_t stride) {
    auto m = tml::test::conv1d_model(7);
    m.labels = {"circle", "flick", "idle", "updown"};
    m.mean = {0.5f, -1.0f, 9.8f};
    m.inv_std = {0.25f, 0.5f, 0.125f};
    const auto blob = tml::trainer::write_model_blob(m);
    blob_len = blob.size();
    blob_words.resize((blob.size() + 3) / 4);
    std::memcpy(blob_words.data(), blob.data(), blob.size());
    REQUIRE(tml_model_init(&direct, bytes(), blob_len) == TML_OK);
    arena.resize(tml_model_arena_size(&direct) / 4);
    window.resize(tml_classifier_window_size(&direct) / sizeof(float));
    REQUIRE(tml_classifier_init(&c, bytes(), blob_len, arena.data(), arena.size() * 4, window.data(), window.size() * 4,
                                stride) == TML_OK);
  }
  const uint8_t* bytes() const { return reinterpret_cast<const uint8_t*>(blob_words.data()); }

  // The model run directly (tml_model_prepare_input + tml_model_run) on rows [first, first + 208).
  std::vector<int8_t> expected(const std::vector<float>& rows, size_t first) {
    std::vector<uint32_t> a(arena.size());
    REQUIRE(tml_model_prepare_input(&direct, rows.data() + first * 3, 208 * 3, tml_model_input(&direct, a.data())) == TML_OK);
    REQUIRE(tml_model_run(&direct, a.data(), a.size() * 4, nullptr, nullptr) == TML_OK);
    const int8_t* out = tml_model_output(&direct, a.data());
    return std::vector<int8_t>(out, out + 4);
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

TEST_CASE("a classifier fed row by row classifies the last window as the model does", "[classifier]") {
  Harness h(52);
  CHECK(tml_classifier_class_count(&h.c) == 4);
  CHECK(std::string(tml_classifier_label(&h.c, 2)) == "idle");
  CHECK(std::string(tml_classifier_label(&h.c, 9)).empty());
  CHECK(tml_classifier_top(&h.c) == -1);
  CHECK(tml_classifier_scores(&h.c) == nullptr);
  const auto rows = stream(600, 3);
  size_t runs = 0;
  for (size_t r = 0; r < 600; ++r) {
    REQUIRE(tml_classifier_push_sample(&h.c, rows.data() + r * 3, 3) == TML_OK);
    const size_t pushed = r + 1;
    const bool due = pushed >= 208 && (pushed - 208) % 52 == 0;
    REQUIRE(tml_classifier_ready(&h.c) == (due ? 1 : 0));
    if (!due) {
      if (pushed < 208) REQUIRE(tml_classifier_run(&h.c) == TML_ERR_STATE);
      continue;
    }
    REQUIRE(tml_classifier_run(&h.c) == TML_OK);
    ++runs;
    const auto want = h.expected(rows, pushed - 208);  // the window wrapped round the ring: still oldest first
    const int8_t* got = tml_classifier_scores(&h.c);
    REQUIRE(std::vector<int8_t>(got, got + 4) == want);
    int32_t top = 0;
    for (int i = 1; i < 4; ++i)
      if (want[i] > want[top]) top = i;
    CHECK(tml_classifier_top(&h.c) == top);
    float sum = 0;
    for (uint32_t i = 0; i < 4; ++i) {
      CHECK(tml_classifier_score(&h.c, i) == Approx((want[i] + 128) / 256.0).margin(1e-6));
      sum += tml_classifier_score(&h.c, i);
    }
    CHECK(sum == Approx(1.0).margin(0.03));
    REQUIRE(tml_classifier_ready(&h.c) == 0);
  }
  CHECK(runs == (600 - 208) / 52 + 1);
}

TEST_CASE("a classifier given a whole window runs on it at once", "[classifier]") {
  Harness h(208);
  const auto rows = stream(208, 4);
  REQUIRE(tml_classifier_push_window(&h.c, rows.data(), 208, 3) == TML_OK);
  REQUIRE(tml_classifier_ready(&h.c) == 1);
  REQUIRE(tml_classifier_run(&h.c) == TML_OK);
  const int8_t* got = tml_classifier_scores(&h.c);
  CHECK(std::vector<int8_t>(got, got + 4) == h.expected(rows, 0));
  // A window after rows: the window replaces them.
  const auto more = stream(300, 5);
  for (size_t r = 0; r < 100; ++r) REQUIRE(tml_classifier_push_sample(&h.c, more.data() + r * 3, 3) == TML_OK);
  REQUIRE(tml_classifier_push_window(&h.c, more.data() + 92 * 3, 208, 3) == TML_OK);
  REQUIRE(tml_classifier_run(&h.c) == TML_OK);
  got = tml_classifier_scores(&h.c);
  CHECK(std::vector<int8_t>(got, got + 4) == h.expected(more, 92));
  tml_classifier_reset(&h.c);
  CHECK(tml_classifier_ready(&h.c) == 0);
  CHECK(tml_classifier_top(&h.c) == -1);
  CHECK(tml_classifier_run(&h.c) == TML_ERR_STATE);
}

TEST_CASE("a classifier refuses data of another shape with its own status", "[classifier]") {
  Harness h(52);
  const float row[4] = {1, 2, 3, 4};
  CHECK(tml_classifier_push_sample(&h.c, row, 4) == TML_ERR_SHAPE);
  CHECK(tml_classifier_push_sample(&h.c, row, 2) == TML_ERR_SHAPE);
  CHECK(h.c.filled == 0);  // nothing was pushed
  const auto rows = stream(300, 6);
  CHECK(tml_classifier_push_window(&h.c, rows.data(), 207, 3) == TML_ERR_SHAPE);
  CHECK(tml_classifier_push_window(&h.c, rows.data(), 209, 3) == TML_ERR_SHAPE);
  CHECK(tml_classifier_push_window(&h.c, rows.data(), 208, 1) == TML_ERR_SHAPE);
  CHECK(tml_classifier_ready(&h.c) == 0);
  CHECK(std::string(tml_status_str(TML_ERR_SHAPE)) == "sample or axis count does not match the model");
  CHECK(tml_classifier_push_sample(&h.c, nullptr, 3) == TML_ERR_ARG);

  // Buffers and blob are checked at init.
  tml_classifier c{};
  CHECK(tml_classifier_init(&c, h.bytes(), h.blob_len, h.arena.data(), h.arena.size() * 4 - 4, h.window.data(),
                            h.window.size() * 4, 52) == TML_ERR_BUFFER);
  CHECK(tml_classifier_init(&c, h.bytes(), h.blob_len, h.arena.data(), h.arena.size() * 4, h.window.data(),
                            h.window.size() * 4 - 4, 52) == TML_ERR_BUFFER);
  CHECK(tml_classifier_init(&c, h.bytes(), h.blob_len, h.arena.data(), h.arena.size() * 4, h.window.data(),
                            h.window.size() * 4, 0) == TML_ERR_ARG);
  CHECK(tml_classifier_init(&c, h.bytes(), h.blob_len, h.arena.data(), h.arena.size() * 4, h.window.data(),
                            h.window.size() * 4, 209) == TML_ERR_ARG);
  CHECK(tml_classifier_init(&c, h.bytes(), h.blob_len, reinterpret_cast<uint8_t*>(h.arena.data()) + 1, h.arena.size() * 4 - 4,
                            h.window.data(), h.window.size() * 4, 52) == TML_ERR_ARG);
  std::vector<uint32_t> broken = h.blob_words;
  reinterpret_cast<uint8_t*>(broken.data())[100] ^= 0x55;
  CHECK(tml_classifier_init(&c, reinterpret_cast<const uint8_t*>(broken.data()), h.blob_len, h.arena.data(), h.arena.size() * 4,
                            h.window.data(), h.window.size() * 4, 52) == TML_ERR_CRC);
  CHECK(tml_classifier_push_sample(&c, row, 3) == TML_ERR_ARG);  // never initialised: no window
}

TEST_CASE("a classifier of a model with value heads gives the class head and the values after a run", "[classifier][heads]") {
  const auto blob = tml::test::heads_blob();  // classes "dry" and "wet", values "rain_mm" and "temp_c"
  std::vector<uint32_t> words((blob.size() + 3) / 4);
  std::memcpy(words.data(), blob.data(), blob.size());
  const auto* bytes = reinterpret_cast<const uint8_t*>(words.data());
  tml_model direct{};
  REQUIRE(tml_model_init(&direct, bytes, blob.size()) == TML_OK);
  std::vector<uint32_t> arena(tml_model_arena_size(&direct) / 4 + 1), other(arena.size());
  std::vector<float> window(3);
  tml_classifier c{};
  REQUIRE(tml_classifier_init(&c, bytes, blob.size(), arena.data(), arena.size() * 4, window.data(), 12, 1) == TML_OK);
  CHECK(tml_classifier_class_count(&c) == 2);
  CHECK(tml_classifier_value_count(&c) == 2);
  CHECK(std::string(tml_classifier_value_name(&c, 0)) == "rain_mm");
  CHECK(std::string(tml_classifier_value_name(&c, 1)) == "temp_c");
  CHECK(std::string(tml_classifier_value_name(&c, 2)).empty());
  CHECK(std::string(tml_classifier_label(&c, 1)) == "wet");
  CHECK(std::string(tml_classifier_label(&c, 2)).empty());  // a value head has no label
  CHECK(tml_classifier_value(&c, 0) == 0.0f);               // before a run
  for (int k = 0; k < 20; ++k) {
    const float row[3] = {0.4f * float(k) - 3.0f, 1.5f - 0.2f * float(k), 0.7f};
    REQUIRE(tml_classifier_push_sample(&c, row, 3) == TML_OK);
    REQUIRE(tml_classifier_ready(&c) == 1);
    REQUIRE(tml_classifier_run(&c) == TML_OK);
    REQUIRE(tml_model_prepare_input(&direct, row, 3, tml_model_input(&direct, other.data())) == TML_OK);
    REQUIRE(tml_model_run(&direct, other.data(), other.size() * 4, nullptr, nullptr) == TML_OK);
    const int8_t* out = tml_model_output(&direct, other.data());
    float values[2];
    REQUIRE(tml_model_values(&direct, out, values, 2) == TML_OK);
    CHECK(tml_classifier_value(&c, 0) == values[0]);
    CHECK(tml_classifier_value(&c, 1) == values[1]);
    CHECK(tml_classifier_value(&c, 2) == 0.0f);
    CHECK(tml_classifier_top(&c) == (out[1] > out[0] ? 1 : 0));  // over the class head only
    CHECK(tml_classifier_score(&c, 2) == 0.0f);
  }
  CHECK(tml_classifier_value_count(nullptr) == 0);
  CHECK(tml_classifier_value(nullptr, 0) == 0.0f);
  CHECK(std::string(tml_classifier_value_name(nullptr, 0)).empty());
}
