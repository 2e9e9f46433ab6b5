// What a model blob costs on a board, read from the blob itself: flash bytes (the blob, which stays in
// flash: weights and descriptor) and RAM bytes (the arena, which holds every activation and the kernels'
// scratch: nothing else is allocated), per layer and in total.
#pragma once

#include <cstdint>
#include <vector>

#include "tml/model.h"

namespace tml::trainer {

struct LayerSize {
  tml_layer_record record{};  // kind, shapes, quantization, arena offsets
  int64_t params = 0;         // int8 weights + int32 biases
  int64_t macs = 0;           // multiply-accumulates per inference
  // Flash
  uint32_t weight_bytes = 0;   // int8 weights
  uint32_t bias_bytes = 0;     // int32 biases
  uint32_t requant_bytes = 0;  // int32 multipliers and shifts (softmax: its exp multiplier)
  uint32_t record_bytes = 0;   // the layer record of the descriptor (64)
  // RAM: what is live in the arena while the layer runs (each rounded up to 4 bytes, as planned)
  uint32_t input_bytes = 0;
  uint32_t output_bytes = 0;
  uint32_t scratch_bytes = 0;

  uint32_t flash_bytes() const { return weight_bytes + bias_bytes + requant_bytes + record_bytes; }
  uint32_t ram_bytes() const { return input_bytes + output_bytes + scratch_bytes; }
};

struct ModelSize {
  std::vector<LayerSize> layers;
  uint32_t header_bytes = 0;         // the blob header (64)
  uint32_t labels_bytes = 0;         // class names, 32 bytes each
  uint32_t normalization_bytes = 0;  // per-axis mean and inverse std
  uint32_t front_end_bytes = 0;      // the front-end section (record and tables), 0 without one
  uint32_t heads_bytes = 0;          // the output heads table, 0 without one (a classifier)
  uint32_t anomaly_bytes = 0;        // the anomaly block (record and tables), 0 without one
  uint32_t padding_bytes = 0;        // alignment of the arrays
  uint32_t flash_bytes = 0;          // = the blob's size: all of the above and every layer's flash bytes
  uint32_t arena_bytes = 0;          // = the largest layer RAM: the model's RAM, scratch included
  int64_t params = 0;
  int64_t macs = 0;

  uint32_t parameter_bytes() const;   // weights, biases and requantization of all layers
  uint32_t descriptor_bytes() const;  // header, layer records, labels, normalisation, front end, heads,
                                      // anomaly block, padding
};

// Validates the blob (tml_model_init) and measures it. Throws Error if it is invalid.
ModelSize model_size(const std::vector<uint8_t>& blob);

}  // namespace tml::trainer
