// The anomaly block (tml/anomaly.h) on blocks assembled here from model_format.h: validation of every
// field, the integer square root and the Q16 scaling against exact arithmetic, the K-means and
// autoencoder scores against their definitions, and a blob holding a K-means block alone (no layers):
// loaded, refused in version 1, scored through tml_model_anomaly.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "quant_reference.h"
#include "tml/anomaly.h"
#include "tml/model.h"

using namespace tml::test;

namespace {

struct KMeansSpec {
  uint32_t dims = 5;
  uint32_t clusters = 3;
  std::vector<int8_t> centres;
  std::vector<int32_t> radius, multiplier, shift;
  int32_t threshold = 3 << 16;
};

KMeansSpec example_spec() {
  KMeansSpec s;
  std::mt19937 rng(3);
  s.centres = random_s8(rng, s.dims * s.clusters, -100, 100);
  s.radius = {256 * 4, 0, 100};
  s.multiplier = {1 << 30, 1518500250, INT32_MAX};
  s.shift = {9, 3, -2};
  return s;
}

void put(std::vector<uint8_t>& b, size_t at, const void* p, size_t n) {
  if (b.size() < at + n) b.resize(at + n);
  std::memcpy(b.data() + at, p, n);
}
uint32_t append(std::vector<uint8_t>& b, const void* p, size_t n) {
  while (b.size() % 4) b.push_back(0);
  const uint32_t at = static_cast<uint32_t>(b.size());
  put(b, at, p, n);
  return at;
}

std::vector<uint8_t> assemble(const KMeansSpec& s, const std::function<void(tml_anomaly_record&)>& edit = {}) {
  std::vector<uint8_t> b(TML_ANOMALY_RECORD_SIZE, 0);
  tml_anomaly_record r;
  std::memset(&r, 0, sizeof r);
  r.kind = TML_ANOMALY_KMEANS;
  r.record_size = TML_ANOMALY_RECORD_SIZE;
  r.dims = s.dims;
  r.clusters = static_cast<uint16_t>(s.clusters);
  r.threshold = s.threshold;
  r.centres_offset = append(b, s.centres.data(), s.centres.size());
  r.radius_offset = append(b, s.radius.data(), 4 * s.radius.size());
  r.multiplier_offset = append(b, s.multiplier.data(), 4 * s.multiplier.size());
  r.shift_offset = append(b, s.shift.data(), 4 * s.shift.size());
  while (b.size() % 4) b.push_back(0);
  r.size = static_cast<uint32_t>(b.size());
  if (edit) edit(r);
  put(b, 0, &r, sizeof r);
  return b;
}

std::vector<uint8_t> autoencoder_block(uint32_t dims, int32_t m, int32_t s, int32_t threshold,
                                       const std::function<void(tml_anomaly_record&)>& edit = {}) {
  tml_anomaly_record r;
  std::memset(&r, 0, sizeof r);
  r.kind = TML_ANOMALY_AUTOENCODER;
  r.record_size = TML_ANOMALY_RECORD_SIZE;
  r.size = TML_ANOMALY_RECORD_SIZE;
  r.dims = dims;
  r.threshold = threshold;
  r.multiplier = m;
  r.shift = s;
  if (edit) edit(r);
  std::vector<uint8_t> b(sizeof r);
  std::memcpy(b.data(), &r, sizeof r);
  return b;
}

// Initialises from 4-aligned storage.
int init(tml_anomaly* a, const std::vector<uint8_t>& bytes, std::vector<uint32_t>& storage) {
  storage.assign((bytes.size() + 3) / 4 + 1, 0);
  std::memcpy(storage.data(), bytes.data(), bytes.size());
  return tml_anomaly_init(a, storage.data(), bytes.size());
}

// scale() in exact arithmetic: v * m * 2^(s-31), to nearest, ties away from zero, saturated.
int64_t exact_scale(int64_t v, int32_t m, int32_t s) {
  const long double x = static_cast<long double>(v) * m * std::ldexp(1.0L, s - 31);
  const long double r = x < 0 ? -std::floor(-x + 0.5L) : std::floor(x + 0.5L);
  if (r > INT32_MAX) return INT32_MAX;
  if (r < INT32_MIN) return INT32_MIN;
  return static_cast<int64_t>(r);
}

}  // namespace

TEST_CASE("anomaly: integer square root and Q16 scaling are exact", "[anomaly]") {
  std::mt19937_64 rng(9);
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{2}, uint64_t{3}, uint64_t{4}, uint64_t{99}, uint64_t{100},
                     (uint64_t{1} << 47) - 1, uint64_t{1} << 47, ~uint64_t{0} >> 2}) {
    const uint64_t r = tml_isqrt64(v);
    CHECK(r * r <= v);
    CHECK((r + 1) * (r + 1) > v);
  }
  for (int i = 0; i < 2000; ++i) {
    const uint64_t v = rng() >> (rng() % 40 + 17);
    const uint64_t r = tml_isqrt64(v);
    INFO(v);
    REQUIRE(r * r <= v);
    REQUIRE((r + 1) * (r + 1) > v);
  }
  for (int i = 0; i < 5000; ++i) {
    const int64_t v = static_cast<int64_t>(rng() % (uint64_t{1} << 33)) - (int64_t{1} << 32) + 1;
    const int32_t m = i % 7 == 0 ? 0 : static_cast<int32_t>((1u << 30) + rng() % (1u << 30));
    const int32_t s = static_cast<int32_t>(rng() % 62) - 31;
    INFO(v << " " << m << " " << s);
    REQUIRE(int64_t{tml_anomaly_scale(v, m, s)} == exact_scale(v, m, s));
  }
  CHECK(tml_anomaly_scale(3, 1 << 30, 0) == 2);    // 1.5 rounds away from zero
  CHECK(tml_anomaly_scale(-3, 1 << 30, 0) == -2);
  CHECK(tml_anomaly_scale(int64_t{1} << 31, INT32_MAX, 30) == INT32_MAX);  // saturates
}

TEST_CASE("anomaly: a valid K-means block initialises and scores by its definition", "[anomaly]") {
  const KMeansSpec s = example_spec();
  std::vector<uint32_t> storage;
  tml_anomaly a;
  REQUIRE(init(&a, assemble(s), storage) == TML_OK);
  CHECK(a.kind == TML_ANOMALY_KMEANS);
  CHECK(a.record.clusters == 3);
  std::mt19937 rng(4);
  int flagged = 0, quiet = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<int8_t> x = random_s8(rng, s.dims);
    if (trial % 4 == 0)  // near a centre
      for (uint32_t i = 0; i < s.dims; ++i) x[i] = static_cast<int8_t>(s.centres[s.dims * (trial % 3) + i] + (trial % 5) - 2);
    int64_t best_d2 = INT64_MAX;
    int k = 0;
    for (uint32_t c = 0; c < s.clusters; ++c) {
      int64_t d2 = 0;
      for (uint32_t i = 0; i < s.dims; ++i) d2 += (x[i] - s.centres[c * s.dims + i]) * (x[i] - s.centres[c * s.dims + i]);
      if (d2 < best_d2) best_d2 = d2, k = static_cast<int>(c);
    }
    const int64_t d = static_cast<int64_t>(std::floor(std::sqrt(static_cast<long double>(best_d2) * 65536)));
    const int64_t want = exact_scale(d - s.radius[size_t(k)], s.multiplier[size_t(k)], s.shift[size_t(k)]);
    tml_anomaly_result r;
    REQUIRE(tml_anomaly_score(&a, x.data(), nullptr, &r) == TML_OK);
    INFO("trial " << trial);
    CHECK(r.cluster == k);
    CHECK(int64_t{r.score} == want);
    CHECK(r.threshold == s.threshold);
    CHECK(r.anomalous == (r.score > s.threshold ? 1 : 0));
    (r.anomalous ? flagged : quiet)++;
  }
  CHECK(flagged > 0);
  CHECK(quiet > 0);
  // A window on cluster 0's centre: distance 0, score -radius scaled (1 << 30, shift 9: times 256).
  tml_anomaly_result r;
  REQUIRE(tml_anomaly_score(&a, s.centres.data(), nullptr, &r) == TML_OK);
  CHECK(r.cluster == 0);
  CHECK(r.score == -4 * 65536);
  CHECK(r.anomalous == 0);
}

TEST_CASE("anomaly: the autoencoder score is the scaled sum of squared differences", "[anomaly]") {
  std::vector<uint32_t> storage;
  tml_anomaly a;
  // 1/dims of the sum in Q16 for dims 6: 65536/6 = 10922.67 = m * 2^(s-31) with m = 2^30 * 1.333.., s = 14.
  const int32_t m = 1431655765, s = 14;
  REQUIRE(init(&a, autoencoder_block(6, m, s, 40 << 16), storage) == TML_OK);
  const std::vector<int8_t> in = {10, -20, 30, 127, -128, 0}, out = {12, -20, 25, 120, -100, 0};
  tml_anomaly_result r;
  REQUIRE(tml_anomaly_score(&a, in.data(), out.data(), &r) == TML_OK);
  const int64_t sum = 4 + 0 + 25 + 49 + 784 + 0;
  CHECK(int64_t{r.score} == exact_scale(sum, m, s));
  CHECK(std::abs(r.score / 65536.0 - sum / 6.0) < 1e-3);
  CHECK(r.cluster == -1);
  CHECK(r.anomalous == 1);
  CHECK(tml_anomaly_score(&a, in.data(), nullptr, &r) == TML_ERR_ARG);  // an autoencoder needs the output
}

TEST_CASE("anomaly: every damaged field of a block is rejected", "[anomaly]") {
  const KMeansSpec s = example_spec();
  std::vector<uint32_t> storage;
  tml_anomaly a;
  using R = tml_anomaly_record;
  const std::vector<std::pair<std::string, std::function<void(R&)>>> edits = {
      {"kind 0", [](R& r) { r.kind = 0; }},
      {"kind 3", [](R& r) { r.kind = 3; }},
      {"flags", [](R& r) { r.flags = 1; }},
      {"record size", [](R& r) { r.record_size = 60; }},
      {"size not a multiple of 4", [](R& r) { r.size -= 2; }},
      {"size beyond the bytes", [](R& r) { r.size += 4; }},
      {"size below the record", [](R& r) { r.size = 32; }},
      {"dims 0", [](R& r) { r.dims = 0; }},
      {"dims too large", [](R& r) { r.dims = TML_ANOMALY_MAX_DIMS + 1; }},
      {"dims beyond the centres", [](R& r) { r.dims = 40; }},
      {"clusters 0", [](R& r) { r.clusters = 0; }},
      {"clusters too many", [](R& r) { r.clusters = TML_ANOMALY_MAX_CLUSTERS + 1; }},
      {"reserved0", [](R& r) { r.reserved0 = 1; }},
      {"reserved", [](R& r) { r.reserved[4] = 1; }},
      {"multiplier set for K-means", [](R& r) { r.multiplier = 1 << 30; }},
      {"shift set for K-means", [](R& r) { r.shift = 1; }},
      {"centres misaligned", [](R& r) { r.centres_offset += 1; }},
      {"centres inside the record", [](R& r) { r.centres_offset = 0; }},
      {"radius outside", [](R& r) { r.radius_offset = r.size; }},
      {"multipliers outside", [](R& r) { r.multiplier_offset = r.size - 4; }},
      {"shifts misaligned", [](R& r) { r.shift_offset += 2; }},
  };
  for (const auto& [name, edit] : edits) {
    INFO(name);
    CHECK(init(&a, assemble(s, edit), storage) == TML_ERR_FORMAT);
  }
  // Table values out of range.
  for (int field = 0; field < 3; ++field) {
    KMeansSpec bad = s;
    if (field == 0) bad.radius[1] = TML_ANOMALY_MAX_OFFSET + 1;
    if (field == 1) bad.multiplier[2] = (1 << 30) - 1;
    if (field == 2) bad.shift[0] = 31;
    INFO("table " << field);
    CHECK(init(&a, assemble(bad), storage) == TML_ERR_FORMAT);
  }
  // Autoencoder: K-means tables and out-of-range scaling rejected.
  CHECK(init(&a, autoencoder_block(4, 1 << 30, 0, 0), storage) == TML_OK);
  CHECK(init(&a, autoencoder_block(4, 1 << 30, 0, 0, [](R& r) { r.clusters = 1; }), storage) == TML_ERR_FORMAT);
  CHECK(init(&a, autoencoder_block(4, 1 << 30, 0, 0, [](R& r) { r.centres_offset = 64; }), storage) == TML_ERR_FORMAT);
  CHECK(init(&a, autoencoder_block(4, 5, 0, 0), storage) == TML_ERR_FORMAT);
  CHECK(init(&a, autoencoder_block(4, 1 << 30, -32, 0), storage) == TML_ERR_FORMAT);
  // Truncated anywhere, misaligned, null.
  const std::vector<uint8_t> good = assemble(s);
  for (size_t n = 0; n < good.size(); ++n) {
    std::vector<uint8_t> cut(good.begin(), good.begin() + static_cast<long>(n));
    storage.assign(good.size() / 4 + 2, 0);
    std::memcpy(storage.data(), good.data(), n);
    INFO("length " << n);
    CHECK(tml_anomaly_init(&a, storage.data(), n) == TML_ERR_FORMAT);
  }
  storage.assign(good.size() / 4 + 2, 0);
  std::memcpy(reinterpret_cast<uint8_t*>(storage.data()) + 1, good.data(), good.size());
  CHECK(tml_anomaly_init(&a, reinterpret_cast<uint8_t*>(storage.data()) + 1, good.size()) == TML_ERR_ARG);
  CHECK(tml_anomaly_init(&a, nullptr, good.size()) == TML_ERR_ARG);
}

namespace {

// A blob with no layers: header (input [1][dims], no normalisation), then the K-means block.
std::vector<uint8_t> kmeans_only_blob(const KMeansSpec& s, uint16_t version = TML_MODEL_VERSION) {
  std::vector<uint8_t> b(TML_MODEL_HEADER_SIZE, 0);
  const std::vector<uint8_t> block = assemble(s);
  tml_model_header h;
  std::memset(&h, 0, sizeof h);
  h.magic = TML_MODEL_MAGIC;
  h.version = version;
  h.header_size = TML_MODEL_HEADER_SIZE;
  h.layer_size = TML_MODEL_LAYER_SIZE;
  h.input_time = 1;
  h.input_channels = static_cast<uint16_t>(s.dims);
  h.output_time = 1;
  h.output_channels = static_cast<uint16_t>(s.dims);
  h.input_scale = h.output_scale = 0.05f;
  h.input_zero_point = h.output_zero_point = 3;
  h.anomaly_offset = append(b, block.data(), block.size());
  h.total_size = static_cast<uint32_t>(b.size());
  put(b, 0, &h, sizeof h);
  return b;
}

}  // namespace

TEST_CASE("anomaly: a K-means block alone is a model without layers", "[anomaly][model]") {
  const KMeansSpec s = example_spec();
  std::vector<uint8_t> b = kmeans_only_blob(s);
  std::vector<uint32_t> words(b.size() / 4);
  std::memcpy(words.data(), b.data(), b.size());
  uint8_t* blob = reinterpret_cast<uint8_t*>(words.data());
  REQUIRE(tml_model_plan(blob, b.size()) == TML_OK);
  tml_model model;
  REQUIRE(tml_model_init(&model, blob, b.size()) == TML_OK);
  CHECK(tml_model_arena_size(&model) == 8);  // the input, 5 bytes rounded up
  CHECK(tml_model_class_count(&model) == 0);
  CHECK(model.anomaly.kind == TML_ANOMALY_KMEANS);
  std::vector<uint32_t> arena(2, 0);
  const std::vector<float> x = {0.1f, -2.0f, 0.3f, 1.0f, 5.0f};
  int8_t* in = tml_model_input(&model, arena.data());
  REQUIRE(tml_model_prepare_input(&model, x.data(), x.size(), in) == TML_OK);
  REQUIRE(tml_model_run(&model, arena.data(), 8, nullptr, nullptr) == TML_OK);  // nothing to run
  tml_anomaly_result via_model, direct;
  REQUIRE(tml_model_anomaly(&model, arena.data(), 8, &via_model) == TML_OK);
  REQUIRE(tml_anomaly_score(&model.anomaly, in, nullptr, &direct) == TML_OK);
  CHECK(via_model.score == direct.score);
  CHECK(via_model.cluster == direct.cluster);
  CHECK(tml_model_anomaly(&model, arena.data(), 4, &via_model) == TML_ERR_BUFFER);

  // Version 1 knows no anomaly block; a block scoring another length than the input is refused.
  std::vector<uint8_t> v1 = kmeans_only_blob(s, 1);
  std::memcpy(words.data(), v1.data(), v1.size());
  CHECK(tml_model_plan(blob, v1.size()) == TML_ERR_FORMAT);
  KMeansSpec wide = s;
  wide.dims = 4;
  wide.centres.resize(12);
  std::vector<uint8_t> mismatch = kmeans_only_blob(wide);
  tml_model_header h;
  std::memcpy(&h, mismatch.data(), sizeof h);
  h.input_channels = h.output_channels = 5;
  put(mismatch, 0, &h, sizeof h);
  words.assign(mismatch.size() / 4, 0);
  std::memcpy(words.data(), mismatch.data(), mismatch.size());
  CHECK(tml_model_plan(reinterpret_cast<uint8_t*>(words.data()), mismatch.size()) == TML_ERR_FORMAT);
}
