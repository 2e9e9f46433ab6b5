// The model runner (model.h) on a blob assembled here, field by field, from model_format.h and
// docs/model_format.md -- independently of the trainer's blob writer. Covers validation (every rule,
// truncation at every length, every single-byte change, random mutations), the arena plan, the exact
// arena with guard bytes around it, and a run compared with the kernels called one by one; the same
// for a small depthwise-separable model (depthwise conv1d, pointwise conv1d, global average pooling).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "quant_reference.h"
#include "tml/kernels.h"
#include "tml/model.h"
#include "tml/requant.h"

using namespace tml::test;

namespace {

// The test model: input [12][2] -> conv1d k3 x4, same padding, ReLU, fused max pool 2 -> [6][4]
// -> average pool 2 -> [3][4] -> dense 3 -> softmax. With labels and normalisation.
struct TestModel {
  std::vector<int8_t> conv_w, fc_w;
  std::vector<int32_t> conv_b, conv_m, conv_s, fc_b, fc_m, fc_s;
  int32_t softmax_m = 0;

  explicit TestModel(uint32_t seed) {
    std::mt19937 rng(seed);
    conv_w = random_s8(rng, 4 * 3 * 2, -127, 127);
    fc_w = random_s8(rng, 3 * 12, -127, 127);
    std::uniform_int_distribution<int32_t> bias(-3000, 3000);
    std::uniform_real_distribution<double> wscale(0.002, 0.02);
    for (int o = 0; o < 4; ++o) {
      conv_b.push_back(bias(rng));
      int32_t m, s;
      REQUIRE(tml_quantize_multiplier(0.05 * wscale(rng) / 0.1, &m, &s) == TML_OK);
      conv_m.push_back(m);
      conv_s.push_back(s);
    }
    for (int o = 0; o < 3; ++o) {
      fc_b.push_back(bias(rng));
      int32_t m, s;
      REQUIRE(tml_quantize_multiplier(0.1 * wscale(rng) / 0.2, &m, &s) == TML_OK);
      fc_m.push_back(m);
      fc_s.push_back(s);
    }
    REQUIRE(tml_softmax_s8_exp_multiplier(0.2, &softmax_m) == TML_OK);
  }
};

class Assembler {
 public:
  std::vector<uint8_t> bytes;

  uint32_t append(const void* data, size_t n) {
    while (bytes.size() % 4) bytes.push_back(0);
    const auto offset = static_cast<uint32_t>(bytes.size());
    const auto* p = static_cast<const uint8_t*>(data);
    bytes.insert(bytes.end(), p, p + n);
    return offset;
  }
  template <typename T>
  uint32_t append(const std::vector<T>& v) {
    return append(v.data(), v.size() * sizeof(T));
  }
};

tml_layer_record layer(uint8_t kind, int8_t in_zp, int8_t out_zp, uint16_t in_t, uint16_t in_c, uint16_t out_t,
                       uint16_t out_c, float scale) {
  tml_layer_record r;
  std::memset(&r, 0, sizeof r);
  r.kind = kind;
  r.input_zero_point = in_zp;
  r.output_zero_point = out_zp;
  r.in_time = in_t;
  r.in_channels = in_c;
  r.out_time = out_t;
  r.out_channels = out_c;
  r.act_min = -128;
  r.act_max = 127;
  r.output_scale = scale;
  return r;
}

std::vector<uint8_t> assemble(const TestModel& m) {
  Assembler a;
  tml_model_header h;
  std::memset(&h, 0, sizeof h);
  h.magic = TML_MODEL_MAGIC;
  h.version = TML_MODEL_VERSION;
  h.header_size = TML_MODEL_HEADER_SIZE;
  h.layer_count = 4;
  h.layer_size = TML_MODEL_LAYER_SIZE;
  h.input_time = 12;
  h.input_channels = 2;
  h.output_time = 1;
  h.output_channels = 3;
  h.input_scale = 0.05f;
  h.output_scale = 1.0f / 256;
  h.input_zero_point = 3;
  h.output_zero_point = -128;
  a.append(&h, sizeof h);

  tml_layer_record conv = layer(TML_LAYER_CONV1D, 3, -5, 12, 2, 6, 4, 0.1f);
  conv.kernel_size = 3;
  conv.stride = 1;
  conv.pad_left = 1;
  conv.pad_right = 1;
  conv.pool_size = 2;
  conv.pool_stride = 2;
  conv.act_min = -5;  // ReLU
  tml_layer_record avg = layer(TML_LAYER_AVG_POOL1D, -5, -5, 6, 4, 3, 4, 0.1f);
  avg.kernel_size = 2;
  avg.stride = 2;
  tml_layer_record fc = layer(TML_LAYER_FULLY_CONNECTED, -5, 2, 3, 4, 1, 3, 0.2f);
  tml_layer_record sm = layer(TML_LAYER_SOFTMAX, 2, -128, 1, 3, 1, 3, 1.0f / 256);
  for (int i = 0; i < 4; ++i) a.append(&conv, sizeof conv);  // placeholders, rewritten below

  char labels[3][TML_MODEL_LABEL_SIZE] = {{"left"}, {"right"}, {"idle"}};
  h.labels_offset = a.append(labels, sizeof labels);
  const float norm[4] = {0.5f, -1.0f, 2.0f, 0.25f};  // mean[2], inv_std[2]
  h.norm_offset = a.append(norm, sizeof norm);
  conv.weights_offset = a.append(m.conv_w);
  conv.bias_offset = a.append(m.conv_b);
  conv.multiplier_offset = a.append(m.conv_m);
  conv.shift_offset = a.append(m.conv_s);
  fc.weights_offset = a.append(m.fc_w);
  fc.bias_offset = a.append(m.fc_b);
  fc.multiplier_offset = a.append(m.fc_m);
  fc.shift_offset = a.append(m.fc_s);
  sm.multiplier_offset = a.append(&m.softmax_m, 4);
  while (a.bytes.size() % 4) a.bytes.push_back(0);

  h.total_size = static_cast<uint32_t>(a.bytes.size());
  std::memcpy(a.bytes.data(), &h, sizeof h);
  const tml_layer_record layers[4] = {conv, avg, fc, sm};
  std::memcpy(a.bytes.data() + TML_MODEL_HEADER_SIZE, layers, sizeof layers);
  REQUIRE(tml_model_plan(a.bytes.data(), a.bytes.size()) == TML_OK);
  return a.bytes;
}

// A blob in a heap block of exactly its size, so the sanitizer sees any read past its end. init_exact
// frees it again: only for checking what tml_model_init says, not for using the model afterwards.
struct ExactBlob {
  std::unique_ptr<uint8_t[]> data;
  size_t len;
  explicit ExactBlob(const std::vector<uint8_t>& b, size_t n) : data(new uint8_t[n ? n : 1]), len(n) {
    std::memcpy(data.get(), b.data(), n);
  }
};

int init_exact(const std::vector<uint8_t>& bytes, size_t len, tml_model* model) {
  ExactBlob b(bytes, len);
  return tml_model_init(model, b.data.get(), b.len);
}

// Bounds-checked copies in and out of a blob under test.
void get_bytes(const std::vector<uint8_t>& b, size_t offset, void* out, size_t n) {
  if (offset + n > b.size()) throw std::out_of_range("blob read out of range");
  std::copy(b.begin() + offset, b.begin() + offset + n, static_cast<uint8_t*>(out));
}

void put_bytes(std::vector<uint8_t>& b, size_t offset, const void* in, size_t n) {
  if (offset + n > b.size()) throw std::out_of_range("blob write out of range");
  const auto* p = static_cast<const uint8_t*>(in);
  std::copy(p, p + n, b.begin() + offset);
}

tml_model_header header_of(const std::vector<uint8_t>& b) {
  tml_model_header h;
  get_bytes(b, 0, &h, sizeof h);
  return h;
}

void set_header(std::vector<uint8_t>& b, const tml_model_header& h) { put_bytes(b, 0, &h, sizeof h); }

tml_layer_record layer_of(const std::vector<uint8_t>& b, int i) {
  tml_layer_record r;
  get_bytes(b, TML_MODEL_HEADER_SIZE + size_t(i) * TML_MODEL_LAYER_SIZE, &r, sizeof r);
  return r;
}

void set_layer(std::vector<uint8_t>& b, int i, const tml_layer_record& r) {
  put_bytes(b, TML_MODEL_HEADER_SIZE + size_t(i) * TML_MODEL_LAYER_SIZE, &r, sizeof r);
}

void rehash(std::vector<uint8_t>& b) {
  const uint32_t total = header_of(b).total_size;
  const uint32_t h = tml_model_hash(b.data(), total <= b.size() ? total : b.size());
  put_bytes(b, TML_MODEL_HASH_OFFSET, &h, 4);
}

// Runs a model in an arena of exactly its stated size with guard bytes on both sides; checks the guards.
std::vector<int8_t> run_guarded(const tml_model& model, const std::vector<int8_t>& input) {
  constexpr size_t kGuard = 64;
  const size_t arena_size = tml_model_arena_size(&model);
  std::vector<uint8_t> mem(arena_size + 2 * kGuard, 0xA5);
  uint8_t* arena = mem.data() + kGuard;
  std::vector<int8_t> out(tml_model_output_size(&model) + 1, 0x55);
  REQUIRE(tml_model_run(&model, arena, arena_size, input.data(), out.data()) == TML_OK);
  for (size_t i = 0; i < kGuard; ++i) {
    REQUIRE(mem[i] == 0xA5);
    REQUIRE(mem[kGuard + arena_size + i] == 0xA5);
  }
  REQUIRE(out.back() == 0x55);
  out.pop_back();
  return out;
}

// The same model, kernel by kernel, each layer into its own buffer.
struct Manual {
  std::vector<int8_t> conv, avg, logits, scores;
};
Manual run_manual(const TestModel& m, const std::vector<int8_t>& input) {
  Manual r;
  r.conv.resize(24);
  r.avg.resize(12);
  r.logits.resize(3);
  r.scores.resize(3);
  const tml_conv1d_params cp = {3, -5, 3, 1, 1, 2, 2, {-5, 127}};
  const tml_channel_quant cq = {m.conv_m.data(), m.conv_s.data()};
  const tml_dims in = {12, 2}, conv_out = {6, 4}, avg_out = {3, 4}, logits = {1, 3};
  tml_conv1d_s8(&cp, &cq, &in, input.data(), m.conv_w.data(), m.conv_b.data(), &conv_out, r.conv.data());
  const tml_pool_params pp = {2, 2, 0, {-128, 127}};
  tml_avg_pool1d_s8(&pp, &conv_out, r.conv.data(), &avg_out, r.avg.data());
  const tml_fc_params fp = {-5, 2, {-128, 127}};
  const tml_channel_quant fq = {m.fc_m.data(), m.fc_s.data()};
  tml_fully_connected_s8(&fp, &fq, 12, r.avg.data(), 3, m.fc_w.data(), m.fc_b.data(), r.logits.data());
  const tml_softmax_params sp = {m.softmax_m};
  tml_softmax_s8(&sp, &logits, r.logits.data(), r.scores.data());
  return r;
}

}  // namespace

TEST_CASE("model: a valid blob initialises and describes itself", "[model]") {
  const TestModel tm(1);
  const auto blob = assemble(tm);
  tml_model model;
  REQUIRE(tml_model_init(&model, blob.data(), blob.size()) == TML_OK);  // the blob outlives the model
  CHECK(model.header.layer_count == 4);
  CHECK(tml_model_input_size(&model) == 24);
  CHECK(tml_model_output_size(&model) == 3);
  CHECK(std::string(tml_model_label(&model, 0)) == "left");
  CHECK(std::string(tml_model_label(&model, 2)) == "idle");
  CHECK(tml_model_label(&model, 3) == nullptr);
  CHECK(model.logits_scale == 0.2f);
  CHECK(model.logits_zero_point == 2);
  tml_layer_record r;
  REQUIRE(tml_model_layer(&model, 2, &r) == TML_OK);
  CHECK(r.kind == TML_LAYER_FULLY_CONNECTED);
  CHECK(tml_model_layer(&model, 4, &r) == TML_ERR_ARG);
  // The blob may sit in a longer buffer.
  std::vector<uint8_t> longer = blob;
  longer.resize(blob.size() + 40, 0xEE);
  CHECK(init_exact(longer, longer.size(), &model) == TML_OK);
}

TEST_CASE("model: the planner places buffers ping-pong in the least arena", "[model]") {
  const auto blob = assemble(TestModel(2));
  // Buffers: input 24 B, conv+pool 24 B, avg 12 B, logits 3 -> 4 B, scores 3 -> 4 B.
  // Arena = max(24 + 24, 24 + 12, 12 + 4, 4 + 4) = 48; even buffers at 0, odd ones at the top.
  CHECK(header_of(blob).arena_size == 48);
  const uint32_t expect[4][2] = {{0, 24}, {24, 0}, {0, 44}, {44, 0}};
  for (int i = 0; i < 4; ++i) {
    const auto r = layer_of(blob, i);
    CHECK(r.input_arena_offset == expect[i][0]);
    CHECK(r.output_arena_offset == expect[i][1]);
    CHECK(r.scratch_size == 0);
    CHECK(r.scratch_arena_offset == 0);
  }
  // Planning an already planned blob changes nothing.
  auto again = blob;
  REQUIRE(tml_model_plan(again.data(), again.size()) == TML_OK);
  CHECK(again == blob);
}

TEST_CASE("model: a run in exactly the stated arena matches the kernels and touches nothing else", "[model]") {
  const TestModel tm(3);
  const auto blob = assemble(tm);
  tml_model model;
  REQUIRE(tml_model_init(&model, blob.data(), blob.size()) == TML_OK);  // the blob outlives the model
  std::mt19937 rng(33);
  for (int rep = 0; rep < 20; ++rep) {
    const auto input = random_s8(rng, 24);
    const auto manual = run_manual(tm, input);
    CHECK(run_guarded(model, input) == manual.scores);

    // In-place use: input written at tml_model_input, output read at tml_model_output, logits kept.
    std::vector<uint8_t> arena(tml_model_arena_size(&model));
    std::memcpy(tml_model_input(&model, arena.data()), input.data(), input.size());
    REQUIRE(tml_model_run(&model, arena.data(), arena.size(), nullptr, nullptr) == TML_OK);
    const int8_t* out = tml_model_output(&model, arena.data());
    const int8_t* logits = tml_model_logits(&model, arena.data());
    CHECK(std::vector<int8_t>(out, out + 3) == manual.scores);
    CHECK(std::vector<int8_t>(logits, logits + 3) == manual.logits);

    // Layer by layer gives the same.
    std::vector<uint8_t> arena2(tml_model_arena_size(&model));
    std::memcpy(tml_model_input(&model, arena2.data()), input.data(), input.size());
    for (uint32_t i = 0; i < 4; ++i) REQUIRE(tml_model_run_layer(&model, arena2.data(), arena2.size(), i) == TML_OK);
    CHECK(std::memcmp(tml_model_output(&model, arena2.data()), out, 3) == 0);
  }
}

TEST_CASE("model: a smaller or misaligned arena is refused / untouched", "[model]") {
  const auto blob = assemble(TestModel(4));
  tml_model model;
  REQUIRE(tml_model_init(&model, blob.data(), blob.size()) == TML_OK);  // the blob outlives the model
  const size_t size = tml_model_arena_size(&model);
  alignas(8) uint8_t mem[128];
  std::memset(mem, 0xA5, sizeof mem);
  const std::vector<int8_t> input(24, 1);
  int8_t out[3];
  CHECK(tml_model_run(&model, mem, size - 1, input.data(), out) == TML_ERR_BUFFER);
  CHECK(tml_model_run(&model, mem, 0, input.data(), out) == TML_ERR_BUFFER);
  CHECK(tml_model_run(&model, mem + 1, size, input.data(), out) == TML_ERR_ARG);
  CHECK(tml_model_run(&model, nullptr, size, input.data(), out) == TML_ERR_ARG);
  CHECK(tml_model_run_layer(&model, mem, size - 1, 0) == TML_ERR_BUFFER);
  CHECK(tml_model_run_layer(&model, mem, size, 4) == TML_ERR_ARG);
  for (uint8_t b : mem) REQUIRE(b == 0xA5);
  CHECK(tml_model_run(&model, mem, size, input.data(), out) == TML_OK);
}

TEST_CASE("model: prepare_input normalises and rounds like the documented float steps", "[model]") {
  const auto blob = assemble(TestModel(5));
  tml_model model;
  REQUIRE(tml_model_init(&model, blob.data(), blob.size()) == TML_OK);  // the blob outlives the model
  // mean {0.5, -1}, inv_std {2, 0.25}, input scale 0.05, zero point 3.
  std::vector<float> raw(24);
  for (size_t i = 0; i < raw.size(); ++i) raw[i] = 0.137f * float(i) - 1.3f;
  raw[0] = 0.5125f;  // (0.0125 * 2) / 0.05 = 0.5 in exact arithmetic
  raw[2] = 1000.0f;  // saturates
  raw[3] = -1000.0f;
  raw[4] = std::nanf("");
  std::vector<int8_t> q(24);
  REQUIRE(tml_model_prepare_input(&model, raw.data(), raw.size(), q.data()) == TML_OK);
  for (size_t i = 0; i < raw.size(); ++i) {
    const size_t c = i % 2;
    const float mean = c ? -1.0f : 0.5f, inv_std = c ? 0.25f : 2.0f;
    volatile float v = (raw[i] - mean);  // one rounding per step, as documented
    v = v * inv_std;
    v = v / 0.05f;
    double r = std::isnan(v) ? 0.0 : std::round(double(v));  // ties away from zero
    r = std::fmin(std::fmax(r + 3, -128.0), 127.0);
    CHECK(q[i] == int8_t(r));
  }
  CHECK(q[2] == 127);
  CHECK(q[3] == -128);
  CHECK(q[4] == 3);
  CHECK(tml_model_prepare_input(&model, raw.data(), raw.size() - 1, q.data()) == TML_ERR_ARG);
  CHECK(tml_model_prepare_input(&model, nullptr, raw.size(), q.data()) == TML_ERR_ARG);
}

TEST_CASE("model: header damage gives the documented status", "[model]") {
  const auto good = assemble(TestModel(6));
  tml_model model;
  const auto with = [&](const std::function<void(tml_model_header&)>& edit, bool hash = true) {
    auto b = good;
    auto h = header_of(b);
    edit(h);
    set_header(b, h);
    if (hash) rehash(b);
    return init_exact(b, b.size(), &model);
  };
  CHECK(with([](tml_model_header& h) { h.magic ^= 1; }) == TML_ERR_FORMAT);
  CHECK(with([](tml_model_header& h) { h.version = TML_MODEL_VERSION + 1; }) == TML_ERR_VERSION);
  CHECK(with([](tml_model_header& h) { h.version = 2; }) == TML_OK);  // version 2: no heads table
  CHECK(with([](tml_model_header& h) { h.version = 1; }) == TML_OK);  // version 1: no extension words
  CHECK(with([](tml_model_header& h) { h.version = 1, h.features_offset = 64 + 64 * 4; }) == TML_ERR_FORMAT);
  CHECK(with([](tml_model_header& h) { h.version = 2, h.heads_offset = 64 + 64 * 4; }) == TML_ERR_FORMAT);
  // This program reads no values: the heads table's validation is not linked, and a blob with a table is
  // refused as unsupported (test_heads.cc links it and checks the table itself).
  CHECK(with([](tml_model_header& h) { h.heads_offset = 64 + 64 * 4; }) == TML_ERR_UNSUPPORTED);
  CHECK(with([](tml_model_header& h) { h.version = 0; }) == TML_ERR_VERSION);
  CHECK(with([](tml_model_header& h) { h.hash ^= 0x100; }, false) == TML_ERR_CRC);
  CHECK(with([](tml_model_header& h) { h.header_size = 60; }) == TML_ERR_FORMAT);
  CHECK(with([](tml_model_header& h) { h.layer_size = 68; }) == TML_ERR_FORMAT);
  CHECK(with([](tml_model_header& h) { h.total_size += 4; }) == TML_ERR_FORMAT);    // beyond len
  CHECK(with([](tml_model_header& h) { h.total_size = 32; }) == TML_ERR_FORMAT);    // below the header
  CHECK(with([](tml_model_header& h) { h.total_size = 64 + 64 * 3; }) == TML_ERR_FORMAT);  // cuts records
  CHECK(with([](tml_model_header& h) { h.total_size -= 4; }) == TML_ERR_FORMAT);    // cuts the last array
  CHECK(with([](tml_model_header& h) { h.layer_count = 0; }) == TML_ERR_FORMAT);
  CHECK(with([](tml_model_header& h) { h.layer_count = 3; }) == TML_ERR_FORMAT);    // output shape differs
  CHECK(with([](tml_model_header& h) { h.layer_count = 5; }) == TML_ERR_FORMAT);
  CHECK(with([](tml_model_header& h) { h.layer_count = 0xFFFF; }) == TML_ERR_FORMAT);
  CHECK(with([](tml_model_header& h) { h.reserved0 = 1; }) == TML_ERR_FORMAT);
  CHECK(with([](tml_model_header& h) { h.anomaly_offset = 1; }) == TML_ERR_FORMAT);
  CHECK(with([](tml_model_header& h) { h.input_time = 11; }) == TML_ERR_FORMAT);
  CHECK(with([](tml_model_header& h) { h.input_channels = 0; }) == TML_ERR_FORMAT);
  CHECK(with([](tml_model_header& h) { h.input_zero_point = 4; }) == TML_ERR_FORMAT);
  CHECK(with([](tml_model_header& h) { h.input_scale = 0.0f; }) == TML_ERR_FORMAT);
  CHECK(with([](tml_model_header& h) { h.input_scale = -0.05f; }) == TML_ERR_FORMAT);
  CHECK(with([](tml_model_header& h) { h.input_scale = std::nanf(""); }) == TML_ERR_FORMAT);
  CHECK(with([](tml_model_header& h) { h.input_scale = INFINITY; }) == TML_ERR_FORMAT);
  CHECK(with([](tml_model_header& h) { h.output_scale = 0.5f; }) == TML_ERR_FORMAT);
  CHECK(with([](tml_model_header& h) { h.output_zero_point = 0; }) == TML_ERR_FORMAT);
  CHECK(with([](tml_model_header& h) { h.output_channels = 4; }) == TML_ERR_FORMAT);
  CHECK(with([](tml_model_header& h) { h.output_time = 2; }) == TML_ERR_FORMAT);
  CHECK(with([](tml_model_header& h) { h.arena_size = 47; }) == TML_ERR_FORMAT);
  CHECK(with([](tml_model_header& h) { h.labels_offset += 1; }) == TML_ERR_FORMAT);
  CHECK(with([](tml_model_header& h) { h.labels_offset = h.total_size - 64; }) == TML_ERR_FORMAT);
  CHECK(with([](tml_model_header& h) { h.labels_offset = 32; }) == TML_ERR_FORMAT);  // inside the header
  CHECK(with([](tml_model_header& h) { h.norm_offset = 0xFFFFFFFC; }) == TML_ERR_FORMAT);
  CHECK(with([](tml_model_header& h) { h.norm_offset = h.total_size - 12; }) == TML_ERR_FORMAT);
  // Still fine: no labels, no normalisation, a roomier arena than needed.
  CHECK(with([](tml_model_header& h) { h.labels_offset = 0; }) == TML_OK);
  CHECK(with([](tml_model_header& h) { h.norm_offset = 0; }) == TML_OK);
  CHECK(with([](tml_model_header& h) { h.arena_size = 1000; }) == TML_OK);
  // Arguments.
  CHECK(tml_model_init(nullptr, good.data(), good.size()) == TML_ERR_ARG);
  CHECK(tml_model_init(&model, nullptr, good.size()) == TML_ERR_ARG);
  std::vector<uint8_t> shifted(good.size() + 1);
  std::memcpy(shifted.data() + 1, good.data(), good.size());
  CHECK(tml_model_init(&model, shifted.data() + 1, good.size()) == TML_ERR_ARG);  // not 4-aligned
}

TEST_CASE("model: label and normalisation damage is rejected", "[model]") {
  const auto good = assemble(TestModel(7));
  tml_model model;
  const auto h = header_of(good);
  auto b = good;
  std::memset(b.data() + h.labels_offset + TML_MODEL_LABEL_SIZE, 'x', TML_MODEL_LABEL_SIZE);  // no NUL
  rehash(b);
  CHECK(init_exact(b, b.size(), &model) == TML_ERR_FORMAT);
  b = good;
  const float nan = std::nanf("");
  std::memcpy(b.data() + h.norm_offset + 12, &nan, 4);
  rehash(b);
  CHECK(init_exact(b, b.size(), &model) == TML_ERR_FORMAT);
  b = good;
  const float inf = INFINITY;
  std::memcpy(b.data() + h.norm_offset, &inf, 4);
  rehash(b);
  CHECK(init_exact(b, b.size(), &model) == TML_ERR_FORMAT);
}

TEST_CASE("model: layer record damage and bad offsets are rejected", "[model]") {
  const auto good = assemble(TestModel(8));
  const auto h = header_of(good);
  tml_model model;
  const auto with = [&](int index, const std::function<void(tml_layer_record&)>& edit) {
    auto b = good;
    auto r = layer_of(b, index);
    edit(r);
    set_layer(b, index, r);
    rehash(b);
    return init_exact(b, b.size(), &model);
  };
  const uint32_t total = h.total_size;
  using R = tml_layer_record;
  // Kinds and reserved fields.
  CHECK(with(0, [](R& r) { r.kind = 0; }) == TML_ERR_FORMAT);
  CHECK(with(0, [](R& r) { r.kind = 8; }) == TML_ERR_FORMAT);
  CHECK(with(0, [](R& r) { r.kind = TML_LAYER_DEPTHWISE_CONV1D; }) == TML_ERR_FORMAT);  // pooling, 2 -> 4 channels
  CHECK(with(1, [](R& r) { r.kind = TML_LAYER_MAX_POOL1D; }) == TML_OK);  // same geometry, same rules
  CHECK(with(1, [](R& r) { r.kind = TML_LAYER_FULLY_CONNECTED; }) == TML_ERR_FORMAT);
  CHECK(with(0, [](R& r) { r.flags = 1; }) == TML_ERR_FORMAT);
  CHECK(with(2, [](R& r) { r.reserved = 1; }) == TML_ERR_FORMAT);
  // Shapes that do not chain or do not follow from the geometry.
  CHECK(with(0, [](R& r) { r.in_time = 13; }) == TML_ERR_FORMAT);
  CHECK(with(0, [](R& r) { r.out_time = 5; }) == TML_ERR_FORMAT);
  CHECK(with(1, [](R& r) { r.in_channels = 5; }) == TML_ERR_FORMAT);
  CHECK(with(2, [](R& r) { r.out_channels = 4; }) == TML_ERR_FORMAT);
  CHECK(with(2, [](R& r) { r.out_time = 2; }) == TML_ERR_FORMAT);
  CHECK(with(3, [](R& r) { r.out_channels = 2; }) == TML_ERR_FORMAT);
  CHECK(with(0, [](R& r) { r.kernel_size = 0; }) == TML_ERR_FORMAT);
  CHECK(with(0, [](R& r) { r.stride = 0; }) == TML_ERR_FORMAT);
  CHECK(with(0, [](R& r) { r.pad_left = 3; }) == TML_ERR_FORMAT);   // not below the kernel
  CHECK(with(0, [](R& r) { r.pad_right = 3; }) == TML_ERR_FORMAT);
  CHECK(with(0, [](R& r) { r.pool_stride = 0; }) == TML_ERR_FORMAT);
  CHECK(with(0, [](R& r) { r.pool_size = 13; }) == TML_ERR_FORMAT);  // longer than the 12 conv steps
  CHECK(with(1, [](R& r) { r.kernel_size = 7; }) == TML_ERR_FORMAT);  // window longer than the input
  CHECK(with(1, [](R& r) { r.pool_size = 2; }) == TML_ERR_FORMAT);   // not a pooling field
  CHECK(with(2, [](R& r) { r.stride = 1; }) == TML_ERR_FORMAT);      // not a dense field
  CHECK(with(3, [](R& r) { r.kernel_size = 1; }) == TML_ERR_FORMAT);
  // Quantization.
  CHECK(with(1, [](R& r) { r.input_zero_point = -4; }) == TML_ERR_FORMAT);  // chain
  CHECK(with(1, [](R& r) { r.output_zero_point = -4; }) == TML_ERR_FORMAT);  // pooling keeps it
  CHECK(with(1, [](R& r) { r.output_scale = 0.2f; }) == TML_ERR_FORMAT);
  CHECK(with(2, [](R& r) { r.output_scale = 0.0f; }) == TML_ERR_FORMAT);
  CHECK(with(2, [](R& r) { r.output_scale = std::nanf(""); }) == TML_ERR_FORMAT);
  CHECK(with(2, [](R& r) { r.act_min = 10, r.act_max = 9; }) == TML_ERR_FORMAT);
  CHECK(with(3, [](R& r) { r.output_zero_point = 0; }) == TML_ERR_FORMAT);
  CHECK(with(3, [](R& r) { r.output_scale = 1.0f / 255; }) == TML_ERR_FORMAT);
  CHECK(with(3, [](R& r) { r.act_min = -127; }) == TML_ERR_FORMAT);
  // Array offsets: misaligned, inside header or records, past the end, wrapping around 2^32.
  CHECK(with(0, [](R& r) { r.weights_offset += 1; }) == TML_ERR_FORMAT);
  CHECK(with(0, [](R& r) { r.weights_offset = 0; }) == TML_ERR_FORMAT);
  CHECK(with(0, [](R& r) { r.weights_offset = 64; }) == TML_ERR_FORMAT);
  CHECK(with(0, [&](R& r) { r.weights_offset = total; }) == TML_ERR_FORMAT);
  CHECK(with(0, [&](R& r) { r.weights_offset = total - 20; }) == TML_ERR_FORMAT);  // 24 bytes needed
  CHECK(with(0, [](R& r) { r.bias_offset = 0xFFFFFFFC; }) == TML_ERR_FORMAT);
  CHECK(with(0, [&](R& r) { r.multiplier_offset = total - 12; }) == TML_ERR_FORMAT);
  CHECK(with(0, [](R& r) { r.shift_offset = 2; }) == TML_ERR_FORMAT);
  CHECK(with(2, [](R& r) { r.multiplier_offset = 0; }) == TML_ERR_FORMAT);
  CHECK(with(1, [&](R& r) { r.weights_offset = total - 4; }) == TML_ERR_FORMAT);  // pooling has none
  CHECK(with(3, [](R& r) { r.multiplier_offset = 0; }) == TML_ERR_FORMAT);
  CHECK(with(3, [](R& r) { r.bias_offset = 256; }) == TML_ERR_FORMAT);
  CHECK(with(0, [](R& r) { r.bias_offset = 0; }) == TML_OK);  // no bias is allowed
  // Arena plan: offsets inside the arena, aligned, chained, and no overlap within a layer.
  CHECK(with(0, [](R& r) { r.input_arena_offset = 2; }) == TML_ERR_FORMAT);
  CHECK(with(0, [](R& r) { r.input_arena_offset = 28; }) == TML_ERR_FORMAT);  // overlaps the output
  CHECK(with(1, [](R& r) { r.input_arena_offset = 0; }) == TML_ERR_FORMAT);   // not layer 0's output
  CHECK(with(0, [](R& r) { r.output_arena_offset = 28; }) == TML_ERR_FORMAT);  // past the arena
  CHECK(with(2, [](R& r) { r.output_arena_offset = 0xFFFFFFFC; }) == TML_ERR_FORMAT);
  CHECK(with(3, [](R& r) { r.output_arena_offset = 44; }) == TML_ERR_FORMAT);  // onto its input
  CHECK(with(3, [](R& r) { r.scratch_arena_offset = 8; }) == TML_ERR_FORMAT);  // without scratch
  CHECK(with(3, [](R& r) { r.scratch_size = 4, r.scratch_arena_offset = 44; }) == TML_ERR_FORMAT);
  CHECK(with(3, [](R& r) { r.scratch_size = 4, r.scratch_arena_offset = 8; }) == TML_OK);  // a free gap
  CHECK(with(3, [](R& r) { r.scratch_size = 4, r.scratch_arena_offset = 48; }) == TML_ERR_FORMAT);
}

TEST_CASE("model: parameter values out of range are rejected", "[model]") {
  const TestModel tm(9);
  const auto good = assemble(tm);
  const auto conv = layer_of(good, 0);
  const auto sm = layer_of(good, 3);
  tml_model model;
  const auto with_i32 = [&](uint32_t offset, int32_t value) {
    auto b = good;
    std::memcpy(b.data() + offset, &value, 4);
    rehash(b);
    return init_exact(b, b.size(), &model);
  };
  CHECK(with_i32(conv.multiplier_offset + 4, (1 << 30) - 1) == TML_ERR_FORMAT);
  CHECK(with_i32(conv.multiplier_offset + 4, -5) == TML_ERR_FORMAT);
  CHECK(with_i32(conv.multiplier_offset + 4, 0) == TML_OK);
  CHECK(with_i32(conv.multiplier_offset + 4, INT32_MAX) == TML_OK);
  CHECK(with_i32(conv.shift_offset + 12, 31) == TML_ERR_FORMAT);
  CHECK(with_i32(conv.shift_offset + 12, -32) == TML_ERR_FORMAT);
  CHECK(with_i32(conv.shift_offset + 12, 30) == TML_OK);
  CHECK(with_i32(conv.shift_offset + 12, -31) == TML_OK);
  CHECK(with_i32(sm.multiplier_offset, 0) == TML_ERR_FORMAT);
  CHECK(with_i32(sm.multiplier_offset, TML_SOFTMAX_MAX_EXP_MULTIPLIER + 1) == TML_ERR_FORMAT);
  CHECK(with_i32(sm.multiplier_offset, TML_SOFTMAX_MAX_EXP_MULTIPLIER) == TML_OK);
  // Bias bound: |bias| + 6 * 255 * 127 (the conv's dot length is 3 * 2) must fit in an int32.
  CHECK(with_i32(conv.bias_offset, INT32_MAX - 6 * 255 * 127) == TML_OK);
  CHECK(with_i32(conv.bias_offset, INT32_MAX - 6 * 255 * 127 + 1) == TML_ERR_FORMAT);
  CHECK(with_i32(conv.bias_offset, -(INT32_MAX - 6 * 255 * 127) - 1) == TML_ERR_FORMAT);
  CHECK(with_i32(conv.bias_offset, INT32_MIN) == TML_ERR_FORMAT);
  // Weights are symmetric: -128 is not a weight.
  auto b = good;
  b[conv.weights_offset + 5] = 0x80;
  rehash(b);
  CHECK(init_exact(b, b.size(), &model) == TML_ERR_FORMAT);
}

TEST_CASE("model: truncation at every length is rejected", "[model]") {
  const auto good = assemble(TestModel(10));
  tml_model model;
  for (size_t len = 0; len < good.size(); ++len) {
    const int rc = init_exact(good, len, &model);
    REQUIRE(rc == TML_ERR_FORMAT);
  }
  CHECK(init_exact(good, good.size(), &model) == TML_OK);
}

TEST_CASE("model: every single-byte change is caught by the hash", "[model]") {
  const auto good = assemble(TestModel(11));
  tml_model model;
  for (size_t i = 0; i < good.size(); ++i) {
    for (uint8_t mask : {0x01, 0x80, 0xFF}) {
      auto b = good;
      b[i] ^= mask;
      const int rc = init_exact(b, b.size(), &model);
      REQUIRE(rc != TML_OK);
      // Magic, version and sizes are checked before the hash; everything else fails the hash.
      REQUIRE((rc == TML_ERR_CRC || rc == TML_ERR_FORMAT || rc == TML_ERR_VERSION));
      if (i >= TML_MODEL_HASH_OFFSET) REQUIRE(rc == TML_ERR_CRC);
    }
  }
}

TEST_CASE("model: single-byte changes with the hash recomputed are rejected or run safely", "[model]") {
  const TestModel tm(12);
  const auto good = assemble(tm);
  tml_model model;
  int rejected_in_records = 0, records_bytes = 0;
  for (size_t i = 0; i < good.size(); ++i) {
    if (i - TML_MODEL_HASH_OFFSET < 4) continue;
    for (uint8_t mask : {0x01, 0x02, 0x10, 0x80, 0xFF}) {
      auto b = good;
      b[i] ^= mask;
      rehash(b);
      ExactBlob exact(b, b.size());
      const int rc = tml_model_init(&model, exact.data.get(), exact.len);
      const bool in_records = i < TML_MODEL_HEADER_SIZE + 4 * TML_MODEL_LAYER_SIZE;
      records_bytes += in_records;
      if (rc != TML_OK) {
        REQUIRE(rc < 0);
        rejected_in_records += in_records;
        continue;
      }
      if (tml_model_arena_size(&model) > (1u << 20)) continue;  // a valid but absurd arena: not run
      run_guarded(model, std::vector<int8_t>(tml_model_input_size(&model), 7));
    }
  }
  // Header and record fields are nearly all checked exactly; a few changes stay valid (e.g. a
  // different weight offset that still points at an aligned array in bounds, or a scale).
  CHECK(rejected_in_records > records_bytes * 85 / 100);
}

TEST_CASE("model: random mutations with the hash recomputed never break the runner", "[model]") {
  const TestModel tm(13);
  const auto good = assemble(tm);
  const auto h = header_of(good);
  std::mt19937 rng(1234);
  std::uniform_int_distribution<size_t> pos(0, good.size() - 1);
  std::uniform_int_distribution<size_t> structural(0, TML_MODEL_HEADER_SIZE + 4 * TML_MODEL_LAYER_SIZE - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> count(1, 6);
  const uint32_t interesting[] = {0, 1, 3, 4, 63, 64, 0x7F, 0x80, 0xFF, 0xFFFF, 0x10000, h.total_size,
                                  h.total_size - 4, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFC, 0xFFFFFFFF};
  std::uniform_int_distribution<size_t> pick(0, sizeof interesting / sizeof interesting[0] - 1);
  tml_model model;
  int accepted = 0;
  const int iterations = 60000;
  for (int it = 0; it < iterations; ++it) {
    auto b = good;
    const int n = count(rng);
    for (int k = 0; k < n; ++k) {
      switch (rng() % 3) {
        case 0: b[pos(rng)] = static_cast<uint8_t>(byte(rng)); break;
        case 1: b[structural(rng)] = static_cast<uint8_t>(byte(rng)); break;
        default: {  // a whole aligned u32 field in the header or a record
          const size_t at = structural(rng) & ~size_t{3};
          const uint32_t v = interesting[pick(rng)];
          std::memcpy(b.data() + at, &v, 4);
        }
      }
    }
    if (rng() % 8 == 0) b.resize(pos(rng));  // and sometimes truncate
    if (b.size() >= TML_MODEL_HEADER_SIZE) rehash(b);
    ExactBlob exact(b, b.size());
    const int rc = tml_model_init(&model, exact.data.get(), exact.len);
    if (rc != TML_OK) {
      REQUIRE(rc < 0);
      continue;
    }
    ++accepted;
    if (tml_model_arena_size(&model) > (1u << 20)) continue;
    std::vector<float> raw(tml_model_input_size(&model), 0.25f);
    std::vector<int8_t> q(raw.size());
    REQUIRE(tml_model_prepare_input(&model, raw.data(), raw.size(), q.data()) == TML_OK);
    run_guarded(model, q);
  }
  CHECK(accepted > 0);              // some mutations are harmless (weights, scales)
  CHECK(accepted < iterations / 2);  // most are caught
}

namespace {

// The depthwise-separable test model: input [9][4] -> depthwise k3, stride 2, same padding (1 + 1),
// ReLU -> [5][4] -> pointwise conv1d k1 x6 -> [5][6] -> global average pool -> [1][6]. No labels.
struct SeparableModel {
  std::vector<int8_t> dw_w, pw_w;  // [3][4], [6][1][4]
  std::vector<int32_t> dw_b, dw_m, dw_s, pw_b, pw_m, pw_s;

  explicit SeparableModel(uint32_t seed) {
    std::mt19937 rng(seed);
    dw_w = random_s8(rng, 3 * 4, -127, 127);
    pw_w = random_s8(rng, 6 * 4, -127, 127);
    std::uniform_int_distribution<int32_t> bias(-3000, 3000);
    std::uniform_real_distribution<double> wscale(0.002, 0.02);
    const auto channels = [&](int n, double in_scale, double out_scale, std::vector<int32_t>& b,
                              std::vector<int32_t>& m, std::vector<int32_t>& sh) {
      for (int o = 0; o < n; ++o) {
        b.push_back(bias(rng));
        int32_t mult, shift;
        REQUIRE(tml_quantize_multiplier(in_scale * wscale(rng) / out_scale, &mult, &shift) == TML_OK);
        m.push_back(mult);
        sh.push_back(shift);
      }
    };
    channels(4, 0.05, 0.02, dw_b, dw_m, dw_s);
    channels(6, 0.02, 0.04, pw_b, pw_m, pw_s);
  }
};

std::vector<uint8_t> assemble_separable(const SeparableModel& m) {
  Assembler a;
  tml_model_header h;
  std::memset(&h, 0, sizeof h);
  h.magic = TML_MODEL_MAGIC;
  h.version = TML_MODEL_VERSION;
  h.header_size = TML_MODEL_HEADER_SIZE;
  h.layer_count = 3;
  h.layer_size = TML_MODEL_LAYER_SIZE;
  h.input_time = 9;
  h.input_channels = 4;
  h.output_time = 1;
  h.output_channels = 6;
  h.input_scale = 0.05f;
  h.output_scale = 0.04f;
  h.input_zero_point = -7;
  h.output_zero_point = 11;
  a.append(&h, sizeof h);
  tml_layer_record dw = layer(TML_LAYER_DEPTHWISE_CONV1D, -7, -128, 9, 4, 5, 4, 0.02f);
  dw.kernel_size = 3;
  dw.stride = 2;
  dw.pad_left = 1;
  dw.pad_right = 1;
  dw.act_min = -128;  // ReLU: the zero point is -128
  tml_layer_record pw = layer(TML_LAYER_CONV1D, -128, 11, 5, 4, 5, 6, 0.04f);
  pw.kernel_size = 1;
  pw.stride = 1;
  tml_layer_record gap = layer(TML_LAYER_GLOBAL_AVG_POOL1D, 11, 11, 5, 6, 1, 6, 0.04f);
  for (int i = 0; i < 3; ++i) a.append(&dw, sizeof dw);  // placeholders, rewritten below
  dw.weights_offset = a.append(m.dw_w);
  dw.bias_offset = a.append(m.dw_b);
  dw.multiplier_offset = a.append(m.dw_m);
  dw.shift_offset = a.append(m.dw_s);
  pw.weights_offset = a.append(m.pw_w);
  pw.bias_offset = a.append(m.pw_b);
  pw.multiplier_offset = a.append(m.pw_m);
  pw.shift_offset = a.append(m.pw_s);
  while (a.bytes.size() % 4) a.bytes.push_back(0);
  h.total_size = static_cast<uint32_t>(a.bytes.size());
  std::memcpy(a.bytes.data(), &h, sizeof h);
  const tml_layer_record layers[3] = {dw, pw, gap};
  std::memcpy(a.bytes.data() + TML_MODEL_HEADER_SIZE, layers, sizeof layers);
  REQUIRE(tml_model_plan(a.bytes.data(), a.bytes.size()) == TML_OK);
  return a.bytes;
}

}  // namespace

TEST_CASE("model: a depthwise-separable blob runs like its kernels called one by one", "[model][depthwise]") {
  const SeparableModel m(21);
  const auto blob = assemble_separable(m);
  tml_model model;
  REQUIRE(tml_model_init(&model, blob.data(), blob.size()) == TML_OK);
  // Plan: input [9][4] 36 + depthwise out [5][4] 20; then 20 + [5][6] 30 -> 32: the most is 56.
  CHECK(tml_model_arena_size(&model) == 56);
  std::mt19937 rng(22);
  const std::vector<int8_t> input = random_s8(rng, 36);

  std::vector<int8_t> dw(20), pw(30), out(6);
  const tml_depthwise_conv1d_params dp = {-7, -128, 3, 2, 1, {-128, 127}};
  const tml_channel_quant dq = {m.dw_m.data(), m.dw_s.data()};
  const tml_dims in = {9, 4}, dw_out = {5, 4}, pw_out = {5, 6};
  tml_depthwise_conv1d_s8(&dp, &dq, &in, input.data(), m.dw_w.data(), m.dw_b.data(), &dw_out, dw.data());
  const tml_conv1d_params pp = {-128, 11, 1, 1, 0, 0, 0, {-128, 127}};
  const tml_channel_quant pq = {m.pw_m.data(), m.pw_s.data()};
  tml_conv1d_s8(&pp, &pq, &dw_out, dw.data(), m.pw_w.data(), m.pw_b.data(), &pw_out, pw.data());
  const tml_act_range full = {-128, 127};
  tml_global_avg_pool1d_s8(&full, &pw_out, pw.data(), out.data());
  CHECK(run_guarded(model, input) == out);
}

TEST_CASE("model: depthwise records are validated like conv1d and keep their channels", "[model][depthwise]") {
  const SeparableModel sm(23);
  const auto good = assemble_separable(sm);
  const uint32_t total = header_of(good).total_size;
  const auto dw = layer_of(good, 0);
  tml_model model;
  REQUIRE(init_exact(good, good.size(), &model) == TML_OK);
  const auto with = [&](const std::function<void(tml_layer_record&)>& edit) {
    auto b = good;
    auto r = layer_of(b, 0);
    edit(r);
    set_layer(b, 0, r);
    rehash(b);
    return init_exact(b, b.size(), &model);
  };
  using R = tml_layer_record;
  CHECK(with([](R& r) { r.out_channels = 5; }) == TML_ERR_FORMAT);  // depthwise keeps the channel count
  CHECK(with([](R& r) { r.out_time = 4; }) == TML_ERR_FORMAT);
  CHECK(with([](R& r) { r.kernel_size = 0; }) == TML_ERR_FORMAT);
  CHECK(with([](R& r) { r.stride = 0; }) == TML_ERR_FORMAT);
  CHECK(with([](R& r) { r.pad_left = 3; }) == TML_ERR_FORMAT);
  CHECK(with([](R& r) { r.pad_right = 3; }) == TML_ERR_FORMAT);
  CHECK(with([](R& r) { r.pool_size = 1; }) == TML_ERR_FORMAT);  // no fused pooling
  CHECK(with([](R& r) { r.pool_stride = 1; }) == TML_ERR_FORMAT);
  CHECK(with([](R& r) { r.kernel_size = 12; }) == TML_ERR_FORMAT);  // longer than the padded input
  CHECK(with([](R& r) { r.stride = 3, r.out_time = 3; }) == TML_ERR_FORMAT);  // then layer 1 does not chain
  // The weights are [3][4] = 12 bytes: 8 before the end of the blob is too few.
  CHECK(with([&](R& r) { r.weights_offset = total - 8; }) == TML_ERR_FORMAT);
  CHECK(with([&](R& r) { r.weights_offset = total - 12; }) == TML_OK);  // in bounds: any bytes pass as weights
  CHECK(with([](R& r) { r.weights_offset += 2; }) == TML_ERR_FORMAT);
  CHECK(with([&](R& r) { r.multiplier_offset = total - 12; }) == TML_ERR_FORMAT);  // 16 bytes needed
  CHECK(with([](R& r) { r.shift_offset = 0; }) == TML_ERR_FORMAT);
  CHECK(with([](R& r) { r.bias_offset = 0; }) == TML_OK);  // no bias is allowed
  CHECK(with([](R& r) { r.input_zero_point = 0; }) == TML_ERR_FORMAT);  // chain

  const auto with_i32 = [&](uint32_t offset, int32_t value) {
    auto b = good;
    std::memcpy(b.data() + offset, &value, 4);
    rehash(b);
    return init_exact(b, b.size(), &model);
  };
  // The accumulator bound counts one channel's taps: |bias| + 3 * 255 * 127 must fit in an int32.
  CHECK(with_i32(dw.bias_offset + 8, INT32_MAX - 3 * 255 * 127) == TML_OK);
  CHECK(with_i32(dw.bias_offset + 8, INT32_MAX - 3 * 255 * 127 + 1) == TML_ERR_FORMAT);
  CHECK(with_i32(dw.bias_offset, -(INT32_MAX - 3 * 255 * 127)) == TML_OK);
  CHECK(with_i32(dw.bias_offset, -(INT32_MAX - 3 * 255 * 127) - 1) == TML_ERR_FORMAT);
  CHECK(with_i32(dw.multiplier_offset + 12, (1 << 30) - 1) == TML_ERR_FORMAT);
  CHECK(with_i32(dw.shift_offset + 4, 31) == TML_ERR_FORMAT);
  CHECK(with_i32(dw.shift_offset + 4, 30) == TML_OK);
  auto b = good;
  b[dw.weights_offset + 11] = 0x80;  // the last weight: -128 is not a weight
  rehash(b);
  CHECK(init_exact(b, b.size(), &model) == TML_ERR_FORMAT);
}

TEST_CASE("model: a depthwise blob's single-byte changes and truncations are rejected or run safely", "[model][depthwise]") {
  const SeparableModel sm(24);
  const auto good = assemble_separable(sm);
  tml_model model;
  for (size_t len = 0; len < good.size(); ++len) REQUIRE(init_exact(good, len, &model) == TML_ERR_FORMAT);
  int rejected_in_records = 0, records_bytes = 0;
  for (size_t i = 0; i < good.size(); ++i) {
    if (i - TML_MODEL_HASH_OFFSET < 4) continue;
    for (uint8_t mask : {0x01, 0x02, 0x10, 0x80, 0xFF}) {
      auto b = good;
      b[i] ^= mask;
      rehash(b);
      ExactBlob exact(b, b.size());
      const int rc = tml_model_init(&model, exact.data.get(), exact.len);
      const bool in_records = i < TML_MODEL_HEADER_SIZE + 3 * TML_MODEL_LAYER_SIZE;
      records_bytes += in_records;
      if (rc != TML_OK) {
        REQUIRE(rc < 0);
        rejected_in_records += in_records;
        continue;
      }
      if (tml_model_arena_size(&model) > (1u << 20)) continue;
      run_guarded(model, std::vector<int8_t>(tml_model_input_size(&model), -3));
    }
  }
  CHECK(rejected_in_records > records_bytes * 85 / 100);
}
