// Code-size probe: what an application links to run a model -- the runner (validation, input
// preparation, execution) and, through it, every kernel of the chosen set -- with no model in the
// image (the blob's address is read from a volatile variable, so nothing is folded away).
// bench/bench_kernels.cc sums the bytes the linker map attributes to the tml core library.
#include <stddef.h>
#include <stdint.h>

#include "tml/model.h"

const uint8_t* volatile g_blob_address = nullptr;
volatile size_t g_blob_length = 0;
volatile float g_raw[4] = {0.0f, 0.0f, 0.0f, 0.0f};

int main() {
  static tml_model model;
  alignas(4) static uint8_t arena[4096];
  if (tml_model_init(&model, g_blob_address, g_blob_length) != TML_OK) return 1;
  float raw[4];
  for (int i = 0; i < 4; ++i) raw[i] = g_raw[i];
  if (tml_model_prepare_input(&model, raw, 4, tml_model_input(&model, arena)) != TML_OK) return 2;
  if (tml_model_run(&model, arena, sizeof arena, nullptr, nullptr) != TML_OK) return 3;
  const char* label = tml_model_label(&model, 0);
  return tml_model_output(&model, arena)[0] + tml_model_logits(&model, arena)[0] + (label ? label[0] : 0);
}
