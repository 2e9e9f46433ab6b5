// The one classifier of this library and its storage (see tml_model_library.h).
#include "tml_model_library.h"

namespace {

tml_classifier g_classifier;
alignas(16) uint8_t g_arena[TML_MODEL_ARENA_SIZE];
float g_window[TML_MODEL_WINDOW_ROWS * TML_MODEL_AXIS_COUNT];
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

extern "C" tml_classifier* tml_instance(void) { return &g_classifier; }
