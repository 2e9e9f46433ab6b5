// The output heads table (model_format.h, docs/model_format.md#output-heads): its validation and what reads
// it -- the value heads' real values and a multi-output model's class probabilities. In its own file so
// that the runner of a classifier links none of it (the weak reference in model.cc, model_heads.h).
#include "model_heads.h"

#include <cstddef>
#include <cstring>

#include "blob_fields.h"
#include "tml/kernels.h"
#include "tml/model.h"

namespace tml {
namespace {

using blob::finite;
using blob::float_bits;
using blob::positive_finite;
using blob::read_f32;

// A head's name: 1 .. 31 printable ASCII characters, then NUL up to the end of the field.
bool head_name_ok(const char* name) {
  uint32_t n = 0;
  while (n < TML_HEAD_NAME_SIZE && name[n]) {
    const uint8_t c = static_cast<uint8_t>(name[n]);  // char is signed on x86-64, unsigned on Arm
    if (c < 0x20 || c > 0x7E) return false;
    ++n;
  }
  if (n == 0 || n == TML_HEAD_NAME_SIZE) return false;
  for (uint32_t i = n; i < TML_HEAD_NAME_SIZE; ++i)
    if (name[i]) return false;
  return true;
}

// The exp multiplier of the class head's softmax (tml_model_class_scores) from the output scale:
// round(scale * log2(e) * 2^20) as tml_softmax_s8_exp_multiplier defines it, but in single precision (two
// float32 products, the second exact, then rounding half up), so that the board computes it at init on its
// FPU and links no double-precision code; the host runs the same steps. False when the result is outside
// 1 .. TML_SOFTMAX_MAX_EXP_MULTIPLIER.
bool class_exp_multiplier(float scale, int32_t* out) {
  const float v = (scale * 1.44269504f) * 1048576.0f;
  if (!(v >= 0.5f) || !(v <= static_cast<float>(TML_SOFTMAX_MAX_EXP_MULTIPLIER))) return false;
  int32_t t = static_cast<int32_t>(v);
  if (v - static_cast<float>(t) >= 0.5f) ++t;
  *out = t;
  return true;
}

}  // namespace

// The heads tile the output channels [0, output_channels) in order, a class head only first, value heads
// one channel each with a usable mean and std, every name valid; a class head beside value heads has a
// softmax the output scale allows.
extern "C" int tml_heads_check(const uint8_t* table, size_t len, uint32_t output_time, uint32_t output_channels,
                               float output_scale, tml_heads_info* info) {
  if (!table || !info || len < TML_HEADS_RECORD_SIZE) return TML_ERR_FORMAT;
  tml_heads_record t;
  memcpy(&t, table, sizeof t);
  if (t.count < 1 || t.count > TML_MODEL_MAX_HEADS || t.flags || t.record_size != TML_HEADS_RECORD_SIZE ||
      t.head_size != TML_HEAD_SIZE || t.reserved0 || t.reserved1 ||
      t.size != TML_HEADS_RECORD_SIZE + TML_HEAD_SIZE * uint32_t{t.count} || t.size > len)
    return TML_ERR_FORMAT;
  if (output_time != 1) return TML_ERR_FORMAT;
  tml_heads_info heads;
  memset(&heads, 0, sizeof heads);
  uint32_t next = 0;  // the first channel no head covers yet
  for (uint32_t i = 0; i < t.count; ++i) {
    const uint32_t offset = TML_HEADS_RECORD_SIZE + i * TML_HEAD_SIZE;
    tml_head head;
    memcpy(&head, table + offset, sizeof head);
    if (head.flags || head.reserved || head.first != next || !head_name_ok(head.name)) return TML_ERR_FORMAT;
    if (head.kind == TML_HEAD_CLASSES) {
      // Only the first head; its mean and std are unused and must be +0.
      if (i != 0 || head.count < 1 || float_bits(head.mean) || float_bits(head.std)) return TML_ERR_FORMAT;
      heads.class_channels = head.count;
    } else if (head.kind == TML_HEAD_VALUE) {
      if (head.count != 1 || !finite(head.mean) || !positive_finite(head.std)) return TML_ERR_FORMAT;
      if (heads.value_count++ == 0) heads.first_value = offset;
    } else {
      return TML_ERR_FORMAT;
    }
    next += head.count;  // at most 8 heads of u16 counts: no overflow
    if (next > output_channels) return TML_ERR_FORMAT;
  }
  if (next != output_channels) return TML_ERR_FORMAT;
  // A class head beside value heads: its probabilities are a softmax of its logits in the output's
  // quantization, which must be one the int8 softmax takes.
  if (heads.value_count && heads.class_channels &&
      (heads.class_channels > TML_MODEL_MAX_HEAD_CLASSES ||
       !class_exp_multiplier(output_scale, &heads.class_exp_multiplier)))
    return TML_ERR_FORMAT;
  *info = heads;
  return TML_OK;
}

extern "C" uint32_t tml_model_value_count(const tml_model* model) {
  return model && model->blob ? model->value_count : 0;
}

extern "C" const char* tml_model_value_name(const tml_model* model, uint32_t index) {
  if (index >= tml_model_value_count(model)) return nullptr;
  return reinterpret_cast<const char*>(model->blob + model->values_offset + index * TML_HEAD_SIZE +
                                       offsetof(tml_head, name));
}

extern "C" int tml_model_class_scores(const tml_model* model, const int8_t* output, int8_t* scores, uint32_t capacity) {
  if (!model || !model->blob || !output || !scores) return TML_ERR_ARG;
  const uint32_t n = tml_model_class_count(model);
  if (capacity < n) return TML_ERR_ARG;
  if (n == 0) return TML_OK;
  if (model->class_exp_multiplier == 0) {
    memcpy(scores, output, n);
    return TML_OK;
  }
  tml_softmax_params p;
  p.exp_multiplier = model->class_exp_multiplier;
  const tml_dims dims = {1, static_cast<int32_t>(n)};
  tml_softmax_s8(&p, &dims, output, scores);
  return TML_OK;
}

extern "C" int tml_model_values(const tml_model* model, const int8_t* output, float* values, uint32_t capacity) {
  if (!model || !model->blob || !output || !values) return TML_ERR_ARG;
  const uint32_t n = model->value_count;
  if (capacity < n) return TML_ERR_ARG;
  const float scale = model->header.output_scale;
  const int32_t zero_point = model->header.output_zero_point;
  // The value heads are the output channels after the class head, one each, in the table's order
  // (checked at init), so value i is channel class_channels + i.
  const int8_t* q = output + model->class_channels;
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t head = model->values_offset + i * TML_HEAD_SIZE;
    const float mean = read_f32(model->blob, head + offsetof(tml_head, mean), 0);
    const float std = read_f32(model->blob, head + offsetof(tml_head, std), 0);
    // One rounding per operation, in the documented order (-ffp-contract=off: no fused multiply-add).
    const float y = scale * static_cast<float>(static_cast<int32_t>(q[i]) - zero_point);
    const float scaled = y * std;
    values[i] = scaled + mean;
  }
  return TML_OK;
}

}  // namespace tml
