// The model-level front-end entry point (model.h): the front end over a raw window, then the same
// normalisation and quantization as tml_model_prepare_input. In its own file so that the runner of a
// model without a front end links none of the front-end code (see the weak reference in model.cc).
#include <cstdint>

#include "tml/features.h"
#include "tml/model.h"

namespace tml {

extern "C" uint32_t tml_model_features_buffer_size(const tml_model* model) {
  if (!model || !model->features.section) return 0;
  return 4u * tml_model_input_size(model) + tml_features_buffer_size(&model->features);
}

extern "C" int tml_model_prepare_features(const tml_model* model, const float* raw, size_t count, void* scratch,
                                          size_t scratch_len, int8_t* out) {
  if (!model || !model->blob) return TML_ERR_ARG;
  if (!model->features.section) return tml_model_prepare_input(model, raw, count, out);
  if (!scratch || reinterpret_cast<uintptr_t>(scratch) % 4 || !raw || !out) return TML_ERR_ARG;
  if (scratch_len < tml_model_features_buffer_size(model)) return TML_ERR_BUFFER;
  const uint32_t inputs = tml_model_input_size(model);
  float* values = static_cast<float*>(scratch);
  const int rc = tml_features_run(&model->features, raw, count, values, values + inputs, scratch_len - 4u * inputs);
  if (rc != TML_OK) return rc;
  return tml_model_prepare_input(model, values, inputs, out);
}

}  // namespace tml
