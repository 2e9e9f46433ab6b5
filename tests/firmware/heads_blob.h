// A small model blob with an output heads table, assembled field by field from model_format.h and
// docs/model_format.md (independently of the trainer's blob writer), for the tests of the heads in the
// runner, the live inference and the prediction message.
//
// The network: input [1][3] -> fully connected, 4 units -> output [1][4] (scale 0.05, zero point 5), or
// with `softmax` the same layer followed by a softmax, or with `time2` input [2][3] -> conv1d, kernel 1,
// 4 filters -> output [2][4]. By default the heads are a class head over channels 0..1 ("class", labels
// "dry" and "wet") and two value heads, "rain_mm" on channel 2 and "temp_c" on channel 3. Labels are the
// last array of the blob, so a label count larger than the blob holds runs past its end.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "tml/kernels.h"
#include "tml/model.h"
#include "tml/requant.h"

namespace tml::test {

inline tml_head make_head(uint8_t kind, uint16_t first, uint16_t count, float mean, float std, const char* name) {
  tml_head h;
  std::memset(&h, 0, sizeof h);
  h.kind = kind;
  h.first = first;
  h.count = count;
  h.mean = mean;
  h.std = std;
  for (size_t i = 0; i < sizeof h.name && name[i]; ++i) h.name[i] = name[i];  // a 32-character name leaves no NUL
  return h;
}

inline tml_head class_head(uint16_t count) { return make_head(TML_HEAD_CLASSES, 0, count, 0.0f, 0.0f, "class"); }
inline tml_head value_head(uint16_t first, const char* name, float mean = 3.7f, float std = 0.25f) {
  return make_head(TML_HEAD_VALUE, first, 1, mean, std, name);
}

struct HeadsSpec {
  std::vector<tml_head> heads = {class_head(2), value_head(2, "rain_mm", 3.7f, 0.25f),
                                 value_head(3, "temp_c", -12.5f, 1.75f)};
  std::vector<std::string> labels = {"dry", "wet"};
  bool softmax = false;   // a softmax after the dense layer
  bool time2 = false;     // input [2][3], a conv1d of kernel 1: output [2][4]
  uint16_t version = TML_MODEL_VERSION;
  std::function<void(tml_heads_record&)> edit_record;  // applied to the table's record before it is written
  uint32_t seed = 1;
};

inline uint32_t append_bytes(std::vector<uint8_t>& b, const void* data, size_t n) {
  while (b.size() % 4) b.push_back(0);
  const auto offset = static_cast<uint32_t>(b.size());
  b.resize(offset + n);
  if (n) std::memcpy(b.data() + offset, data, n);
  return offset;
}

inline void rehash_blob(std::vector<uint8_t>& b) {
  tml_model_header h;
  std::memcpy(&h, b.data(), sizeof h);
  const uint32_t hash = tml_model_hash(b.data(), h.total_size <= b.size() ? h.total_size : b.size());
  std::memcpy(b.data() + TML_MODEL_HASH_OFFSET, &hash, 4);
}

inline std::vector<uint8_t> heads_blob(const HeadsSpec& spec = HeadsSpec()) {
  std::mt19937 rng(spec.seed);
  std::uniform_int_distribution<int> weight(-127, 127);
  std::uniform_int_distribution<int32_t> bias(-2000, 2000);
  std::vector<int8_t> w(4 * 3);
  for (auto& v : w) v = static_cast<int8_t>(weight(rng));
  std::vector<int32_t> b(4), m(4), s(4);
  for (int o = 0; o < 4; ++o) {
    b[o] = bias(rng);
    // input scale 0.1, weight scale 0.004 + 0.002 o, output scale 0.05 (0.2 before a softmax)
    REQUIRE(tml_quantize_multiplier(0.1 * (0.004 + 0.002 * o) / (spec.softmax ? 0.2 : 0.05), &m[o], &s[o]) == TML_OK);
  }
  const int8_t dense_zp = spec.softmax ? 2 : 5;
  const float dense_scale = spec.softmax ? 0.2f : 0.05f;
  const uint16_t time = spec.time2 ? 2 : 1;

  tml_model_header h;
  std::memset(&h, 0, sizeof h);
  h.magic = TML_MODEL_MAGIC;
  h.version = spec.version;
  h.header_size = TML_MODEL_HEADER_SIZE;
  h.layer_count = spec.softmax ? 2 : 1;
  h.layer_size = TML_MODEL_LAYER_SIZE;
  h.input_time = time;
  h.input_channels = 3;
  h.output_time = time;
  h.output_channels = 4;
  h.input_scale = 0.1f;
  h.output_scale = spec.softmax ? 1.0f / 256 : dense_scale;
  h.input_zero_point = -3;
  h.output_zero_point = spec.softmax ? -128 : dense_zp;

  tml_layer_record dense;
  std::memset(&dense, 0, sizeof dense);
  dense.kind = spec.time2 ? TML_LAYER_CONV1D : TML_LAYER_FULLY_CONNECTED;
  dense.input_zero_point = -3;
  dense.output_zero_point = dense_zp;
  dense.in_time = time;
  dense.in_channels = 3;
  dense.out_time = time;
  dense.out_channels = 4;
  if (spec.time2) dense.kernel_size = dense.stride = 1;  // weights [4][1][3]: the dense layer's [4][3]
  dense.act_min = -128;
  dense.act_max = 127;
  dense.output_scale = dense_scale;
  tml_layer_record sm = dense;
  std::memset(&sm, 0, sizeof sm);
  sm.kind = TML_LAYER_SOFTMAX;
  sm.input_zero_point = dense_zp;
  sm.output_zero_point = -128;
  sm.in_time = sm.out_time = time;
  sm.in_channels = sm.out_channels = 4;
  sm.act_min = -128;
  sm.act_max = 127;
  sm.output_scale = 1.0f / 256;

  std::vector<uint8_t> bytes;
  append_bytes(bytes, &h, sizeof h);
  for (int i = 0; i < h.layer_count; ++i) append_bytes(bytes, &dense, sizeof dense);  // rewritten below
  dense.weights_offset = append_bytes(bytes, w.data(), w.size());
  dense.bias_offset = append_bytes(bytes, b.data(), 16);
  dense.multiplier_offset = append_bytes(bytes, m.data(), 16);
  dense.shift_offset = append_bytes(bytes, s.data(), 16);
  if (spec.softmax) {
    int32_t exp_m = 0;
    REQUIRE(tml_softmax_s8_exp_multiplier(0.2, &exp_m) == TML_OK);
    sm.multiplier_offset = append_bytes(bytes, &exp_m, 4);
  }
  tml_heads_record t;
  std::memset(&t, 0, sizeof t);
  t.count = static_cast<uint8_t>(spec.heads.size());
  t.record_size = TML_HEADS_RECORD_SIZE;
  t.size = static_cast<uint32_t>(TML_HEADS_RECORD_SIZE + TML_HEAD_SIZE * spec.heads.size());
  t.head_size = TML_HEAD_SIZE;
  if (spec.edit_record) spec.edit_record(t);
  const uint32_t heads_offset = append_bytes(bytes, &t, sizeof t);
  for (const tml_head& head : spec.heads) append_bytes(bytes, &head, sizeof head);
  uint32_t labels_offset = 0;
  if (!spec.labels.empty()) {
    std::vector<char> labels(spec.labels.size() * TML_MODEL_LABEL_SIZE, 0);
    for (size_t i = 0; i < spec.labels.size(); ++i)
      std::memcpy(labels.data() + i * TML_MODEL_LABEL_SIZE, spec.labels[i].data(),
                  std::min<size_t>(spec.labels[i].size(), TML_MODEL_LABEL_SIZE - 1));
    labels_offset = append_bytes(bytes, labels.data(), labels.size());
  }
  while (bytes.size() % 4) bytes.push_back(0);

  // Planned without the heads and labels (the planner validates the structure, which the tests of
  // broken tables must not stop), then given them.
  h.total_size = static_cast<uint32_t>(bytes.size());
  std::memcpy(bytes.data(), &h, sizeof h);
  std::memcpy(bytes.data() + TML_MODEL_HEADER_SIZE, &dense, sizeof dense);
  if (spec.softmax) std::memcpy(bytes.data() + TML_MODEL_HEADER_SIZE + TML_MODEL_LAYER_SIZE, &sm, sizeof sm);
  REQUIRE(tml_model_plan(bytes.data(), bytes.size()) == TML_OK);
  std::memcpy(&h, bytes.data(), sizeof h);
  h.heads_offset = heads_offset;
  h.labels_offset = labels_offset;
  std::memcpy(bytes.data(), &h, sizeof h);
  rehash_blob(bytes);
  return bytes;
}

// The exp multiplier of a class head's softmax beside value heads, as docs/model_format.md defines it:
// round((output_scale * 1.44269504f) * 2^20), each product one float32 operation, ties up.
inline int32_t expected_class_exp_multiplier(float output_scale) {
  volatile float v = output_scale * 1.44269504f;
  v = v * 1048576.0f;
  int32_t t = static_cast<int32_t>(v);
  if (v - static_cast<float>(t) >= 0.5f) ++t;
  return t;
}

// The value of a value head from its int8 output, computed here as documented: y = output_scale *
// (float)(q - zero point), then y * std + mean, every step rounded to float (volatile: never fused).
inline float expected_value(float output_scale, int32_t zero_point, int8_t q, float mean, float std) {
  volatile float y = output_scale * static_cast<float>(static_cast<int32_t>(q) - zero_point);
  volatile float scaled = y * std;
  volatile float v = scaled + mean;
  return v;
}

}  // namespace tml::test
