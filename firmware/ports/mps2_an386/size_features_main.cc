// Code-size probe of the front ends: what an application links to compute features -- section
// validation, whole windows (float and int16), audio frame by frame, the model-level entry point -- with
// no model or section in the image (addresses from volatile variables, so nothing is folded away).
// bench/bench_kernels.cc sums the bytes the linker map attributes to each front-end source file.
#include <stddef.h>
#include <stdint.h>

#include "tml/features.h"
#include "tml/model.h"

const uint8_t* volatile g_section_address = nullptr;
volatile size_t g_section_length = 0;
const float* volatile g_raw = nullptr;
const int16_t* volatile g_pcm = nullptr;
volatile size_t g_count = 0;

int main() {
  static tml_features fe;
  alignas(4) static uint8_t scratch[8192];
  static float out[1024];
  if (tml_features_init(&fe, g_section_address, g_section_length) != TML_OK) return 1;
  if (tml_features_run(&fe, g_raw, g_count, out, scratch, sizeof scratch) != TML_OK) return 2;
  if (tml_features_run_i16(&fe, g_pcm, g_count, 1.0f / 32768, out, scratch, sizeof scratch) != TML_OK) return 3;
  if (tml_audio_frame_i16(&fe, g_pcm, 1.0f / 32768, out, scratch, sizeof scratch) != TML_OK) return 4;
  static tml_model model;  // the model-level entry point: front end, normalisation, quantization
  static int8_t input[1024];
  if (tml_model_prepare_features(&model, g_raw, g_count, scratch, sizeof scratch, input) != TML_OK) return 5;
  return static_cast<int>(out[0]);
}
