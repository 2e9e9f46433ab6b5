// The blob writer (trainer/blob_writer.h) on the two reference models of bench/MODELS.md with random
// int8 parameters: the blob validates, the arena is exact and as small as fusing allows, a run in
// exactly that arena matches the kernels called one by one, and bad models give clear errors.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "quant_reference.h"
#include "reference_models.h"
#include "tml/kernels.h"
#include "tml/model.h"
#include "tml/trainer/blob_writer.h"
#include "tml/trainer/error.h"

using namespace tml::trainer;
using tml::test::conv1d_model;
using tml::test::dense_model;
using tml::test::random_layer;
using tml::test::random_s8;

namespace {

// The model's layers run through the kernels directly, each into its own buffer: the logits and scores.
std::pair<std::vector<int8_t>, std::vector<int8_t>> run_kernels(const QuantizedModel& m, std::vector<int8_t> x) {
  tml_dims dims = {m.input_time, m.input_channels};
  int zp = m.input_zero_point;
  std::vector<int8_t> logits;
  for (const QuantizedLayer& l : m.layers) {
    const tml_channel_quant q = {l.multiplier.data(), l.shift.data()};
    const int32_t* bias = l.bias.empty() ? nullptr : l.bias.data();
    const tml_act_range act = {l.act_min, l.act_max};
    std::vector<int8_t> y;
    tml_dims out = dims;
    switch (l.kind) {
      case TML_LAYER_CONV1D: {
        const int conv_time = (dims.time + l.pad_left + l.pad_right - l.kernel_size) / l.stride + 1;
        out = {l.pool_size ? (conv_time - l.pool_size) / l.pool_stride + 1 : conv_time, l.units};
        y.resize(size_t(out.time) * out.channels);
        const tml_conv1d_params p = {zp, l.output_zero_point, l.kernel_size, l.stride, l.pad_left,
                                     l.pool_size, l.pool_stride, act};
        tml_conv1d_s8(&p, &q, &dims, x.data(), l.weights.data(), bias, &out, y.data());
        zp = l.output_zero_point;
        break;
      }
      case TML_LAYER_MAX_POOL1D: {
        out = {(dims.time - l.kernel_size) / l.stride + 1, dims.channels};
        y.resize(size_t(out.time) * out.channels);
        const tml_pool_params p = {l.kernel_size, l.stride, 0, act};
        tml_max_pool1d_s8(&p, &dims, x.data(), &out, y.data());
        break;
      }
      case TML_LAYER_FULLY_CONNECTED: {
        out = {1, l.units};
        y.resize(size_t(l.units));
        const tml_fc_params p = {zp, l.output_zero_point, act};
        tml_fully_connected_s8(&p, &q, dims.time * dims.channels, x.data(), l.units, l.weights.data(), bias, y.data());
        zp = l.output_zero_point;
        break;
      }
      case TML_LAYER_SOFTMAX: {
        logits = x;
        y.resize(x.size());
        const tml_softmax_params p = {l.exp_multiplier};
        tml_softmax_s8(&p, &dims, x.data(), y.data());
        break;
      }
      default: FAIL("kind not used in these tests");
    }
    x = std::move(y);
    dims = out;
  }
  return {logits, x};
}

// A run in an arena of exactly the stated size, with guard bytes on both sides that must stay intact.
std::vector<int8_t> run_guarded(const tml_model& model, const std::vector<int8_t>& input) {
  constexpr size_t kGuard = 256;
  const size_t size = tml_model_arena_size(&model);
  std::vector<uint8_t> mem(size + 2 * kGuard, 0x5A);
  std::vector<int8_t> out(tml_model_output_size(&model));
  REQUIRE(tml_model_run(&model, mem.data() + kGuard, size, input.data(), out.data()) == TML_OK);
  for (size_t i = 0; i < kGuard; ++i) {
    REQUIRE(mem[i] == 0x5A);
    REQUIRE(mem[kGuard + size + i] == 0x5A);
  }
  // One byte less is refused before anything is touched.
  std::vector<uint8_t> small(size + kGuard, 0x5A);
  CHECK(tml_model_run(&model, small.data(), size - 1, input.data(), out.data()) == TML_ERR_BUFFER);
  for (uint8_t b : small) REQUIRE(b == 0x5A);
  return out;
}

std::string error_of(const QuantizedModel& m) {
  try {
    write_model_blob(m);
  } catch (const tml::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("blob writer: conv1d reference model / fused pooling / arena of 1600 bytes", "[model_blob]") {
  const QuantizedModel m = conv1d_model(1);
  const std::vector<uint8_t> blob = write_model_blob(m);
  tml_model model;
  REQUIRE(tml_model_init(&model, blob.data(), blob.size()) == TML_OK);
  // Buffers: input 624, conv1+pool [102][8] 816, conv2+pool [49][16] 784, logits 4, scores 4.
  // The largest pair is 816 + 784: the bound of PEERS.md was 1780 (and 2544 for a two-buffer plan).
  CHECK(tml_model_arena_size(&model) == 1600);
  CHECK(model.header.output_channels == 4);
  CHECK(std::string(tml_model_label(&model, 2)) == "updown");
  CHECK(model.header.hash == tml_model_hash(blob.data(), blob.size()));
  CHECK(blob.size() == model.header.total_size);
  // Flash: header and records 320, labels 128, normalisation 24, int8 weights 3896, int32 bias,
  // multipliers and shifts 28 * 12, the softmax multiplier 4 -- no padding needed here.
  CHECK(blob.size() == 320 + 128 + 24 + 3896 + 336 + 4);

  std::mt19937 rng(7);
  for (int rep = 0; rep < 5; ++rep) {
    const auto input = random_s8(rng, 624);
    const auto [logits, scores] = run_kernels(m, input);
    CHECK(run_guarded(model, input) == scores);
    std::vector<uint8_t> arena(tml_model_arena_size(&model));
    REQUIRE(tml_model_run(&model, arena.data(), arena.size(), input.data(), nullptr) == TML_OK);
    const int8_t* l = tml_model_logits(&model, arena.data());
    CHECK(std::vector<int8_t>(l, l + 4) == logits);
    CHECK(model.logits_scale == 0.1f);
    CHECK(model.logits_zero_point == 5);
  }
}

TEST_CASE("blob writer: unfused pooling gives the same bytes out with a larger arena", "[model_blob]") {
  const std::vector<uint8_t> fused_blob = write_model_blob(conv1d_model(2, true));
  const std::vector<uint8_t> unfused_blob = write_model_blob(conv1d_model(2, false));
  tml_model fused, unfused;
  REQUIRE(tml_model_init(&fused, fused_blob.data(), fused_blob.size()) == TML_OK);
  REQUIRE(tml_model_init(&unfused, unfused_blob.data(), unfused_blob.size()) == TML_OK);
  // Unfused, conv1's [204][8] output lives next to the pooled [102][8]: 1632 + 816.
  CHECK(tml_model_arena_size(&unfused) == 2448);
  CHECK(tml_model_arena_size(&fused) == 1600);
  std::mt19937 rng(8);
  for (int rep = 0; rep < 3; ++rep) {
    const auto input = random_s8(rng, 624);
    CHECK(run_guarded(fused, input) == run_guarded(unfused, input));
  }
}

TEST_CASE("blob writer: dense reference model / arena of 656 bytes", "[model_blob]") {
  const QuantizedModel m = dense_model(3);
  const std::vector<uint8_t> blob = write_model_blob(m);
  tml_model model;
  REQUIRE(tml_model_init(&model, blob.data(), blob.size()) == TML_OK);
  CHECK(tml_model_arena_size(&model) == 624 + 32);
  CHECK(tml_model_label(&model, 0) == nullptr);
  std::mt19937 rng(9);
  for (int rep = 0; rep < 5; ++rep) {
    const auto input = random_s8(rng, 624);
    CHECK(run_guarded(model, input) == run_kernels(m, input).second);
  }
}

TEST_CASE("blob writer: the same model gives the same bytes records carry every field", "[model_blob]") {
  const QuantizedModel m = conv1d_model(4);
  const auto a = write_model_blob(m);
  CHECK(write_model_blob(m) == a);
  tml_model model;
  REQUIRE(tml_model_init(&model, a.data(), a.size()) == TML_OK);
  tml_layer_record r;
  REQUIRE(tml_model_layer(&model, 1, &r) == TML_OK);
  CHECK(r.kind == TML_LAYER_CONV1D);
  CHECK((r.in_time == 102 && r.in_channels == 8 && r.out_time == 49 && r.out_channels == 16));
  CHECK((r.kernel_size == 5 && r.stride == 1 && r.pool_size == 2 && r.pool_stride == 2));
  CHECK((r.act_min == -128 && r.input_zero_point == -128 && r.output_zero_point == -128));
  CHECK(r.weights_offset % 4 == 0);
  CHECK(std::memcmp(a.data() + r.weights_offset, m.layers[1].weights.data(), m.layers[1].weights.size()) == 0);
  CHECK(std::memcmp(a.data() + r.multiplier_offset, m.layers[1].multiplier.data(), 16 * 4) == 0);
  REQUIRE(tml_model_layer(&model, 3, &r) == TML_OK);
  CHECK(r.kind == TML_LAYER_SOFTMAX);
  CHECK(std::memcmp(a.data() + r.multiplier_offset, &m.layers[3].exp_multiplier, 4) == 0);
  // Normalisation round trip: prepare_input uses the stored mean and inv_std.
  std::vector<float> raw(624);
  for (size_t i = 0; i < raw.size(); ++i) raw[i] = float(i % 7) - 3.0f;
  std::vector<int8_t> q(624);
  REQUIRE(tml_model_prepare_input(&model, raw.data(), raw.size(), q.data()) == TML_OK);
  for (size_t i = 0; i < raw.size(); ++i) {
    const size_t c = i % 3;
    const float v = (raw[i] - m.mean[c]) * m.inv_std[c] / m.input_scale;
    const double expect = std::fmin(std::fmax(std::round(double(v)) + m.input_zero_point, -128), 127);
    REQUIRE(q[i] == int8_t(expect));
  }
}

TEST_CASE("blob writer: mistakes are reported with the layer and the field", "[model_blob]") {
  const QuantizedModel good = conv1d_model(5);
  {
    auto m = good;
    m.layers[0].weights.pop_back();
    CHECK_THAT(error_of(m), Catch::Contains("layer 0 (conv1d): weights has 119 values, expected 120"));
  }
  {
    auto m = good;
    m.layers[2].weights[3] = -128;
    CHECK_THAT(error_of(m), Catch::Contains("layer 2 (fully_connected): weight -128"));
  }
  {
    auto m = good;
    m.layers[1].kernel_size = 200;
    CHECK_THAT(error_of(m), Catch::Contains("layer 1 (conv1d): impossible geometry"));
  }
  {
    auto m = good;
    m.layers[0].pad_left = 5;  // not below the kernel size
    CHECK_THAT(error_of(m), Catch::Contains("layer 0 (conv1d): impossible geometry"));
  }
  {
    auto m = good;
    m.labels.push_back("extra");
    CHECK_THAT(error_of(m), Catch::Contains("5 labels for 4 class outputs"));
  }
  {
    auto m = good;
    m.labels[1] = std::string(32, 'x');
    CHECK_THAT(error_of(m), Catch::Contains("longer than the 31 bytes"));
  }
  {
    auto m = good;
    m.mean.pop_back();
    CHECK_THAT(error_of(m), Catch::Contains("normalisation"));
  }
  {
    auto m = good;
    m.layers[2].bias[1] = 2140000000;  // the int32 accumulator could overflow
    CHECK_THAT(error_of(m), Catch::Contains("the runner rejects the model"));
  }
  {
    auto m = conv1d_model(5, false);
    m.layers[1].output_scale = 0.5f;
    CHECK_THAT(error_of(m), Catch::Contains("layer 1 (max_pool1d): pooling keeps"));
  }
  {
    auto m = good;
    m.layers[2].stride = 1;
    CHECK_THAT(error_of(m), Catch::Contains("layer 2 (fully_connected): this kind of layer has no kernel_size"));
  }
  {
    auto m = good;
    m.layers[3].exp_multiplier = 0;
    CHECK_THAT(error_of(m), Catch::Contains("layer 3 (softmax): exp_multiplier 0"));
  }
  {
    auto m = good;
    m.layers.clear();
    CHECK_THAT(error_of(m), Catch::Contains("no layers"));
  }
  CHECK_THROWS_AS(softmax_layer(100.0), tml::Error);
  CHECK_THROWS_AS(pooling_layer(TML_LAYER_CONV1D, 2, 2), tml::Error);
  QuantizedLayer l;
  CHECK_THROWS_AS(set_requantization(l, 0.0, {0.1}, 0.1), tml::Error);
}

TEST_CASE("blob writer: global average pooling and same padding build and run", "[model_blob]") {
  std::mt19937 rng(6);
  QuantizedModel m;
  m.input_time = 31;
  m.input_channels = 2;
  m.input_scale = 0.05f;
  m.input_zero_point = 0;
  QuantizedLayer conv = random_layer(rng, TML_LAYER_CONV1D, 6, 3 * 2, 0.05, 0.04, -20, true);
  conv.kernel_size = 3;
  conv.stride = 2;
  conv.pad_left = 1;  // TFLite "same": 16 steps
  conv.pad_right = 1;
  m.layers.push_back(conv);
  m.layers.push_back(pooling_layer(TML_LAYER_AVG_POOL1D, 2, 2, 0, 1));  // same: 8 steps
  m.layers.push_back(pooling_layer(TML_LAYER_GLOBAL_AVG_POOL1D));
  m.layers.push_back(random_layer(rng, TML_LAYER_FULLY_CONNECTED, 3, 6, 0.04, 0.1, 0, false));
  const auto blob = write_model_blob(m);
  tml_model model;
  REQUIRE(tml_model_init(&model, blob.data(), blob.size()) == TML_OK);
  tml_layer_record r;
  REQUIRE(tml_model_layer(&model, 0, &r) == TML_OK);
  CHECK(r.out_time == 16);
  REQUIRE(tml_model_layer(&model, 1, &r) == TML_OK);
  CHECK(r.out_time == 8);
  CHECK(model.logits_arena_offset == model.output_arena_offset);  // no softmax: the logits are the output
  const auto input = random_s8(rng, 62);
  const auto out = run_guarded(model, input);
  CHECK(out.size() == 3);
}

TEST_CASE("blob writer: corrupting the conv1d blob is always caught or harmless", "[model_blob]") {
  const auto good = write_model_blob(conv1d_model(10));
  tml_model model;
  // With the hash as written: every single-byte change is rejected.
  for (size_t i = 0; i < good.size(); ++i) {
    auto b = good;
    b[i] ^= 0x41;
    REQUIRE(tml_model_init(&model, b.data(), b.size()) < 0);
  }
  // Truncated anywhere: rejected.
  for (size_t len = 0; len < good.size(); len += 7) REQUIRE(tml_model_init(&model, good.data(), len) == TML_ERR_FORMAT);
  // Header and records changed, hash recomputed: rejected, or valid and then runs inside its arena.
  const auto input = std::vector<int8_t>(624, 3);
  int rejected = 0, total = 0;
  for (size_t i = 0; i < 64 + 4 * 64; ++i) {
    if (i - TML_MODEL_HASH_OFFSET < 4) continue;
    for (uint8_t mask : {0x01, 0x04, 0x80}) {
      auto b = good;
      b[i] ^= mask;
      const uint32_t h = tml_model_hash(b.data(), b.size());
      std::memcpy(b.data() + TML_MODEL_HASH_OFFSET, &h, 4);
      ++total;
      const int rc = tml_model_init(&model, b.data(), b.size());
      if (rc != TML_OK) {
        ++rejected;
        continue;
      }
      if (tml_model_arena_size(&model) <= (1u << 20) && tml_model_input_size(&model) == input.size())
        run_guarded(model, input);
    }
  }
  CHECK(rejected > total * 85 / 100);
}
