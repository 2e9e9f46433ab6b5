// Whole models through both kernel sets: the two reference models (tests/support/reference_models.h,
// random parameters, blobs from the trainer's writer; what bench_kernels measures on the board) run by
// the runner with this build's kernels, and layer by layer with the reference kernels and with the
// optimized ones -- every layer's output equal byte for byte.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <vector>

#include "quant_reference.h"
#include "reference_models.h"
#include "tml/kernels.h"
#include "tml/model.h"

using tml::test::random_s8;

namespace {

enum class Set { kReference, kOptimized };

// The runner's job for one layer, as model.cc does it, but with the conv1d and dense kernels of `set`.
void run_layer_with(Set set, const tml_model& model, uint32_t index, uint8_t* arena) {
  tml_layer_record r;
  REQUIRE(tml_model_layer(&model, index, &r) == TML_OK);
  const int8_t* in = reinterpret_cast<const int8_t*>(arena + r.input_arena_offset);
  int8_t* out = reinterpret_cast<int8_t*>(arena + r.output_arena_offset);
  const tml_dims in_dims = {r.in_time, r.in_channels}, out_dims = {r.out_time, r.out_channels};
  const auto i32 = [&](uint32_t offset) -> const int32_t* {
    if (!offset) return nullptr;
    return reinterpret_cast<const int32_t*>(model.blob + offset);
  };
  const auto* weights = reinterpret_cast<const int8_t*>(model.blob + r.weights_offset);
  const tml_channel_quant quant = {i32(r.multiplier_offset), i32(r.shift_offset)};
  const tml_act_range act = {r.act_min, r.act_max};
  switch (r.kind) {
    case TML_LAYER_CONV1D: {
      const tml_conv1d_params p = {r.input_zero_point, r.output_zero_point, r.kernel_size, r.stride, r.pad_left,
                                   r.pool_size, r.pool_stride, act};
      (set == Set::kReference ? tml_conv1d_s8_ref : tml_conv1d_s8_opt)(&p, &quant, &in_dims, in, weights,
                                                                        i32(r.bias_offset), &out_dims, out);
      break;
    }
    case TML_LAYER_FULLY_CONNECTED: {
      const tml_fc_params p = {r.input_zero_point, r.output_zero_point, act};
      (set == Set::kReference ? tml_fully_connected_s8_ref : tml_fully_connected_s8_opt)(
          &p, &quant, in_dims.time * in_dims.channels, in, out_dims.channels, weights, i32(r.bias_offset), out);
      break;
    }
    case TML_LAYER_SOFTMAX: {
      const tml_softmax_params p = {*i32(r.multiplier_offset)};
      tml_softmax_s8(&p, &in_dims, in, out);
      break;
    }
    default: FAIL("kind not in the reference models");
  }
}

void check_model(const tml::trainer::QuantizedModel& m, uint32_t seed) {
  const std::vector<uint8_t> blob = tml::trainer::write_model_blob(m);
  tml_model model;
  REQUIRE(tml_model_init(&model, blob.data(), blob.size()) == TML_OK);
  const size_t arena_size = tml_model_arena_size(&model);
  std::mt19937 rng(seed);
  for (int rep = 0; rep < 10; ++rep) {
    const auto input = random_s8(rng, tml_model_input_size(&model));
    std::vector<uint8_t> by_runner(arena_size), by_ref(arena_size), by_opt(arena_size);
    REQUIRE(tml_model_run(&model, by_runner.data(), arena_size, input.data(), nullptr) == TML_OK);
    std::memcpy(tml_model_input(&model, by_ref.data()), input.data(), input.size());
    std::memcpy(tml_model_input(&model, by_opt.data()), input.data(), input.size());
    for (uint32_t i = 0; i < model.header.layer_count; ++i) {
      run_layer_with(Set::kReference, model, i, by_ref.data());
      run_layer_with(Set::kOptimized, model, i, by_opt.data());
      tml_layer_record r;
      REQUIRE(tml_model_layer(&model, i, &r) == TML_OK);
      const size_t n = size_t(r.out_time) * r.out_channels;
      INFO("layer " << i);
      REQUIRE(std::memcmp(by_ref.data() + r.output_arena_offset, by_opt.data() + r.output_arena_offset, n) == 0);
    }
    const size_t out = tml_model_output_size(&model);
    CHECK(std::memcmp(tml_model_output(&model, by_ref.data()), tml_model_output(&model, by_runner.data()), out) == 0);
    CHECK(std::memcmp(tml_model_output(&model, by_opt.data()), tml_model_output(&model, by_runner.data()), out) == 0);
  }
}

}  // namespace

TEST_CASE("kernel sets: the conv1d reference model gives the same bytes with both sets", "[kernel_sets][models]") {
  for (uint32_t seed = 1; seed <= 3; ++seed) check_model(tml::test::conv1d_model(seed), seed);
}

TEST_CASE("kernel sets: the dense reference model gives the same bytes with both sets", "[kernel_sets][models]") {
  for (uint32_t seed = 1; seed <= 3; ++seed) check_model(tml::test::dense_model(seed), seed);
}
