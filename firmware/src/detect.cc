// Detection over a stream of classifications (see tml/detect.h).
#include "tml/detect.h"

#include <cstring>

#include "tml/status.h"

extern "C" int tml_detect_params_check(const tml_detect_params* p) {
  if (!p || p->version != TML_DETECT_VERSION || p->average < 1 || p->average > TML_DETECT_MAX_AVERAGE ||
      p->threshold < 1 || p->reserved)
    return TML_ERR_ARG;
  return TML_OK;
}

extern "C" int tml_detector_init(tml_detector* det, const tml_detect_params* params, uint32_t classes) {
  if (!det || tml_detect_params_check(params) != TML_OK || classes < 1 || classes > TML_DETECT_MAX_CLASSES)
    return TML_ERR_ARG;
  memset(det, 0, sizeof *det);
  det->params = *params;
  det->classes = classes;
  return TML_OK;
}

extern "C" void tml_detector_reset(tml_detector* det) {
  det->count = 0;
  det->next = 0;
  det->quiet_until = 0;
}

extern "C" int tml_detector_push(tml_detector* det, uint32_t end_index, const int8_t* scores, tml_detection* out) {
  const uint32_t n = det->params.average;
  uint8_t* slot = det->history[det->next];
  for (uint32_t c = 0; c < det->classes; ++c) slot[c] = static_cast<uint8_t>(scores[c] + 128);
  det->next = (det->next + 1) % n;
  if (det->count < n) ++det->count;
  if (det->count < n || end_index < det->quiet_until) return 0;
  uint32_t best = 0, best_sum = 0;
  bool any = false;
  for (uint32_t c = 0; c < det->classes; ++c) {
    if (det->params.ignore & (1u << c)) continue;
    uint32_t sum = 0;
    for (uint32_t k = 0; k < n; ++k) sum += det->history[k][c];
    if (!any || sum > best_sum) {
      best = c;
      best_sum = sum;
      any = true;
    }
  }
  const uint32_t average = best_sum / n;
  if (!any || average < det->params.threshold) return 0;
  det->quiet_until = end_index + det->params.suppression;
  out->index = end_index;
  out->label = static_cast<uint8_t>(best);
  out->score = static_cast<uint8_t>(average);
  out->windows = static_cast<uint8_t>(n);
  out->reserved = 0;
  return 1;
}
