// The model-level anomaly entry point (model.h): the anomaly block's score of the network input (and,
// for an autoencoder, of the network output) in the arena. In its own file so that the runner of a
// model without an anomaly block links none of the anomaly code (see the weak reference in model.cc).
#include <cstdint>

#include "tml/anomaly.h"
#include "tml/model.h"

namespace tml {

extern "C" int tml_model_anomaly(const tml_model* model, const void* arena, size_t arena_len,
                                 tml_anomaly_result* result) {
  if (!model || !model->blob || !arena || reinterpret_cast<uintptr_t>(arena) % 4 || !result) return TML_ERR_ARG;
  if (!model->anomaly.block) return TML_ERR_UNSUPPORTED;
  if (arena_len < tml_model_arena_size(model)) return TML_ERR_BUFFER;
  return tml_anomaly_score(&model->anomaly, tml_model_input(model, const_cast<void*>(arena)),
                           tml_model_output(model, arena), result);
}

}  // namespace tml
