// The one classifier of this library and its storage (see tml_model_library.h).
#include "tml_model_library.h"

namespace {

tml_classifier g_classifier;
alignas(16) uint8_t g_arena[TML_MODEL_ARENA_SIZE];
#ifdef TML_MODEL_INFERENCE_BUFFER_SIZE  // headers since the front ends: the window, or the audio frames
float g_window[(TML_MODEL_INFERENCE_BUFFER_SIZE + 3) / 4];
#else
float g_window[TML_MODEL_WINDOW_ROWS * TML_MODEL_AXIS_COUNT];
#endif
#if defined(TML_MODEL_FEATURES_KIND) && TML_MODEL_FEATURES_KIND
// The front end is linked only when something refers to it (model.cc and inference.cc refer to it
// weakly): this model needs it.
__attribute__((used)) int (*volatile g_keep_front_end)(const tml_model*, const float*, size_t, void*, size_t,
                                 int8_t*) = tml_model_prepare_features;
#endif
bool g_ready = false;

}  // namespace

extern "C" int tml_begin(void) {
  const int s = tml_classifier_init(&g_classifier, tml_model_blob, TML_MODEL_BLOB_SIZE, g_arena, sizeof g_arena, g_window,
                                    sizeof g_window, TML_MODEL_STRIDE_ROWS);
  g_ready = s == TML_OK;
  return s;
}

extern "C" int tml_push_sample(const float* values, uint32_t axis_count) {
  return g_ready ? tml_classifier_push_sample(&g_classifier, values, axis_count) : TML_ERR_STATE;
}

extern "C" int tml_push_window(const float* values, uint32_t rows, uint32_t axis_count) {
  return g_ready ? tml_classifier_push_window(&g_classifier, values, rows, axis_count) : TML_ERR_STATE;
}

extern "C" int tml_ready(void) { return g_ready ? tml_classifier_ready(&g_classifier) : 0; }

extern "C" int tml_run(void) { return g_ready ? tml_classifier_run(&g_classifier) : TML_ERR_STATE; }

extern "C" int32_t tml_top(void) { return g_ready ? tml_classifier_top(&g_classifier) : -1; }

extern "C" const char* tml_label(int32_t index) {
  return index >= 0 && static_cast<uint32_t>(index) < TML_MODEL_CLASS_COUNT ? tml_model_labels[index] : "";
}

extern "C" float tml_score(int32_t index) {
  return g_ready && index >= 0 ? tml_classifier_score(&g_classifier, static_cast<uint32_t>(index)) : 0.0f;
}

extern "C" uint32_t tml_value_count(void) { return g_ready ? tml_classifier_value_count(&g_classifier) : 0; }

extern "C" float tml_value(uint32_t index) { return g_ready ? tml_classifier_value(&g_classifier, index) : 0.0f; }

extern "C" const char* tml_value_name(uint32_t index) {
  return g_ready ? tml_classifier_value_name(&g_classifier, index) : "";
}

extern "C" tml_classifier* tml_instance(void) { return &g_classifier; }
