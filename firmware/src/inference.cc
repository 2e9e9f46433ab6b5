// Sliding-window inference over a sensor stream (see tml/inference.h).
#include "tml/inference.h"

#include <cstring>

#include "tml/features.h"
#include "tml/protocol/messages.h"

// The front ends are linked only into applications that use them (as in model.cc): weak references, null
// when nothing else links the front-end code; tml_model_init refuses a blob with a front end then, so a
// tml_inference with a front end never meets a null one.
extern "C" int tml_audio_frame(const tml_features* fe, const float* samples, float* out, void* scratch,
                               size_t scratch_len) __attribute__((weak));
extern "C" uint32_t tml_features_buffer_size(const tml_features* fe) __attribute__((weak));
extern "C" uint32_t tml_model_features_buffer_size(const tml_model* model) __attribute__((weak));
extern "C" int tml_model_prepare_features(const tml_model* model, const float* raw, size_t count, void* scratch,
                                          size_t scratch_len, int8_t* out) __attribute__((weak));

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

bool is_audio(uint32_t kind) { return kind == TML_FEATURES_MFE || kind == TML_FEATURES_MFCC; }

uint32_t align4(uint32_t v) { return (v + 3u) & ~3u; }

int classify(tml_inference* inf) {
  const tml_model* m = inf->model;
  const uint32_t t0 = inf->clock ? inf->clock() : 0;
  int8_t* input = tml_model_input(m, inf->arena);
  const size_t in_count = static_cast<size_t>(m->header.input_time) * m->header.input_channels;
  int s;
  if (is_audio(inf->features_kind)) {  // the ring, oldest frame first
    const uint32_t T = m->header.input_time, C = m->header.input_channels;
    const uint32_t first = inf->frames_done % T;  // the oldest frame's slot
    memcpy(inf->input, inf->frames + static_cast<size_t>(first) * C, static_cast<size_t>(T - first) * C * sizeof(float));
    memcpy(inf->input + static_cast<size_t>(T - first) * C, inf->frames, static_cast<size_t>(first) * C * sizeof(float));
    s = tml_model_prepare_input(m, inf->input, in_count, input);
  } else if (inf->features_kind != TML_FEATURES_NONE) {
    s = tml_model_prepare_features(m, inf->window, static_cast<size_t>(inf->window_rows) * inf->axes, inf->scratch,
                                   inf->scratch_len, input);
  } else {
    s = tml_model_prepare_input(m, inf->window, in_count, input);
  }
  if (s != TML_OK) return s;
  s = tml_model_run(m, inf->arena, inf->arena_len, nullptr, nullptr);
  if (s != TML_OK) return s;
  if (inf->has_anomaly) {
    s = tml_model_anomaly(m, inf->arena, inf->arena_len, &inf->anomaly);
    if (s != TML_OK) return s;
  }
  const int8_t* out = tml_model_output(m, inf->arena);
  if (inf->value_count) {
    s = tml_model_values(m, out, inf->values, TML_MODEL_MAX_VALUES);
    if (s != TML_OK) return s;
  }
  const int8_t* scores = out;
  if (m->class_exp_multiplier) {  // a multi-output model: the class head's probabilities
    s = tml_model_class_scores(m, out, inf->class_scores, sizeof inf->class_scores);
    if (s != TML_OK) return s;
    scores = inf->class_scores;
  }
  const uint32_t cost = inf->clock ? inf->clock() - t0 : 0;
  const uint32_t n = tml_model_class_count(m);
  uint32_t top = 0;
  for (uint32_t i = 1; i < n; ++i)
    if (scores[i] > scores[top]) top = i;
  if (inf->on_result) inf->on_result(inf->ctx, inf->next_start, scores, n, top, cost);
  return TML_OK;
}

// Audio: the window's first frame starts at frame_offset, and every frame completes `frame_length`
// samples after its start; frames are frame_step apart.
void restart_frames(tml_inference* inf) {
  inf->sample_fill = 0;
  inf->sample_skip = inf->model->features.record.audio.frame_offset;
  inf->frames_done = 0;
}

// One sample of an audio stream: fills the frame, computes it when complete, and classifies when the
// ring holds a window that starts on a stride.
int push_sample(tml_inference* inf, float v) {
  const tml_audio_features_record& a = inf->model->features.record.audio;
  if (inf->sample_skip) {
    --inf->sample_skip;
    return TML_OK;
  }
  inf->samples[inf->sample_fill++] = v;
  if (inf->sample_fill < a.frame_length) return TML_OK;
  const uint32_t T = inf->model->header.input_time, C = inf->model->header.input_channels;
  float* out = inf->frames + static_cast<size_t>(inf->frames_done % T) * C;
  int s = tml_audio_frame(&inf->model->features, inf->samples, out, inf->scratch, inf->scratch_len);
  if (s != TML_OK) return s;
  ++inf->frames_done;
  if (a.frame_step < a.frame_length) {
    memmove(inf->samples, inf->samples + a.frame_step, (a.frame_length - a.frame_step) * sizeof(float));
    inf->sample_fill = a.frame_length - a.frame_step;
  } else {
    inf->sample_fill = 0;
    inf->sample_skip = a.frame_step - a.frame_length;
  }
  if (inf->frames_done < T || (inf->frames_done - T) % inf->stride_frames) return TML_OK;
  const uint32_t start = inf->next_start;  // of the stream; the window's first frame:
  inf->next_start = start + (inf->frames_done - T) * a.frame_step;
  s = classify(inf);
  inf->next_start = start;
  return s;
}

}  // namespace

extern "C" size_t tml_inference_buffer_size(const tml_model* model) {
  const uint32_t kind = model->features.kind;
  const size_t in_floats = static_cast<size_t>(model->header.input_time) * model->header.input_channels;
  if (is_audio(kind))
    return 4 * (align4(model->features.record.audio.frame_length) + 2 * in_floats) +
           tml_features_buffer_size(&model->features);
  if (kind != TML_FEATURES_NONE)
    return 4 * static_cast<size_t>(model->features.record.audio.raw_rows) * model->features.record.audio.raw_axes +
           tml_model_features_buffer_size(model);
  return in_floats * sizeof(float);
}

extern "C" int tml_inference_init(tml_inference* inf, const tml_model* model, void* arena, size_t arena_len,
                                  float* window, size_t window_len, uint32_t stride, tml_inference_result_fn on_result,
                                  tml_inference_clock_fn clock, void* ctx) {
  if (!inf || !model || !arena || !window) return TML_ERR_ARG;
  const uint32_t kind = model->features.kind;
  const tml_audio_features_record& a = model->features.record.audio;  // the common fields of every kind
  const uint32_t rows = kind ? a.raw_rows : model->header.input_time;
  if (stride == 0 || stride > rows) return TML_ERR_ARG;
  if (is_audio(kind) && stride % a.frame_step) return TML_ERR_ARG;
  if (window_len < tml_inference_buffer_size(model) || (reinterpret_cast<uintptr_t>(window) & 3u)) return TML_ERR_ARG;
  if (arena_len < tml_model_arena_size(model)) return TML_ERR_BUFFER;
  memset(inf, 0, sizeof *inf);
  inf->model = model;
  inf->arena = arena;
  inf->arena_len = arena_len;
  inf->window = window;
  inf->window_rows = rows;
  inf->axes = kind ? a.raw_axes : model->header.input_channels;
  inf->has_anomaly = model->anomaly.block ? 1u : 0u;
  inf->value_count = tml_model_value_count(model);
  inf->stride = stride;
  inf->features_kind = kind;
  if (is_audio(kind)) {
    const size_t in_floats = static_cast<size_t>(model->header.input_time) * model->header.input_channels;
    inf->samples = window;
    inf->frames = window + align4(a.frame_length);
    inf->input = inf->frames + in_floats;
    inf->scratch = inf->input + in_floats;
    inf->scratch_len = tml_features_buffer_size(&model->features);
    inf->stride_frames = stride / a.frame_step;
    restart_frames(inf);
  } else if (kind != TML_FEATURES_NONE) {
    inf->scratch = window + static_cast<size_t>(a.raw_rows) * a.raw_axes;
    inf->scratch_len = tml_model_features_buffer_size(model);
  }
  inf->on_result = on_result;
  inf->clock = clock;
  inf->ctx = ctx;
  return TML_OK;
}

extern "C" void tml_inference_reset(tml_inference* inf) {
  inf->filled = 0;
  inf->next_start = 0;
  inf->expected = 0;
  if (is_audio(inf->features_kind)) restart_frames(inf);
}

extern "C" int tml_inference_push(tml_inference* inf, uint32_t first_index, const void* rows, uint32_t count,
                                  uint8_t sample_format, uint32_t axes, float scale) {
  if (axes != inf->axes || (sample_format != TML_FORMAT_I16 && sample_format != TML_FORMAT_F32)) return TML_ERR_ARG;
  if (first_index != inf->expected) {  // rows went missing: the next window starts after the gap
    const uint32_t after = first_index + inf->stride - 1;
    inf->next_start = after - after % inf->stride;
    inf->filled = 0;
    if (is_audio(inf->features_kind)) restart_frames(inf);
  }
  const uint8_t* p = static_cast<const uint8_t*>(rows);
  const size_t width = sample_format == TML_FORMAT_I16 ? 2 : 4;
  if (is_audio(inf->features_kind)) {  // one axis: sample after sample
    for (uint32_t r = 0; r < count; ++r, p += width) {
      if (first_index + r < inf->next_start) continue;
      float v;
      if (sample_format == TML_FORMAT_I16) {
        int16_t i;
        memcpy(&i, p, 2);
        v = static_cast<float>(i) * scale;
      } else {
        memcpy(&v, p, 4);
      }
      const int s = push_sample(inf, v);
      if (s != TML_OK) return s;
    }
    inf->expected = first_index + count;
    return TML_OK;
  }
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
