// Flash and RAM of a model blob, per layer and in total, read from the blob: the parts add up to the
// blob's size, the arena is the largest layer's live bytes, and the reference models give the figures of
// bench/MODELS.md.
#include <algorithm>
#include <catch2/catch.hpp>

#include "reference_models.h"
#include "tml/trainer/blob_size.h"
#include "tml/trainer/error.h"

using namespace tml::trainer;

TEST_CASE("the conv1d reference model's flash and RAM add up", "[model_size]") {
  const auto blob = write_model_blob(tml::test::conv1d_model(3));
  const ModelSize s = model_size(blob);
  REQUIRE(s.layers.size() == 4);
  CHECK(s.params == 3924);
  CHECK(s.macs == 90336);
  CHECK(s.layers[0].macs == 24480);
  CHECK(s.layers[1].macs == 62720);
  CHECK(s.layers[2].macs == 3136);
  CHECK(s.layers[0].params == 128);
  CHECK(s.layers[0].weight_bytes == 120);
  CHECK(s.layers[0].bias_bytes == 32);
  CHECK(s.layers[0].requant_bytes == 64);
  CHECK(s.layers[0].record_bytes == 64);
  CHECK(s.layers[0].input_bytes == 624);   // [208][3]
  CHECK(s.layers[0].output_bytes == 816);  // [102][8]
  CHECK(s.layers[3].requant_bytes == 4);   // softmax: its exp multiplier
  CHECK(s.labels_bytes == 4 * 32);
  CHECK(s.normalization_bytes == 24);
  CHECK(s.flash_bytes == blob.size());
  uint32_t flash = s.header_bytes + s.labels_bytes + s.normalization_bytes + s.padding_bytes, ram = 0;
  for (const auto& l : s.layers) {
    flash += l.flash_bytes();
    ram = std::max(ram, l.ram_bytes());
  }
  CHECK(flash == s.flash_bytes);
  CHECK(ram == s.arena_bytes);
  CHECK(s.arena_bytes == 1600);  // layer 2: 816 in + 784 out
  CHECK(s.parameter_bytes() + s.descriptor_bytes() == s.flash_bytes);
  CHECK(s.descriptor_bytes() == 64 + 4 * 64 + 128 + 24 + s.padding_bytes);
}

TEST_CASE("the dense reference model's flash and RAM add up", "[model_size]") {
  const auto blob = write_model_blob(tml::test::dense_model(3));
  const ModelSize s = model_size(blob);
  CHECK(s.params == 20596);
  CHECK(s.macs == 20544);
  CHECK(s.labels_bytes == 0);
  CHECK(s.normalization_bytes == 0);
  CHECK(s.arena_bytes == 624 + 32);
  CHECK(s.flash_bytes == blob.size());
  CHECK(s.parameter_bytes() == 20544 + 4 * (32 + 16 + 4) + 8 * (32 + 16 + 4) + 4);
}

TEST_CASE("an invalid blob has no size", "[model_size]") {
  auto blob = write_model_blob(tml::test::dense_model(3));
  blob[70] ^= 1;
  CHECK_THROWS_AS(model_size(blob), tml::Error);
}
