// The model runner: blob validation, the static arena planner, input preparation and execution.
// Layout and rules: tml/model_format.h and docs/model_format.md.
#include "tml/model.h"

#include <cstring>

#include "blob_fields.h"
#include "model_heads.h"
#include "tml/kernels.h"

// The front-end validation (features.cc) is linked only into applications that compute features: any
// call of a tml_features_* or tml_audio_* function, or of tml_model_prepare_features, brings it in.
// Here it is a weak reference, null when nothing else links it -- then a blob with a front end is
// refused with TML_ERR_UNSUPPORTED -- so the runner of models without a front end stays as small as it was.
extern "C" int tml_features_init(tml_features* fe, const void* section, size_t len) __attribute__((weak));
// Likewise the anomaly block's validation (anomaly.cc), linked by any call of tml_model_anomaly or of a
// tml_anomaly_* function.
extern "C" int tml_anomaly_init(tml_anomaly* a, const void* block, size_t len) __attribute__((weak));
// Likewise the output heads table's validation (model_heads.cc), linked by any call of
// tml_model_values, tml_model_value_count, tml_model_value_name or tml_model_class_scores.
extern "C" int tml_heads_check(const uint8_t* table, size_t len, uint32_t output_time, uint32_t output_channels,
                               float output_scale, tml_heads_info* info) __attribute__((weak));

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the model blob is little-endian and read in place: a big-endian target needs byte swapping"
#endif

namespace tml {
namespace {

constexpr uint32_t kFnvOffset = 2166136261u;
constexpr uint32_t kFnvPrime = 16777619u;
constexpr uint32_t kMaxAccumulatorProduct = 255 * 127;  // |input - zero point| * |weight|

uint64_t align4(uint64_t v) { return (v + 3) & ~uint64_t{3}; }

using blob::finite;
using blob::positive_finite;
using blob::read_f32;
using blob::read_i32;

// Not inlined: one copy loop instead of one per caller (code size).
__attribute__((noinline)) tml_layer_record read_layer(const uint8_t* blob, uint32_t index) {
  tml_layer_record r;
  memcpy(&r, blob + TML_MODEL_HEADER_SIZE + index * TML_MODEL_LAYER_SIZE, sizeof r);
  return r;
}


// time * channels of two u16 dimensions: at most 65535^2, which fits in 32 bits.
uint32_t elements(uint32_t time, uint32_t channels) { return time * channels; }

// Scratch this build's kernels need for a (structurally valid) layer.
uint32_t kernel_scratch(const tml_layer_record& r) {
  const tml_dims in = {r.in_time, r.in_channels};
  const tml_dims out = {r.out_time, r.out_channels};
  int32_t bytes = 0;
  switch (r.kind) {
    case TML_LAYER_FULLY_CONNECTED:
      bytes = tml_fully_connected_s8_buffer_size(in.time * in.channels, out.channels);
      break;
    case TML_LAYER_CONV1D: bytes = tml_conv1d_s8_buffer_size(&in, r.kernel_size, &out); break;
    case TML_LAYER_DEPTHWISE_CONV1D: bytes = tml_depthwise_conv1d_s8_buffer_size(&in, r.kernel_size, &out); break;
    case TML_LAYER_MAX_POOL1D: bytes = tml_max_pool1d_s8_buffer_size(&in, &out); break;
    case TML_LAYER_AVG_POOL1D: bytes = tml_avg_pool1d_s8_buffer_size(&in, &out); break;
    case TML_LAYER_GLOBAL_AVG_POOL1D: bytes = tml_global_avg_pool1d_s8_buffer_size(&in); break;
    default: bytes = tml_softmax_s8_buffer_size(&in); break;
  }
  return bytes > 0 ? static_cast<uint32_t>(bytes) : 0;
}

// What a layer's input must match: the previous layer's output, or the model input.
struct Link {
  uint32_t time;
  uint32_t channels;
  int32_t zero_point;
  float scale;
  uint32_t arena_offset;
};

class Validator {
 public:
  Validator(const uint8_t* blob, const tml_model_header& h)
      : blob_(blob), h_(h), data_start_(TML_MODEL_HEADER_SIZE + uint32_t{h.layer_count} * TML_MODEL_LAYER_SIZE) {}

  // An array of `bytes` bytes at `offset` lies in the data region, 4-aligned.
  bool array_ok(uint32_t offset, uint32_t bytes) const {
    return offset % TML_MODEL_ALIGN == 0 && offset >= data_start_ && offset <= h_.total_size &&
           bytes <= h_.total_size - offset;
  }

  bool data_start_ok() const { return data_start_ <= h_.total_size; }

  // Labels (one per class: `label_count`) and normalisation.
  int check_header_extras(uint32_t label_count) const {
    if (h_.labels_offset) {
      if (!label_count || !array_ok(h_.labels_offset, label_count * TML_MODEL_LABEL_SIZE)) return TML_ERR_FORMAT;
      for (uint32_t i = 0; i < label_count; ++i) {
        const uint8_t* label = blob_ + h_.labels_offset + i * TML_MODEL_LABEL_SIZE;
        if (!memchr(label, 0, TML_MODEL_LABEL_SIZE)) return TML_ERR_FORMAT;
      }
    }
    if (h_.norm_offset) {
      if (!array_ok(h_.norm_offset, uint32_t{h_.input_channels} * 8)) return TML_ERR_FORMAT;
      for (uint32_t i = 0; i < 2u * h_.input_channels; ++i)
        if (!finite(read_f32(blob_, h_.norm_offset, i))) return TML_ERR_FORMAT;
    }
    return TML_OK;
  }

  // Weights, bias and requantization of a fully connected or conv1d layer with dot products of
  // `dot_length` terms.
  // 32-bit arithmetic: a dot length is a product of two u16 fields and n is one (n >= 1, checked with
  // the output shape); the weights' size, which may not fit, is compared by division.
  int check_parameters(const tml_layer_record& r, uint32_t dot_length) const {
    const uint32_t n = r.out_channels;
    // Worst-case |sum of products|; with the bias it must fit in an int32.
    if (dot_length > INT32_MAX / kMaxAccumulatorProduct) return TML_ERR_FORMAT;
    const uint32_t worst = dot_length * kMaxAccumulatorProduct;
    if (!array_ok(r.weights_offset, 0) || dot_length > (h_.total_size - r.weights_offset) / n) return TML_ERR_FORMAT;
    const uint32_t weight_count = dot_length * n;  // <= total_size
    const int8_t* w = reinterpret_cast<const int8_t*>(blob_ + r.weights_offset);
    for (uint32_t i = 0; i < weight_count; ++i)
      if (w[i] == -128) return TML_ERR_FORMAT;  // symmetric weights: -127 .. 127
    if (r.bias_offset) {
      if (!array_ok(r.bias_offset, n * 4)) return TML_ERR_FORMAT;
      for (uint32_t c = 0; c < n; ++c) {
        const int32_t b = read_i32(blob_, r.bias_offset, c);
        const uint32_t magnitude = b < 0 ? 0u - static_cast<uint32_t>(b) : static_cast<uint32_t>(b);
        if (magnitude > INT32_MAX - worst) return TML_ERR_FORMAT;
      }
    }
    if (!array_ok(r.multiplier_offset, n * 4) || !array_ok(r.shift_offset, n * 4)) return TML_ERR_FORMAT;
    for (uint32_t c = 0; c < n; ++c) {
      const int32_t m = read_i32(blob_, r.multiplier_offset, c);
      const int32_t s = read_i32(blob_, r.shift_offset, c);
      if ((m != 0 && m < (1 << 30)) || s < -31 || s > 30) return TML_ERR_FORMAT;
    }
    return TML_OK;
  }

  int check_layer(const tml_layer_record& r, const Link& in) const {
    if (r.flags || r.reserved) return TML_ERR_FORMAT;
    if (r.in_time != in.time || r.in_channels != in.channels || r.input_zero_point != in.zero_point)
      return TML_ERR_FORMAT;
    if (!positive_finite(r.output_scale) || r.act_min > r.act_max) return TML_ERR_FORMAT;
    tml_dims out;
    if (tml_layer_output_dims(&r, &out) != TML_OK) return TML_ERR_FORMAT;
    if (uint32_t{r.out_time} != static_cast<uint32_t>(out.time) ||
        uint32_t{r.out_channels} != static_cast<uint32_t>(out.channels))
      return TML_ERR_FORMAT;

    // The optional fields a kind may set (tml_layer_output_dims has rejected unknown kinds).
    enum : uint8_t { kGeometry = 1, kPool = 2, kParameters = 4, kMultiplier = 8, kSameQuant = 16 };
    static constexpr uint8_t kRules[8] = {
        0,
        kParameters | kMultiplier,                       // fully connected
        kGeometry | kPool | kParameters | kMultiplier,   // conv1d
        kGeometry | kSameQuant,                          // max pool
        kGeometry | kSameQuant,                          // average pool
        kSameQuant,                                      // global average pool
        kMultiplier,                                     // softmax
        kGeometry | kParameters | kMultiplier,           // depthwise conv1d
    };
    const uint8_t rules = kRules[r.kind];
    const uint32_t used = ((r.kernel_size | r.stride | r.pad_left | r.pad_right) ? kGeometry : 0) |
                          ((r.pool_size | r.pool_stride) ? kPool : 0) |
                          ((r.weights_offset | r.bias_offset | r.shift_offset) ? kParameters : 0) |
                          (r.multiplier_offset ? kMultiplier : 0);
    if (used & ~rules) return TML_ERR_FORMAT;
    if ((rules & kSameQuant) && (r.output_zero_point != r.input_zero_point || r.output_scale != in.scale))
      return TML_ERR_FORMAT;
    if (rules & kParameters) {
      // The terms of one output's dot product: conv1d kernel x in_channels, dense the whole input,
      // depthwise the kernel taps of one channel (its [kernel][channels] weights: out_channels each).
      if (r.kind == TML_LAYER_DEPTHWISE_CONV1D) return check_parameters(r, r.kernel_size);
      const uint32_t dot_steps = r.kind == TML_LAYER_CONV1D ? r.kernel_size : r.in_time;
      return check_parameters(r, elements(dot_steps, r.in_channels));
    }
    if (r.kind == TML_LAYER_SOFTMAX) {
      if (r.output_zero_point != TML_SOFTMAX_OUTPUT_ZERO_POINT || r.output_scale != TML_SOFTMAX_OUTPUT_SCALE ||
          r.act_min != -128 || r.act_max != 127 || !array_ok(r.multiplier_offset, 4))
        return TML_ERR_FORMAT;
      const int32_t m = read_i32(blob_, r.multiplier_offset, 0);
      if (m < 1 || m > TML_SOFTMAX_MAX_EXP_MULTIPLIER) return TML_ERR_FORMAT;
    }
    return TML_OK;
  }

  // The stored arena plan: every buffer inside the arena, 4-aligned, and a layer's input, output and
  // scratch pairwise disjoint. The input of a layer is the output of the previous one. `kept` is a
  // region no later layer may touch (the model input when an anomaly block reads it after the run;
  // size 0 otherwise).
  int check_plan(const tml_layer_record& r, const Link& in, uint32_t kept_begin, uint32_t kept_size) const {
    if (r.scratch_size < kernel_scratch(r)) return TML_ERR_UNSUPPORTED;
    if (r.input_arena_offset != in.arena_offset) return TML_ERR_FORMAT;
    if (r.scratch_size == 0 && r.scratch_arena_offset != 0) return TML_ERR_FORMAT;
    // 32-bit arithmetic throughout: a product of two u16 dimensions fits, and every end is computed
    // only after it is known not to pass the arena size.
    const uint32_t begin[3] = {r.input_arena_offset, r.output_arena_offset, r.scratch_arena_offset};
    const uint32_t size[3] = {elements(r.in_time, r.in_channels), elements(r.out_time, r.out_channels), r.scratch_size};
    for (int i = 0; i < 3; ++i)
      if (begin[i] % TML_MODEL_ALIGN || size[i] > h_.arena_size || begin[i] > h_.arena_size - size[i])
        return TML_ERR_FORMAT;
    for (int i = 0; i < 3; ++i)
      for (int j = i + 1; j < 3; ++j)
        if (size[i] && size[j] && begin[i] < begin[j] + size[j] && begin[j] < begin[i] + size[i]) return TML_ERR_FORMAT;
    for (int i = 0; i < 3; ++i)
      if (kept_size && size[i] && begin[i] < kept_begin + kept_size && kept_begin < begin[i] + size[i])
        return TML_ERR_FORMAT;
    return TML_OK;
  }

 private:
  const uint8_t* blob_;
  const tml_model_header& h_;
  uint32_t data_start_;
};

// Everything tml_model_init checks; the hash and the arena plan only when `full`.
int validate(const uint8_t* blob, size_t len, bool full, tml_model* model) {
  if (!blob || reinterpret_cast<uintptr_t>(blob) % TML_MODEL_ALIGN) return TML_ERR_ARG;
  if (len < TML_MODEL_HEADER_SIZE) return TML_ERR_FORMAT;
  tml_model_header h;
  memcpy(&h, blob, sizeof h);
  if (h.magic != TML_MODEL_MAGIC) return TML_ERR_FORMAT;
  if (h.version < TML_MODEL_VERSION_MIN || h.version > TML_MODEL_VERSION) return TML_ERR_VERSION;
  if (h.total_size < TML_MODEL_HEADER_SIZE || h.total_size > len) return TML_ERR_FORMAT;
  if (full && tml_model_hash(blob, h.total_size) != h.hash) return TML_ERR_CRC;
  if (h.header_size != TML_MODEL_HEADER_SIZE || h.layer_size != TML_MODEL_LAYER_SIZE) return TML_ERR_FORMAT;

  // No layers only for a K-means block alone (checked with the block below).
  if (h.layer_count > TML_MODEL_MAX_LAYERS || (h.layer_count < 1 && !h.anomaly_offset)) return TML_ERR_FORMAT;
  if (h.reserved0 || (h.version < 3 && h.heads_offset) || (h.version < 2 && h.features_offset) ||
      (h.version < 2 && h.anomaly_offset))
    return TML_ERR_FORMAT;
  if (!h.input_time || !h.input_channels || !positive_finite(h.input_scale) || !positive_finite(h.output_scale))
    return TML_ERR_FORMAT;
  const Validator v(blob, h);
  if (!v.data_start_ok()) return TML_ERR_FORMAT;
  // The heads describe the network's output: a model without layers has none to split.
  tml_heads_info heads;
  memset(&heads, 0, sizeof heads);
  int rc = TML_OK;
  if (h.heads_offset) {
    if (h.layer_count < 1 || !v.array_ok(h.heads_offset, TML_HEADS_RECORD_SIZE)) return TML_ERR_FORMAT;
    if (!tml_heads_check) return TML_ERR_UNSUPPORTED;
    rc = tml_heads_check(blob + h.heads_offset, h.total_size - h.heads_offset, h.output_time, h.output_channels,
                         h.output_scale, &heads);
    if (rc != TML_OK) return rc;
  }
  // Labels name the class head's channels; without a heads table every output channel.
  rc = v.check_header_extras(h.heads_offset ? heads.class_channels : h.output_channels);
  if (rc != TML_OK) return rc;
  tml_features features;
  memset(&features, 0, sizeof features);
  if (h.features_offset) {
    // The section lies in the data region; it writes exactly the network input.
    if (!tml_features_init) return TML_ERR_UNSUPPORTED;
    if (!v.array_ok(h.features_offset, TML_FEATURES_RECORD_SIZE) ||
        tml_features_init(&features, blob + h.features_offset, h.total_size - h.features_offset) != TML_OK)
      return TML_ERR_FORMAT;
    const tml_audio_features_record& common = features.record.audio;
    if (common.out_time != h.input_time || common.out_channels != h.input_channels) return TML_ERR_FORMAT;
  }
  tml_anomaly anomaly;
  memset(&anomaly, 0, sizeof anomaly);
  const uint32_t input_size = elements(h.input_time, h.input_channels);
  if (h.anomaly_offset) {
    // The block lies in the data region and scores exactly the network input; only K-means needs no layers.
    if (!v.array_ok(h.anomaly_offset, TML_ANOMALY_RECORD_SIZE)) return TML_ERR_FORMAT;
    if (!tml_anomaly_init) return TML_ERR_UNSUPPORTED;
    if (tml_anomaly_init(&anomaly, blob + h.anomaly_offset, h.total_size - h.anomaly_offset) != TML_OK ||
        anomaly.record.dims != input_size || (h.layer_count == 0 && anomaly.kind != TML_ANOMALY_KMEANS))
      return TML_ERR_FORMAT;
  }

  Link link = {h.input_time, h.input_channels, h.input_zero_point, h.input_scale, 0};
  tml_layer_record r = {};
  for (uint32_t i = 0; i < h.layer_count; ++i) {
    r = read_layer(blob, i);
    rc = v.check_layer(r, link);
    if (rc != TML_OK) return rc;
    if (full) {
      if (i == 0) link.arena_offset = r.input_arena_offset;
      // With an anomaly block, layers after the first must leave the model input alone.
      const bool keep = h.anomaly_offset && i > 0;
      rc = v.check_plan(r, link, keep ? read_layer(blob, 0).input_arena_offset : 0, keep ? input_size : 0);
      if (rc != TML_OK) return rc;
    }
    if (r.kind == TML_LAYER_SOFTMAX && i + 1 == h.layer_count && model) {
      model->logits_arena_offset = r.input_arena_offset;
      model->logits_scale = link.scale;
      model->logits_zero_point = static_cast<int8_t>(link.zero_point);
    }
    link = {r.out_time, r.out_channels, r.output_zero_point, r.output_scale, r.output_arena_offset};
  }
  if (h.output_time != link.time || h.output_channels != link.channels || h.output_zero_point != link.zero_point ||
      h.output_scale != link.scale)
    return TML_ERR_FORMAT;
  // An autoencoder reconstructs its input in the input's quantization.
  if (anomaly.kind == TML_ANOMALY_AUTOENCODER &&
      (elements(h.output_time, h.output_channels) != input_size || h.output_zero_point != h.input_zero_point ||
       h.output_scale != h.input_scale))
    return TML_ERR_FORMAT;
  // Without layers the arena holds the input alone, which is also the output.
  if (full && h.layer_count == 0 && h.arena_size < input_size) return TML_ERR_FORMAT;
  // An autoencoder's output is its input's reconstruction, not predictions to split into heads; a
  // softmax over values would mix them into one distribution.
  if (h.heads_offset && (anomaly.kind == TML_ANOMALY_AUTOENCODER || (heads.value_count && r.kind == TML_LAYER_SOFTMAX)))
    return TML_ERR_FORMAT;

  if (model) {
    model->blob = blob;
    model->header = h;
    model->features = features;
    model->anomaly = anomaly;
    model->class_channels = static_cast<uint16_t>(heads.class_channels);
    model->value_count = static_cast<uint8_t>(heads.value_count);
    model->values_offset = heads.value_count ? h.heads_offset + heads.first_value : 0;
    model->class_exp_multiplier = heads.class_exp_multiplier;
    model->input_arena_offset = h.layer_count ? read_layer(blob, 0).input_arena_offset : 0;
    model->output_arena_offset = h.layer_count ? r.output_arena_offset : 0;
    if (r.kind != TML_LAYER_SOFTMAX) {  // the output (the input itself without layers)
      model->logits_arena_offset = model->output_arena_offset;
      model->logits_scale = link.scale;
      model->logits_zero_point = static_cast<int8_t>(link.zero_point);
    }
  }
  return TML_OK;
}

void run_layer(const uint8_t* blob, const tml_layer_record& r, uint8_t* arena) {
  const int8_t* in = reinterpret_cast<const int8_t*>(arena + r.input_arena_offset);
  int8_t* out = reinterpret_cast<int8_t*>(arena + r.output_arena_offset);
  const tml_dims in_dims = {r.in_time, r.in_channels};
  const tml_dims out_dims = {r.out_time, r.out_channels};
  const tml_act_range act = {r.act_min, r.act_max};
  // The blob is 4-aligned and so are its int32 arrays (checked at init): read them in place.
  const auto i32 = [blob](uint32_t offset) -> const int32_t* {
    return offset ? reinterpret_cast<const int32_t*>(blob + offset) : nullptr;
  };
  const int8_t* weights = reinterpret_cast<const int8_t*>(blob + r.weights_offset);
  const tml_channel_quant quant = {i32(r.multiplier_offset), i32(r.shift_offset)};
  switch (r.kind) {
    case TML_LAYER_FULLY_CONNECTED: {
      const tml_fc_params p = {r.input_zero_point, r.output_zero_point, act};
      tml_fully_connected_s8(&p, &quant, in_dims.time * in_dims.channels, in, out_dims.channels, weights,
                             i32(r.bias_offset), out);
      break;
    }
    case TML_LAYER_CONV1D: {
      const tml_conv1d_params p = {r.input_zero_point, r.output_zero_point, r.kernel_size, r.stride, r.pad_left,
                                   r.pool_size, r.pool_stride, act};
      tml_conv1d_s8(&p, &quant, &in_dims, in, weights, i32(r.bias_offset), &out_dims, out);
      break;
    }
    case TML_LAYER_DEPTHWISE_CONV1D: {
      const tml_depthwise_conv1d_params p = {r.input_zero_point, r.output_zero_point, r.kernel_size, r.stride,
                                             r.pad_left, act};
      tml_depthwise_conv1d_s8(&p, &quant, &in_dims, in, weights, i32(r.bias_offset), &out_dims, out);
      break;
    }
    case TML_LAYER_MAX_POOL1D:
    case TML_LAYER_AVG_POOL1D: {
      const tml_pool_params p = {r.kernel_size, r.stride, r.pad_left, act};
      if (r.kind == TML_LAYER_MAX_POOL1D)
        tml_max_pool1d_s8(&p, &in_dims, in, &out_dims, out);
      else
        tml_avg_pool1d_s8(&p, &in_dims, in, &out_dims, out);
      break;
    }
    case TML_LAYER_GLOBAL_AVG_POOL1D: tml_global_avg_pool1d_s8(&act, &in_dims, in, out); break;
    default: {  // TML_LAYER_SOFTMAX (validated at init)
      const tml_softmax_params p = {read_i32(blob, r.multiplier_offset, 0)};
      tml_softmax_s8(&p, &in_dims, in, out);
      break;
    }
  }
}

int check_run_args(const tml_model* model, const void* arena, size_t arena_len) {
  if (!model || !model->blob || !arena || reinterpret_cast<uintptr_t>(arena) % TML_MODEL_ALIGN) return TML_ERR_ARG;
  if (arena_len < model->header.arena_size) return TML_ERR_BUFFER;
  return TML_OK;
}

// v / 1 rounded to nearest, ties away from zero, plus the zero point, clamped to int8.
int8_t quantize_value(float v, int32_t zero_point) {
  if (!(v == v)) v = 0.0f;  // NaN
  if (v < -512.0f) v = -512.0f;
  if (v > 512.0f) v = 512.0f;
  int32_t q = static_cast<int32_t>(v);  // truncates toward zero
  const float fraction = v - static_cast<float>(q);  // exact for |v| < 2^23
  if (fraction >= 0.5f) ++q;
  if (fraction <= -0.5f) --q;
  q += zero_point;
  return static_cast<int8_t>(q < -128 ? -128 : (q > 127 ? 127 : q));
}

}  // namespace

extern "C" uint32_t tml_model_hash(const uint8_t* blob, size_t len) {
  uint32_t h = kFnvOffset;
  for (size_t i = 0; i < len; ++i) {
    if (i - TML_MODEL_HASH_OFFSET < 4) continue;  // unsigned: true only for i in 12..15
    h = (h ^ blob[i]) * kFnvPrime;
  }
  return h;
}

extern "C" int tml_layer_output_dims(const tml_layer_record* r, tml_dims* out) {
  if (!r || !out) return TML_ERR_ARG;
  const uint32_t in_time = r->in_time, in_ch = r->in_channels, kernel = r->kernel_size, stride = r->stride;
  if (!in_time || !in_ch) return TML_ERR_FORMAT;
  uint32_t time = in_time;
  uint32_t channels = in_ch;
  switch (r->kind) {
    case TML_LAYER_FULLY_CONNECTED:
      time = 1;
      channels = r->out_channels;
      break;
    case TML_LAYER_CONV1D:
    case TML_LAYER_DEPTHWISE_CONV1D:
    case TML_LAYER_MAX_POOL1D:
    case TML_LAYER_AVG_POOL1D: {
      if (!kernel || !stride || r->pad_left >= kernel || r->pad_right >= kernel) return TML_ERR_FORMAT;
      const uint32_t span = in_time + r->pad_left + r->pad_right;
      if (span < kernel) return TML_ERR_FORMAT;
      time = (span - kernel) / stride + 1;
      if (r->kind == TML_LAYER_CONV1D) {
        channels = r->out_channels;
        if (r->pool_size) {
          if (!r->pool_stride || time < r->pool_size) return TML_ERR_FORMAT;
          time = (time - r->pool_size) / r->pool_stride + 1;
        } else if (r->pool_stride) {
          return TML_ERR_FORMAT;
        }
      }
      break;
    }
    case TML_LAYER_GLOBAL_AVG_POOL1D: time = 1; break;
    case TML_LAYER_SOFTMAX: break;
    default: return TML_ERR_FORMAT;
  }
  if (!channels) return TML_ERR_FORMAT;
  out->time = static_cast<int32_t>(time);
  out->channels = static_cast<int32_t>(channels);
  return TML_OK;
}

extern "C" int tml_model_init(tml_model* model, const uint8_t* blob, size_t len) {
  if (!model) return TML_ERR_ARG;
  tml_model m = {};
  const int rc = validate(blob, len, true, &m);
  if (rc == TML_OK) *model = m;
  return rc;
}

extern "C" int tml_model_plan(uint8_t* blob, size_t len) {
  const int rc = validate(blob, len, false, nullptr);
  if (rc != TML_OK) return rc;
  tml_model_header h;
  memcpy(&h, blob, sizeof h);
  // Buffer i is the input of layer i; buffer layer_count is the model output.
  const auto buffer_bytes = [&](uint32_t i) {
    const tml_layer_record r = read_layer(blob, i < h.layer_count ? i : h.layer_count - 1);
    return align4(i < h.layer_count ? elements(r.in_time, r.in_channels) : elements(r.out_time, r.out_channels));
  };
  // With an anomaly block the model input keeps the bottom of the arena for the whole run: the other
  // even buffers start above it.
  const uint64_t kept = h.anomaly_offset ? align4(elements(h.input_time, h.input_channels)) : 0;
  const auto bottom = [&](uint32_t i) { return i == 0 ? uint64_t{0} : kept; };
  uint64_t arena = kept;  // without layers: the input alone
  for (uint32_t i = 0; i < h.layer_count; ++i) {
    const uint64_t need = bottom(i) + buffer_bytes(i) + buffer_bytes(i + 1) + align4(kernel_scratch(read_layer(blob, i)));
    if (need > arena) arena = need;
  }
  if (arena > UINT32_MAX) return TML_ERR_FORMAT;
  const auto place = [&](uint32_t i) {
    return static_cast<uint32_t>(i % 2 == 0 ? bottom(i) : arena - buffer_bytes(i));
  };
  for (uint32_t i = 0; i < h.layer_count; ++i) {
    tml_layer_record r = read_layer(blob, i);
    r.scratch_size = kernel_scratch(r);
    r.input_arena_offset = place(i);
    r.output_arena_offset = place(i + 1);
    // The scratch sits just above whichever of the two buffers is at the bottom.
    const uint32_t low = i % 2 == 0 ? i : i + 1;
    r.scratch_arena_offset = r.scratch_size ? static_cast<uint32_t>(bottom(low) + buffer_bytes(low)) : 0;
    memcpy(blob + TML_MODEL_HEADER_SIZE + i * TML_MODEL_LAYER_SIZE, &r, sizeof r);
  }
  h.arena_size = static_cast<uint32_t>(arena);
  memcpy(blob, &h, sizeof h);
  h.hash = tml_model_hash(blob, h.total_size);
  memcpy(blob + TML_MODEL_HASH_OFFSET, &h.hash, sizeof h.hash);
  return TML_OK;
}

extern "C" uint32_t tml_model_arena_size(const tml_model* model) { return model->header.arena_size; }

extern "C" uint32_t tml_model_class_count(const tml_model* model) {
  if (!model || !model->blob || model->header.layer_count == 0 || model->anomaly.kind == TML_ANOMALY_AUTOENCODER)
    return 0;
  if (model->header.heads_offset) return model->class_channels;
  return tml_model_output_size(model);
}


extern "C" uint32_t tml_model_input_size(const tml_model* model) {
  return uint32_t{model->header.input_time} * model->header.input_channels;
}

extern "C" uint32_t tml_model_output_size(const tml_model* model) {
  return uint32_t{model->header.output_time} * model->header.output_channels;
}

extern "C" int8_t* tml_model_input(const tml_model* model, void* arena) {
  return static_cast<int8_t*>(arena) + model->input_arena_offset;
}

extern "C" const int8_t* tml_model_output(const tml_model* model, const void* arena) {
  return static_cast<const int8_t*>(arena) + model->output_arena_offset;
}

extern "C" const int8_t* tml_model_logits(const tml_model* model, const void* arena) {
  return static_cast<const int8_t*>(arena) + model->logits_arena_offset;
}

extern "C" int tml_model_prepare_input(const tml_model* model, const float* raw, size_t count, int8_t* out) {
  if (!model || !model->blob || !raw || !out || count != tml_model_input_size(model)) return TML_ERR_ARG;
  const tml_model_header& h = model->header;
  for (size_t i = 0; i < count; ++i) {
    float v = raw[i];
    if (h.norm_offset) {
      const uint32_t c = static_cast<uint32_t>(i % h.input_channels);
      v = (v - read_f32(model->blob, h.norm_offset, c)) * read_f32(model->blob, h.norm_offset, h.input_channels + c);
    }
    out[i] = quantize_value(v / h.input_scale, h.input_zero_point);
  }
  return TML_OK;
}

extern "C" int tml_model_run_layer(const tml_model* model, void* arena, size_t arena_len, uint32_t index) {
  int rc = check_run_args(model, arena, arena_len);
  if (rc != TML_OK) return rc;
  if (index >= model->header.layer_count) return TML_ERR_ARG;
  run_layer(model->blob, read_layer(model->blob, index), static_cast<uint8_t*>(arena));
  return TML_OK;
}

extern "C" int tml_model_run(const tml_model* model, void* arena, size_t arena_len, const int8_t* input,
                             int8_t* output) {
  const int rc = check_run_args(model, arena, arena_len);
  if (rc != TML_OK) return rc;
  int8_t* in = tml_model_input(model, arena);
  if (input && input != in) memcpy(in, input, tml_model_input_size(model));
  for (uint32_t i = 0; i < model->header.layer_count; ++i)
    run_layer(model->blob, read_layer(model->blob, i), static_cast<uint8_t*>(arena));
  if (output) memcpy(output, tml_model_output(model, arena), tml_model_output_size(model));
  return TML_OK;
}

extern "C" int tml_model_layer(const tml_model* model, uint32_t index, tml_layer_record* layer) {
  if (!model || !model->blob || !layer || index >= model->header.layer_count) return TML_ERR_ARG;
  *layer = read_layer(model->blob, index);
  return TML_OK;
}

extern "C" const char* tml_model_label(const tml_model* model, uint32_t index) {
  if (!model || !model->blob || !model->header.labels_offset) return nullptr;
  // With a heads table the labels are the class head's (validated at init: exactly its channels).
  if (index >= (model->header.heads_offset ? model->class_channels : model->header.output_channels)) return nullptr;
  return reinterpret_cast<const char*>(model->blob + model->header.labels_offset + index * TML_MODEL_LABEL_SIZE);
}

}  // namespace tml
