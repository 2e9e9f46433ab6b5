// Fuzz target: the model runner's blob validation (tml_model_init), which stands between any bytes
// that claim to be a model (a file, a flashed header, a damaged copy) and the kernels. The input is a
// blob; the target also tries it with its hash made right, so mutations reach every structural rule
// (the front-end section included) instead of stopping at the checksum. For every blob it accepts:
//   - the model runs (front end, input preparation, every layer, the whole model) in an arena of exactly
//     arena_size bytes, touching nothing outside it (guard words around arena, scratch and output),
//     reading nothing outside the blob (the sanitizers watch the exact-size copy);
//   - labels are NUL-terminated inside the blob; sizes agree with the header;
//   - planning it again (tml_model_plan, as the blob writer does) gives a blob the runner accepts.
#include <cstring>
#include <memory>
#include <vector>

#include "fuzz_target.h"
#include "tml/features.h"
#include "tml/model.h"

namespace {

constexpr uint32_t kGuard = 0xC3C3C3C3u;
constexpr uint64_t kMaxWork = 4000000;  // multiply-accumulates; larger models are validated, not run

// A buffer of `bytes` with guard words on both sides.
struct Guarded {
  std::vector<uint32_t> words;
  size_t bytes;
  explicit Guarded(size_t n) : words((n + 3) / 4 + 8, kGuard), bytes(n) {
    std::memset(data(), 0, n);
  }
  uint8_t* data() { return reinterpret_cast<uint8_t*>(words.data() + 4); }
  bool intact() const {
    for (int i = 0; i < 4; ++i)
      if (words[size_t(i)] != kGuard) return false;
    const uint8_t* end = reinterpret_cast<const uint8_t*>(words.data() + 4) + bytes;
    const uint8_t* stop = reinterpret_cast<const uint8_t*>(words.data() + words.size());
    for (const uint8_t* p = end; p < stop; ++p)
      if (*p != 0xC3) return false;
    return true;
  }
};

uint64_t layer_work(const tml_layer_record& r) {
  const uint64_t out = uint64_t{r.out_time} * r.out_channels;
  switch (r.kind) {
    case TML_LAYER_FULLY_CONNECTED: return out * r.in_time * r.in_channels;
    case TML_LAYER_CONV1D: return (uint64_t{r.out_time} * (r.pool_size ? r.pool_size : 1) + r.pool_stride) *
                                  r.out_channels * r.kernel_size * r.in_channels * (r.pool_stride ? r.pool_stride : 1);
    default: return (out + 1) * (r.kernel_size + 1) + uint64_t{r.in_time} * r.in_channels;
  }
}

void run_accepted(const tml_model& m, const uint8_t* blob_copy, size_t len) {
  const tml_model_header& h = m.header;
  TML_FUZZ_CHECK(h.total_size <= len);
  TML_FUZZ_CHECK(tml_model_input_size(&m) == uint32_t{h.input_time} * h.input_channels);
  const uint32_t classes = tml_model_class_count(&m);  // the class head's (all outputs without a heads table)
  TML_FUZZ_CHECK(classes + tml_model_value_count(&m) <= h.output_channels);
  for (uint32_t i = 0; i < classes; ++i) {
    const char* label = tml_model_label(&m, i);
    if (!h.labels_offset) {
      TML_FUZZ_CHECK(label == nullptr);
      continue;
    }
    TML_FUZZ_CHECK(label != nullptr);
    TML_FUZZ_CHECK(reinterpret_cast<const uint8_t*>(label) >= m.blob &&
                   reinterpret_cast<const uint8_t*>(label) + std::strlen(label) < m.blob + h.total_size);
  }
  TML_FUZZ_CHECK(tml_model_label(&m, classes) == nullptr);
  for (uint32_t i = 0; i < tml_model_value_count(&m); ++i) {
    const char* name = tml_model_value_name(&m, i);
    TML_FUZZ_CHECK(name != nullptr && reinterpret_cast<const uint8_t*>(name) >= m.blob &&
                   reinterpret_cast<const uint8_t*>(name) + std::strlen(name) < m.blob + h.total_size);
  }
  TML_FUZZ_CHECK(tml_model_value_name(&m, tml_model_value_count(&m)) == nullptr);

  // Planned again from its structure, as the blob writer does: the runner accepts the result.
  std::vector<uint32_t> again((len + 3) / 4);
  std::memcpy(again.data(), blob_copy, len);
  TML_FUZZ_CHECK(tml_model_plan(reinterpret_cast<uint8_t*>(again.data()), len) == TML_OK);
  tml_model planned;
  TML_FUZZ_CHECK(tml_model_init(&planned, reinterpret_cast<const uint8_t*>(again.data()), len) == TML_OK);

  uint64_t work = 0;
  for (uint32_t i = 0; i < h.layer_count; ++i) {
    tml_layer_record r;
    TML_FUZZ_CHECK(tml_model_layer(&m, i, &r) == TML_OK);
    work += layer_work(r);
  }
  tml_layer_record past;
  TML_FUZZ_CHECK(tml_model_layer(&m, h.layer_count, &past) == TML_ERR_ARG);
  if (work > kMaxWork || h.arena_size > (1u << 22)) return;

  Guarded arena(h.arena_size);
  int8_t* input = tml_model_input(&m, arena.data());
  if (m.features.kind != TML_FEATURES_NONE) {
    const uint32_t raw_count = tml_features_input_size(&m.features);
    const uint32_t scratch_len = tml_model_features_buffer_size(&m);
    if (raw_count > (1u << 20) || scratch_len > (1u << 24)) return;
    std::vector<float> raw(raw_count);
    for (uint32_t i = 0; i < raw_count; ++i) raw[i] = static_cast<float>(static_cast<int>(i * 2654435761u >> 20) - 2048);
    Guarded scratch(scratch_len);
    TML_FUZZ_CHECK(tml_model_prepare_features(&m, raw.data(), raw.size(), scratch.data(), scratch_len, input) ==
                   TML_OK);
    TML_FUZZ_CHECK(scratch.intact());
    TML_FUZZ_CHECK(tml_model_prepare_features(&m, raw.data(), raw.size() + 1, scratch.data(), scratch_len, input) ==
                   TML_ERR_ARG);
  } else {
    std::vector<float> raw(tml_model_input_size(&m));
    for (size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<float>(i % 7) - 3.0f;
    TML_FUZZ_CHECK(tml_model_prepare_input(&m, raw.data(), raw.size(), input) == TML_OK);
    TML_FUZZ_CHECK(tml_model_prepare_features(&m, raw.data(), raw.size(), nullptr, 0, input) == TML_OK);
  }
  TML_FUZZ_CHECK(arena.intact());
  for (uint32_t i = 0; i < h.layer_count; ++i) {
    TML_FUZZ_CHECK(tml_model_run_layer(&m, arena.data(), h.arena_size, i) == TML_OK);
    TML_FUZZ_CHECK(arena.intact());
  }
  Guarded output(tml_model_output_size(&m));
  TML_FUZZ_CHECK(tml_model_run(&m, arena.data(), h.arena_size, nullptr, reinterpret_cast<int8_t*>(output.data())) ==
                 TML_OK);
  TML_FUZZ_CHECK(arena.intact() && output.intact());
  if (h.arena_size > 0)
    TML_FUZZ_CHECK(tml_model_run(&m, arena.data(), h.arena_size - 1, nullptr, nullptr) == TML_ERR_BUFFER);
}

int check_blob(const uint8_t* bytes, size_t size) {
  // An exact-size copy (operator new aligns it for any scalar): the sanitizers see any read past its end.
  std::unique_ptr<uint8_t[]> copy(new uint8_t[size ? size : 1]);
  uint8_t* blob = copy.get();
  if (size) std::memcpy(blob, bytes, size);
  tml_model m;
  const int rc = tml_model_init(&m, blob, size);
  TML_FUZZ_CHECK(rc == TML_OK || rc == TML_ERR_FORMAT || rc == TML_ERR_VERSION || rc == TML_ERR_CRC ||
                 rc == TML_ERR_UNSUPPORTED);
  if (rc == TML_OK) run_accepted(m, blob, size);
  return rc;
}

}  // namespace

int tml_fuzz_one_input(const uint8_t* data, size_t size) {
  if (size > (1u << 20)) return 0;
  check_blob(data, size);
  // The same blob with its hash made right, when it has a header.
  if (size < TML_MODEL_HEADER_SIZE) return 0;
  tml_model_header h;
  std::memcpy(&h, data, sizeof h);
  if (h.total_size < TML_MODEL_HEADER_SIZE || h.total_size > size) return 0;
  std::vector<uint8_t> fixed(data, data + size);
  const uint32_t hash = tml_model_hash(fixed.data(), h.total_size);
  std::memcpy(fixed.data() + TML_MODEL_HASH_OFFSET, &hash, sizeof hash);
  check_blob(fixed.data(), fixed.size());
  // A blob one byte shorter than its total size is refused, never read past its end.
  if (h.total_size == size) TML_FUZZ_CHECK(check_blob(fixed.data(), size - 1) != TML_OK);
  return 0;
}
