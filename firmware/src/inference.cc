// Sliding-window inference over a sensor stream (see tml/inference.h).
#include "tml/inference.h"

#include <cstring>

#include "tml/protocol/messages.h"

namespace tml {
namespace {

// Rows [0, n) of the window are kept as they are; the window's first `drop` rows are discarded.
void shift_window(tml_inference* inf, uint32_t drop) {
  if (drop >= inf->filled) {
    inf->filled = 0;
    return;
  }
  memmove(inf->window, inf->window + static_cast<size_t>(drop) * inf->axes,
          static_cast<size_t>(inf->filled - drop) * inf->axes * sizeof(float));
  inf->filled -= drop;
}

// Floats of the raw window: the front end's, else the network input's.
size_t raw_values(const tml_model* model) {
  if (model->features.section)
    return static_cast<size_t>(model->features.record.audio.raw_rows) * model->features.record.audio.raw_axes;
  return tml_model_input_size(model);
}

int classify(tml_inference* inf) {
  const tml_model* m = inf->model;
  const uint32_t t0 = inf->clock ? inf->clock() : 0;
  int8_t* input = tml_model_input(m, inf->arena);
  int s = tml_model_prepare_features(m, inf->window, static_cast<size_t>(inf->window_rows) * inf->axes, inf->scratch,
                                     inf->scratch_len, input);
  if (s != TML_OK) return s;
  s = tml_model_run(m, inf->arena, inf->arena_len, nullptr, nullptr);
  if (s != TML_OK) return s;
  if (inf->has_anomaly) {
    s = tml_model_anomaly(m, inf->arena, inf->arena_len, &inf->anomaly);
    if (s != TML_OK) return s;
  }
  const uint32_t cost = inf->clock ? inf->clock() - t0 : 0;
  const int8_t* out = tml_model_output(m, inf->arena);
  const uint32_t n = tml_model_class_count(m);
  uint32_t top = 0;
  for (uint32_t i = 1; i < n; ++i)
    if (out[i] > out[top]) top = i;
  if (inf->on_result) inf->on_result(inf->ctx, inf->next_start, out, n, top, cost);
  return TML_OK;
}

}  // namespace

extern "C" size_t tml_inference_buffer_size(const tml_model* model) {
  return raw_values(model) * sizeof(float) + tml_model_features_buffer_size(model);
}

extern "C" int tml_inference_init(tml_inference* inf, const tml_model* model, void* arena, size_t arena_len,
                                  float* window, size_t window_len, uint32_t stride, tml_inference_result_fn on_result,
                                  tml_inference_clock_fn clock, void* ctx) {
  if (!inf || !model || !arena || !window) return TML_ERR_ARG;
  const uint32_t rows = model->features.section ? model->features.record.audio.raw_rows : model->header.input_time;
  if (stride == 0 || stride > rows) return TML_ERR_ARG;
  if (window_len < tml_inference_buffer_size(model) || (reinterpret_cast<uintptr_t>(window) & 3u)) return TML_ERR_ARG;
  if (arena_len < tml_model_arena_size(model)) return TML_ERR_BUFFER;
  memset(inf, 0, sizeof *inf);
  inf->model = model;
  inf->arena = arena;
  inf->arena_len = arena_len;
  inf->window = window;
  inf->window_rows = rows;
  inf->axes = static_cast<uint32_t>(raw_values(model) / rows);
  if (model->features.section) {
    inf->scratch = window + raw_values(model);
    inf->scratch_len = tml_model_features_buffer_size(model);
  }
  inf->has_anomaly = model->anomaly.block ? 1u : 0u;
  inf->stride = stride;
  inf->on_result = on_result;
  inf->clock = clock;
  inf->ctx = ctx;
  return TML_OK;
}

extern "C" void tml_inference_reset(tml_inference* inf) {
  inf->filled = 0;
  inf->next_start = 0;
  inf->expected = 0;
}

extern "C" int tml_inference_push(tml_inference* inf, uint32_t first_index, const void* rows, uint32_t count,
                                  uint8_t sample_format, uint32_t axes, float scale) {
  if (axes != inf->axes || (sample_format != TML_FORMAT_I16 && sample_format != TML_FORMAT_F32)) return TML_ERR_ARG;
  if (first_index != inf->expected) {  // rows went missing: the next window starts after the gap
    const uint32_t after = first_index + inf->stride - 1;
    inf->next_start = after - after % inf->stride;
    inf->filled = 0;
  }
  const uint8_t* p = static_cast<const uint8_t*>(rows);
  const size_t width = sample_format == TML_FORMAT_I16 ? 2 : 4;
  for (uint32_t r = 0; r < count; ++r) {
    const uint32_t index = first_index + r;
    if (index >= inf->next_start) {
      float* dst = inf->window + static_cast<size_t>(inf->filled) * axes;
      for (uint32_t a = 0; a < axes; ++a, p += width) {
        if (sample_format == TML_FORMAT_I16) {
          int16_t v;
          memcpy(&v, p, 2);
          dst[a] = static_cast<float>(v) * scale;
        } else {
          memcpy(&dst[a], p, 4);
        }
      }
      if (++inf->filled == inf->window_rows) {
        int s = classify(inf);
        if (s != TML_OK) return s;
        shift_window(inf, inf->stride);
        inf->next_start += inf->stride;
      }
    } else {
      p += width * axes;
    }
  }
  inf->expected = first_index + count;
  return TML_OK;
}

}  // namespace tml
