// The output heads table's validation (model_heads.cc), private to the runner. It is linked only into
// applications that read a model's values or class scores (tml_model_values, tml_model_value_count,
// tml_model_value_name, tml_model_class_scores live beside it): model.cc refers to it weakly and refuses a
// blob with a heads table (TML_ERR_UNSUPPORTED) when nothing linked it, so the runner of classifiers stays
// as small as it was before version 3.
#ifndef TML_MODEL_HEADS_H
#define TML_MODEL_HEADS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tml_heads_info {
  uint32_t class_channels;     // the class head's channels (0 without one)
  uint32_t value_count;        // value heads
  uint32_t first_value;        // byte offset of the first value head's record from the table's start
  int32_t class_exp_multiplier;  // a class head beside value heads: its softmax (tml_model_class_scores); else 0
} tml_heads_info;

// Checks the heads table at `table` (`len` bytes to the end of the blob, 4-aligned) for an output of
// [output_time][output_channels] in the quantization `output_scale` (docs/model_format.md#output-heads)
// and describes it in `info`. TML_OK or TML_ERR_FORMAT.
int tml_heads_check(const uint8_t* table, size_t len, uint32_t output_time, uint32_t output_channels,
                    float output_scale, tml_heads_info* info);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // TML_MODEL_HEADS_H
