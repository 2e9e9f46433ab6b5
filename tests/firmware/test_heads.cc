// The output heads table (model_format.h, docs/model_format.md#output-heads) in the runner: a blob with a
// class head and two value heads validates and gives exactly the documented values; every rule of the
// table is enforced (one test per rule); single-byte changes of a heads blob are rejected or run safely.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "heads_blob.h"
#include "tml/kernels.h"
#include "tml/model.h"

using namespace tml::test;

namespace {

// tml_model_init on a copy in a heap block of exactly the blob's size (the sanitizer sees any read past it).
int init_status(const std::vector<uint8_t>& bytes) {
  std::unique_ptr<uint8_t[]> exact(new uint8_t[bytes.size()]);
  std::memcpy(exact.get(), bytes.data(), bytes.size());
  tml_model model;
  return tml_model_init(&model, exact.get(), bytes.size());
}

int status_of(const HeadsSpec& spec) { return init_status(heads_blob(spec)); }

tml_model_header header_of(const std::vector<uint8_t>& b) {
  tml_model_header h;
  std::memcpy(&h, b.data(), sizeof h);
  return h;
}

// The blob with its header edited and the hash recomputed.
std::vector<uint8_t> with_header(std::vector<uint8_t> b, void (*edit)(tml_model_header&)) {
  tml_model_header h = header_of(b);
  edit(h);
  std::memcpy(b.data(), &h, sizeof h);
  rehash_blob(b);
  return b;
}

// Word storage: the runner wants the blob and the arena 4-aligned.
struct Loaded {
  std::vector<uint32_t> words;
  tml_model model{};
  explicit Loaded(const std::vector<uint8_t>& b) : words((b.size() + 3) / 4) {
    std::memcpy(words.data(), b.data(), b.size());
    REQUIRE(tml_model_init(&model, reinterpret_cast<const uint8_t*>(words.data()), b.size()) == TML_OK);
  }
};

}  // namespace

TEST_CASE("heads: a class head and two value heads validate and describe the output", "[model][heads]") {
  const auto blob = heads_blob();
  Loaded l(blob);
  const tml_model& m = l.model;
  CHECK(m.header.version == 3);
  CHECK(tml_model_output_size(&m) == 4);
  CHECK(tml_model_class_count(&m) == 2);
  CHECK(tml_model_value_count(&m) == 2);
  CHECK(std::string(tml_model_value_name(&m, 0)) == "rain_mm");
  CHECK(std::string(tml_model_value_name(&m, 1)) == "temp_c");
  CHECK(tml_model_value_name(&m, 2) == nullptr);
  CHECK(tml_model_value_name(nullptr, 0) == nullptr);
  // The labels are the class head's: two of them.
  CHECK(std::string(tml_model_label(&m, 0)) == "dry");
  CHECK(std::string(tml_model_label(&m, 1)) == "wet");
  CHECK(tml_model_label(&m, 2) == nullptr);
  CHECK(tml_model_value_count(nullptr) == 0);
}

TEST_CASE("heads: tml_model_values gives the documented float steps for every output value", "[model][heads]") {
  const auto blob = heads_blob();
  Loaded l(blob);
  const tml_model& m = l.model;
  std::vector<uint32_t> arena(tml_model_arena_size(&m) / 4 + 1);
  std::vector<float> raw(3);
  for (int rep = 0; rep < 50; ++rep) {
    for (int c = 0; c < 3; ++c) raw[c] = 0.37f * float(rep - 25) + 1.9f * float(c) - 2.0f;
    REQUIRE(tml_model_prepare_input(&m, raw.data(), 3, tml_model_input(&m, arena.data())) == TML_OK);
    REQUIRE(tml_model_run(&m, arena.data(), arena.size() * 4, nullptr, nullptr) == TML_OK);
    const int8_t* out = tml_model_output(&m, arena.data());
    float values[3] = {-1.0f, -1.0f, 99.0f};
    REQUIRE(tml_model_values(&m, out, values, 2) == TML_OK);
    CHECK(values[0] == expected_value(0.05f, 5, out[2], 3.7f, 0.25f));
    CHECK(values[1] == expected_value(0.05f, 5, out[3], -12.5f, 1.75f));
    CHECK(values[2] == 99.0f);  // nothing written past the value count
  }
  // Every int8 output, by hand: the real value of channel 2 is 0.05 * (q - 5) * 0.25 + 3.7, rounded per step.
  int8_t out[4] = {0, 0, 0, 0};
  for (int q = -128; q <= 127; ++q) {
    out[2] = static_cast<int8_t>(q);
    out[3] = static_cast<int8_t>(-q - 1);
    float values[2];
    REQUIRE(tml_model_values(&m, out, values, 2) == TML_OK);
    REQUIRE(values[0] == expected_value(0.05f, 5, out[2], 3.7f, 0.25f));
    REQUIRE(values[1] == expected_value(0.05f, 5, out[3], -12.5f, 1.75f));
    REQUIRE(std::fabs(values[0] - (0.05 * (q - 5) * 0.25 + 3.7)) < 1e-5);
  }
  float values[2];
  CHECK(tml_model_values(&m, out, values, 1) == TML_ERR_ARG);  // capacity below the count
  CHECK(tml_model_values(&m, out, nullptr, 2) == TML_ERR_ARG);
  CHECK(tml_model_values(&m, nullptr, values, 2) == TML_ERR_ARG);
  CHECK(tml_model_values(nullptr, out, values, 2) == TML_ERR_ARG);
}

TEST_CASE("heads: the class scores of a class head beside value heads are the int8 softmax of its logits",
          "[model][heads]") {
  const auto blob = heads_blob();
  Loaded l(blob);
  const tml_model& m = l.model;
  tml_softmax_params p;
  p.exp_multiplier = expected_class_exp_multiplier(0.05f);  // the blob's output scale
  CHECK(m.class_exp_multiplier == p.exp_multiplier);
  int32_t in_double = 0;  // the same as the host helper's double-precision value here
  REQUIRE(tml_softmax_s8_exp_multiplier(double(0.05f), &in_double) == TML_OK);
  CHECK(std::abs(in_double - p.exp_multiplier) <= 1);
  const tml_dims dims = {1, 2};
  for (int a = -128; a <= 127; a += 5)
    for (int b = -128; b <= 127; b += 7) {
      const int8_t out[4] = {static_cast<int8_t>(a), static_cast<int8_t>(b), 1, 2};
      int8_t scores[2] = {0, 0}, want[2];
      REQUIRE(tml_model_class_scores(&m, out, scores, 2) == TML_OK);
      tml_softmax_s8(&p, &dims, out, want);
      REQUIRE(scores[0] == want[0]);
      REQUIRE(scores[1] == want[1]);
      REQUIRE((a > b) == (scores[0] > scores[1] || (scores[0] == scores[1] && a > b && a - b <= 1)));
    }
  int8_t scores[2];
  const int8_t out[4] = {};
  CHECK(tml_model_class_scores(&m, out, scores, 1) == TML_ERR_ARG);  // capacity below the class count
  CHECK(tml_model_class_scores(&m, nullptr, scores, 2) == TML_ERR_ARG);
  CHECK(tml_model_class_scores(nullptr, out, scores, 2) == TML_ERR_ARG);
  // A classifier's scores are its output, copied; value heads alone have none.
  HeadsSpec classifier;
  classifier.heads = {class_head(4)};
  classifier.labels = {"a", "b", "c", "d"};
  classifier.softmax = true;
  const auto cblob = heads_blob(classifier);
  Loaded c(cblob);
  CHECK(c.model.class_exp_multiplier == 0);
  const int8_t probs[4] = {-100, 20, 50, -128};
  int8_t copied[4];
  REQUIRE(tml_model_class_scores(&c.model, probs, copied, 4) == TML_OK);
  CHECK(std::memcmp(copied, probs, 4) == 0);
}

TEST_CASE("heads: value heads alone or a class head alone validate and no table reads as before", "[model][heads]") {
  HeadsSpec values_only;
  values_only.heads = {value_head(0, "a"), value_head(1, "b"), value_head(2, "c"), value_head(3, "d", -1.0f, 2.0f)};
  values_only.labels = {};
  const auto blob = heads_blob(values_only);
  Loaded l(blob);
  CHECK(tml_model_class_count(&l.model) == 0);
  CHECK(tml_model_value_count(&l.model) == 4);
  CHECK(std::string(tml_model_value_name(&l.model, 3)) == "d");
  const int8_t out[4] = {-128, 0, 5, 127};
  float v[4];
  REQUIRE(tml_model_values(&l.model, out, v, 4) == TML_OK);
  CHECK(v[0] == expected_value(0.05f, 5, -128, 3.7f, 0.25f));
  CHECK(v[2] == 3.7f);  // q = zero point: y = 0
  CHECK(v[3] == expected_value(0.05f, 5, 127, -1.0f, 2.0f));

  // A class head over all four channels, after a softmax: a classifier described by its table.
  HeadsSpec classes;
  classes.heads = {class_head(4)};
  classes.labels = {"a", "b", "c", "d"};
  classes.softmax = true;
  const auto cblob = heads_blob(classes);
  Loaded c(cblob);
  CHECK(tml_model_class_count(&c.model) == 4);
  CHECK(tml_model_value_count(&c.model) == 0);
  CHECK(std::string(tml_model_label(&c.model, 3)) == "d");
  float none[1] = {7.0f};
  CHECK(tml_model_values(&c.model, out, none, 0) == TML_OK);
  CHECK(none[0] == 7.0f);

  // Without a table the output is one class head, as in version 2.
  const auto plain = with_header(heads_blob(classes), [](tml_model_header& h) { h.heads_offset = 0; });
  Loaded p(plain);
  CHECK(tml_model_class_count(&p.model) == 4);
  CHECK(tml_model_value_count(&p.model) == 0);
  CHECK(tml_model_value_name(&p.model, 0) == nullptr);
}

TEST_CASE("heads: a gap between heads or channels left over is rejected", "[model][heads]") {
  HeadsSpec gap;
  gap.heads = {class_head(2), value_head(3, "x"), value_head(3, "y")};  // channel 2 uncovered
  CHECK(status_of(gap) == TML_ERR_FORMAT);
  HeadsSpec short_of_end;
  short_of_end.heads = {class_head(2), value_head(2, "x")};  // channel 3 uncovered
  CHECK(status_of(short_of_end) == TML_ERR_FORMAT);
  HeadsSpec past_end;
  past_end.heads = {class_head(2), value_head(2, "x"), value_head(3, "y"), value_head(4, "z")};
  CHECK(status_of(past_end) == TML_ERR_FORMAT);
  HeadsSpec late_start;  // value heads only, starting at 1
  late_start.heads = {value_head(1, "a"), value_head(2, "b"), value_head(3, "c")};
  late_start.labels = {};
  CHECK(status_of(late_start) == TML_ERR_FORMAT);
}

TEST_CASE("heads: overlapping heads are rejected", "[model][heads]") {
  HeadsSpec overlap;
  overlap.heads = {class_head(2), value_head(1, "x"), value_head(2, "y"), value_head(3, "z")};
  CHECK(status_of(overlap) == TML_ERR_FORMAT);
  HeadsSpec same;
  same.heads = {class_head(2), value_head(2, "x"), value_head(2, "y"), value_head(3, "z")};
  CHECK(status_of(same) == TML_ERR_FORMAT);
  HeadsSpec out_of_order;
  out_of_order.heads = {class_head(2), value_head(3, "x"), value_head(2, "y")};
  CHECK(status_of(out_of_order) == TML_ERR_FORMAT);
}

TEST_CASE("heads: a class head that is not the first is rejected", "[model][heads]") {
  HeadsSpec spec;
  spec.heads = {value_head(0, "x"), make_head(TML_HEAD_CLASSES, 1, 2, 0.0f, 0.0f, "class"), value_head(3, "y")};
  CHECK(status_of(spec) == TML_ERR_FORMAT);
  spec.heads = {value_head(0, "x"), value_head(1, "y"), make_head(TML_HEAD_CLASSES, 2, 2, 0.0f, 0.0f, "class")};
  CHECK(status_of(spec) == TML_ERR_FORMAT);
}

TEST_CASE("heads: two class heads are rejected", "[model][heads]") {
  HeadsSpec spec;
  spec.heads = {class_head(2), make_head(TML_HEAD_CLASSES, 2, 1, 0.0f, 0.0f, "more"), value_head(3, "y")};
  CHECK(status_of(spec) == TML_ERR_FORMAT);
  spec.heads = {class_head(2), make_head(TML_HEAD_CLASSES, 2, 2, 0.0f, 0.0f, "more")};
  CHECK(status_of(spec) == TML_ERR_FORMAT);
}

TEST_CASE("heads: value heads after a final softmax are rejected", "[model][heads]") {
  HeadsSpec spec;
  spec.softmax = true;
  CHECK(status_of(spec) == TML_ERR_FORMAT);
  spec.heads = {value_head(0, "a"), value_head(1, "b"), value_head(2, "c"), value_head(3, "d")};
  spec.labels = {};
  CHECK(status_of(spec) == TML_ERR_FORMAT);
  spec.heads = {class_head(4)};  // a class head alone may follow a softmax
  spec.labels = {"a", "b", "c", "d"};
  CHECK(status_of(spec) == TML_OK);
}

TEST_CASE("heads: labels not matching the class head are rejected", "[model][heads]") {
  HeadsSpec spec;
  spec.heads = {class_head(3), value_head(3, "x")};
  spec.labels = {"a", "b"};  // the last array: the third label would lie past the blob's end
  CHECK(status_of(spec) == TML_ERR_FORMAT);
  spec.labels = {"a", "b", "c"};
  CHECK(status_of(spec) == TML_OK);
  spec.labels = {"a", "b", std::string(TML_MODEL_LABEL_SIZE - 1, 'c')};
  CHECK(status_of(spec) == TML_OK);
  // Labels without a class head.
  spec.heads = {value_head(0, "a"), value_head(1, "b"), value_head(2, "c"), value_head(3, "d")};
  spec.labels = {"a", "b", "c", "d"};
  CHECK(status_of(spec) == TML_ERR_FORMAT);
  spec.labels = {};
  CHECK(status_of(spec) == TML_OK);
  // A class head without labels is fine.
  HeadsSpec no_labels;
  no_labels.labels = {};
  CHECK(status_of(no_labels) == TML_OK);
}

TEST_CASE("heads: a value head's std must be finite and positive and its mean finite", "[model][heads]") {
  for (float std : {0.0f, -0.0f, -0.25f, INFINITY, -INFINITY, std::nanf(""), 1e-45f}) {
    HeadsSpec spec;
    spec.heads[2].std = std;
    INFO("std " << std);
    CHECK(status_of(spec) == (std == 1e-45f ? TML_OK : TML_ERR_FORMAT));  // a denormal std is positive and finite
  }
  for (float mean : {INFINITY, -INFINITY, std::nanf("")}) {
    HeadsSpec spec;
    spec.heads[1].mean = mean;
    CHECK(status_of(spec) == TML_ERR_FORMAT);
  }
  HeadsSpec zero_mean;
  zero_mean.heads[1].mean = 0.0f;
  CHECK(status_of(zero_mean) == TML_OK);
  // A class head's mean and std are 0.
  HeadsSpec class_std;
  class_std.heads[0].std = 1.0f;
  CHECK(status_of(class_std) == TML_ERR_FORMAT);
  HeadsSpec class_mean;
  class_mean.heads[0].mean = -0.0f;
  CHECK(status_of(class_mean) == TML_ERR_FORMAT);
}

TEST_CASE("heads: a name that is empty or unterminated or not printable or not NUL-padded is rejected", "[model][heads]") {
  const auto with_name = [](int head, const char* bytes, size_t n) {
    HeadsSpec spec;
    std::memset(spec.heads[head].name, 0, sizeof spec.heads[head].name);
    std::memcpy(spec.heads[head].name, bytes, n);
    return status_of(spec);
  };
  CHECK(with_name(1, "", 0) == TML_ERR_FORMAT);
  CHECK(with_name(0, "", 0) == TML_ERR_FORMAT);
  CHECK(with_name(1, "rain\x01", 5) == TML_ERR_FORMAT);
  CHECK(with_name(1, "rain\x7f", 5) == TML_ERR_FORMAT);
  CHECK(with_name(1, "r\xc3\xa9gen", 6) == TML_ERR_FORMAT);  // UTF-8 is not ASCII
  CHECK(with_name(1, "rain\0mm", 7) == TML_ERR_FORMAT);       // bytes after the NUL
  const std::string full(TML_HEAD_NAME_SIZE, 'n');           // no room for the NUL
  CHECK(with_name(2, full.data(), full.size()) == TML_ERR_FORMAT);
  CHECK(with_name(2, full.data(), full.size() - 1) == TML_OK);  // 31 characters
  CHECK(with_name(2, "rain mm (24 h)", 14) == TML_OK);          // spaces and punctuation are printable
  CHECK(with_name(2, "~", 1) == TML_OK);
}

TEST_CASE("heads: a heads table before version 3 is rejected", "[model][heads]") {
  HeadsSpec v2;
  v2.version = 2;
  CHECK(status_of(v2) == TML_ERR_FORMAT);
  v2.version = 1;
  CHECK(status_of(v2) == TML_ERR_FORMAT);
  // Without the table a version 2 blob of the same network is read (its labels then name all four outputs).
  v2.version = 2;
  v2.labels = {"a", "b", "c", "d"};
  CHECK(init_status(with_header(heads_blob(v2), [](tml_model_header& h) { h.heads_offset = 0; })) == TML_OK);
  CHECK(init_status(with_header(heads_blob(), [](tml_model_header& h) { h.version = 4; })) == TML_ERR_VERSION);
}

TEST_CASE("heads: a table whose sizes do not match its count or that leaves the blob is rejected", "[model][heads]") {
  const auto edited = [](void (*edit)(tml_heads_record&)) {
    HeadsSpec spec;
    spec.edit_record = edit;
    return status_of(spec);
  };
  CHECK(edited([](tml_heads_record&) {}) == TML_OK);
  CHECK(edited([](tml_heads_record& t) { t.size += 4; }) == TML_ERR_FORMAT);
  CHECK(edited([](tml_heads_record& t) { t.size -= 48; }) == TML_ERR_FORMAT);
  CHECK(edited([](tml_heads_record& t) { t.count = 2; }) == TML_ERR_FORMAT);  // size says 3
  CHECK(edited([](tml_heads_record& t) { t.count = 4, t.size = 16 + 48 * 4; }) == TML_ERR_FORMAT);  // reads the labels
  CHECK(edited([](tml_heads_record& t) { t.count = 0, t.size = 16; }) == TML_ERR_FORMAT);
  CHECK(edited([](tml_heads_record& t) { t.count = 9, t.size = 16 + 48 * 9; }) == TML_ERR_FORMAT);
  CHECK(edited([](tml_heads_record& t) { t.record_size = 12; }) == TML_ERR_FORMAT);
  CHECK(edited([](tml_heads_record& t) { t.head_size = 44; }) == TML_ERR_FORMAT);
  CHECK(edited([](tml_heads_record& t) { t.flags = 1; }) == TML_ERR_FORMAT);
  CHECK(edited([](tml_heads_record& t) { t.reserved0 = 1; }) == TML_ERR_FORMAT);
  CHECK(edited([](tml_heads_record& t) { t.reserved1 = 0x80000000u; }) == TML_ERR_FORMAT);
  // A table at a misaligned offset, inside the records, or running past the blob's end.
  HeadsSpec no_labels;
  no_labels.labels = {};
  const auto blob = heads_blob(no_labels);  // the table is the last thing in the blob
  CHECK(init_status(blob) == TML_OK);
  CHECK(init_status(with_header(blob, [](tml_model_header& h) { h.heads_offset += 2; })) == TML_ERR_FORMAT);
  CHECK(init_status(with_header(blob, [](tml_model_header& h) { h.heads_offset += 4; })) == TML_ERR_FORMAT);
  CHECK(init_status(with_header(blob, [](tml_model_header& h) { h.heads_offset = 64; })) == TML_ERR_FORMAT);
  CHECK(init_status(with_header(blob, [](tml_model_header& h) { h.heads_offset = h.total_size - 12; })) ==
        TML_ERR_FORMAT);
  CHECK(init_status(with_header(blob, [](tml_model_header& h) { h.heads_offset = 0xFFFFFFF0u; })) == TML_ERR_FORMAT);
  auto cut = blob;
  cut.resize(cut.size() - 4);
  CHECK(init_status(with_header(cut, [](tml_model_header& h) { h.total_size -= 4; })) == TML_ERR_FORMAT);
}

TEST_CASE("heads: head records with unknown kinds or flags or reserved bits or counts are rejected", "[model][heads]") {
  const auto edited = [](int index, void (*edit)(tml_head&)) {
    HeadsSpec spec;
    edit(spec.heads[index]);
    return status_of(spec);
  };
  CHECK(edited(1, [](tml_head& h) { h.kind = 0; }) == TML_ERR_FORMAT);
  CHECK(edited(1, [](tml_head& h) { h.kind = 3; }) == TML_ERR_FORMAT);
  CHECK(edited(1, [](tml_head& h) { h.flags = 1; }) == TML_ERR_FORMAT);
  CHECK(edited(0, [](tml_head& h) { h.reserved = 1; }) == TML_ERR_FORMAT);
  CHECK(edited(0, [](tml_head& h) { h.count = 0; }) == TML_ERR_FORMAT);
  HeadsSpec wide_value;  // a value head of two channels
  wide_value.heads = {class_head(2), make_head(TML_HEAD_VALUE, 2, 2, 1.0f, 1.0f, "xy")};
  CHECK(status_of(wide_value) == TML_ERR_FORMAT);
}

TEST_CASE("heads: an output of more than one step is rejected", "[model][heads]") {
  HeadsSpec spec;
  spec.time2 = true;  // output [2][4]
  CHECK(status_of(spec) == TML_ERR_FORMAT);
  spec.heads = {class_head(4)};
  spec.labels = {};
  CHECK(status_of(spec) == TML_ERR_FORMAT);
  // The same network without a table is a classifier as before.
  CHECK(init_status(with_header(heads_blob(spec), [](tml_model_header& h) { h.heads_offset = 0; })) == TML_OK);
}

TEST_CASE("heads: single-byte changes of a heads blob with the hash recomputed are rejected or run safely", "[model][heads]") {
  const auto good = heads_blob();
  const uint32_t heads_offset = header_of(good).heads_offset;
  int accepted = 0, table_changes = 0, table_rejected = 0;
  for (size_t i = 0; i < good.size(); ++i) {
    if (i - TML_MODEL_HASH_OFFSET < 4) continue;
    for (uint8_t mask : {0x01, 0x02, 0x10, 0x40, 0x80, 0xFF}) {
      auto b = good;
      b[i] ^= mask;
      rehash_blob(b);
      std::unique_ptr<uint8_t[]> exact(new uint8_t[b.size()]);
      std::memcpy(exact.get(), b.data(), b.size());
      tml_model model;
      const int rc = tml_model_init(&model, exact.get(), b.size());
      const bool in_table = i >= heads_offset && i < heads_offset + 16 + 48 * 3;
      table_changes += in_table;
      if (rc != TML_OK) {
        REQUIRE(rc < 0);
        table_rejected += in_table;
        continue;
      }
      ++accepted;
      // Whatever was accepted describes its output consistently and computes its values in bounds.
      REQUIRE(tml_model_value_count(&model) <= TML_MODEL_MAX_VALUES);
      REQUIRE(tml_model_class_count(&model) + tml_model_value_count(&model) <= tml_model_output_size(&model));
      if (tml_model_arena_size(&model) > (1u << 16)) continue;
      std::vector<uint32_t> arena(tml_model_arena_size(&model) / 4 + 1);
      REQUIRE(tml_model_run(&model, arena.data(), arena.size() * 4, nullptr, nullptr) == TML_OK);
      std::vector<int8_t> out(tml_model_output(&model, arena.data()),
                              tml_model_output(&model, arena.data()) + tml_model_output_size(&model));
      float values[TML_MODEL_MAX_VALUES];
      REQUIRE(tml_model_values(&model, out.data(), values, TML_MODEL_MAX_VALUES) == TML_OK);
      for (uint32_t v = 0; v < tml_model_value_count(&model); ++v) REQUIRE(tml_model_value_name(&model, v) != nullptr);
    }
  }
  CHECK(accepted > 0);
  // Most changes of the table break one of its rules (the rest change a mean, a std or a name's letter).
  CHECK(table_rejected > table_changes / 2);
}
