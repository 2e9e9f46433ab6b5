#include "tml/classifier.h"

#include "tml/kernels.h"

#include <cstring>

namespace tml {
namespace {

void reverse_rows(float* w, uint32_t axes, uint32_t first, uint32_t last) {  // rows [first, last)
  while (last > first + 1) {
    --last;
    float* a = w + static_cast<size_t>(first) * axes;
    float* b = w + static_cast<size_t>(last) * axes;
    for (uint32_t k = 0; k < axes; ++k) {
      const float t = a[k];
      a[k] = b[k];
      b[k] = t;
    }
    ++first;
  }
}

// Rotates the ring so the oldest row is row 0, in place (three reversals).
void linearize(tml_classifier* c) {
  if (c->oldest == 0) return;
  reverse_rows(c->window, c->axes, 0, c->oldest);
  reverse_rows(c->window, c->axes, c->oldest, c->window_rows);
  reverse_rows(c->window, c->axes, 0, c->window_rows);
  c->oldest = 0;
}

// The class head's channels: the whole output without a heads table (as before heads existed), else
// the class head (0 for a model of value heads alone).
uint32_t class_channels(const tml_classifier* c) {
  return c->model.header.heads_offset ? tml_model_class_count(&c->model) : c->model.header.output_channels;
}

}  // namespace

extern "C" size_t tml_classifier_window_size(const tml_model* model) {
  return model ? static_cast<size_t>(model->header.input_time) * model->header.input_channels * sizeof(float) : 0;
}

extern "C" int tml_classifier_init(tml_classifier* c, const uint8_t* blob, size_t blob_len, void* arena, size_t arena_len,
                                   float* window, size_t window_len, uint32_t stride) {
  if (!c || !blob || !arena || !window) return TML_ERR_ARG;
  memset(c, 0, sizeof *c);
  c->top = -1;
  const int s = tml_model_init(&c->model, blob, blob_len);
  if (s != TML_OK) return s;
  if (reinterpret_cast<uintptr_t>(arena) % 4 != 0 || reinterpret_cast<uintptr_t>(window) % alignof(float) != 0)
    return TML_ERR_ARG;
  if (arena_len < tml_model_arena_size(&c->model) || window_len < tml_classifier_window_size(&c->model)) return TML_ERR_BUFFER;
  const uint32_t rows = c->model.header.input_time;
  if (stride == 0 || stride > rows) return TML_ERR_ARG;
  c->arena = arena;
  c->arena_len = arena_len;
  c->window = window;
  c->window_rows = rows;
  c->axes = c->model.header.input_channels;
  c->stride = stride;
  return TML_OK;
}

extern "C" void tml_classifier_reset(tml_classifier* c) {
  if (!c) return;
  c->oldest = c->filled = c->since_run = 0;
  c->top = -1;
}

extern "C" int tml_classifier_push_sample(tml_classifier* c, const float* values, uint32_t axis_count) {
  if (!c || !values || !c->window) return TML_ERR_ARG;
  if (axis_count != c->axes) return TML_ERR_SHAPE;
  uint32_t slot;
  if (c->filled < c->window_rows) {
    slot = (c->oldest + c->filled) % c->window_rows;
    ++c->filled;
  } else {
    slot = c->oldest;
    c->oldest = (c->oldest + 1) % c->window_rows;
  }
  memcpy(c->window + static_cast<size_t>(slot) * c->axes, values, c->axes * sizeof(float));
  if (c->since_run < c->window_rows) ++c->since_run;
  return TML_OK;
}

extern "C" int tml_classifier_push_window(tml_classifier* c, const float* values, uint32_t rows, uint32_t axis_count) {
  if (!c || !values || !c->window) return TML_ERR_ARG;
  if (rows != c->window_rows || axis_count != c->axes) return TML_ERR_SHAPE;
  memcpy(c->window, values, static_cast<size_t>(rows) * axis_count * sizeof(float));
  c->oldest = 0;
  c->filled = rows;
  c->since_run = rows;
  return TML_OK;
}

extern "C" int tml_classifier_ready(const tml_classifier* c) {
  return c && c->window && c->filled == c->window_rows && (c->top < 0 || c->since_run >= c->stride) ? 1 : 0;
}

extern "C" int tml_classifier_run(tml_classifier* c) {
  if (!c || !c->window) return TML_ERR_ARG;
  if (c->filled < c->window_rows) return TML_ERR_STATE;
  linearize(c);
  const size_t count = static_cast<size_t>(c->window_rows) * c->axes;
  int s = tml_model_prepare_input(&c->model, c->window, count, tml_model_input(&c->model, c->arena));
  if (s == TML_OK) s = tml_model_run(&c->model, c->arena, c->arena_len, nullptr, nullptr);
  if (s != TML_OK) return s;
  const int8_t* out = tml_model_output(&c->model, c->arena);
  if (c->model.class_exp_multiplier) {  // a multi-output model: the class head's probabilities
    s = tml_model_class_scores(&c->model, out, c->class_scores, sizeof c->class_scores);
    if (s != TML_OK) return s;
    out = c->class_scores;
  }
  int32_t top = 0;
  for (uint32_t i = 1; i < class_channels(c); ++i)
    if (out[i] > out[top]) top = static_cast<int32_t>(i);
  c->top = top;
  c->since_run = 0;
  return TML_OK;
}

extern "C" uint32_t tml_classifier_class_count(const tml_classifier* c) { return c ? class_channels(c) : 0; }

extern "C" int32_t tml_classifier_top(const tml_classifier* c) { return c ? c->top : -1; }

extern "C" const char* tml_classifier_label(const tml_classifier* c, uint32_t index) {
  if (!c || index >= class_channels(c)) return "";
  const char* l = tml_model_label(&c->model, index);
  return l ? l : "";
}

extern "C" float tml_classifier_score(const tml_classifier* c, uint32_t index) {
  if (!c || c->top < 0 || index >= class_channels(c)) return 0.0f;
  if (c->model.class_exp_multiplier)  // probabilities in the softmax's quantization
    return TML_SOFTMAX_OUTPUT_SCALE * static_cast<float>(static_cast<int32_t>(c->class_scores[index]) -
                                                         TML_SOFTMAX_OUTPUT_ZERO_POINT);
  const int8_t q = tml_model_output(&c->model, c->arena)[index];
  return c->model.header.output_scale * static_cast<float>(static_cast<int32_t>(q) - c->model.header.output_zero_point);
}

extern "C" const int8_t* tml_classifier_scores(const tml_classifier* c) {
  if (!c || c->top < 0) return nullptr;
  return c->model.class_exp_multiplier ? c->class_scores : tml_model_output(&c->model, c->arena);
}

extern "C" uint32_t tml_classifier_value_count(const tml_classifier* c) {
  return c ? tml_model_value_count(&c->model) : 0;
}

extern "C" float tml_classifier_value(const tml_classifier* c, uint32_t index) {
  if (!c || c->top < 0 || index >= tml_model_value_count(&c->model)) return 0.0f;
  float values[TML_MODEL_MAX_VALUES];
  if (tml_model_values(&c->model, tml_model_output(&c->model, c->arena), values, TML_MODEL_MAX_VALUES) != TML_OK)
    return 0.0f;
  return values[index];
}

extern "C" const char* tml_classifier_value_name(const tml_classifier* c, uint32_t index) {
  const char* name = c ? tml_model_value_name(&c->model, index) : nullptr;
  return name ? name : "";
}

}  // namespace tml
