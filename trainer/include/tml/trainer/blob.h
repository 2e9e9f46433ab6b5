// A model blob as the host reads it: its bytes copied into 4-aligned memory (the runner wants aligned
// words) and validated by the firmware's own tml_model_init. Every host reader of a blob goes through
// here: the header export, the size report, the quantized model file and the host runner (Int8Model).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tml/model.h"

namespace tml::trainer {

class Blob {
 public:
  // Copies and validates `bytes`. Throws Error("the int8 model blob is invalid: <status>") when the runner
  // rejects them.
  explicit Blob(const std::vector<uint8_t>& bytes);
  Blob(const Blob& other);
  Blob& operator=(const Blob& other);

  const tml_model& model() const { return model_; }
  const tml_model_header& header() const { return model_.header; }
  const uint8_t* data() const { return reinterpret_cast<const uint8_t*>(words_.data()); }
  size_t size() const { return size_; }
  // The class names the blob holds, one per class output ("" for a blob without labels).
  std::vector<std::string> labels() const;
  // The names of its value heads, in output order (none without a heads table).
  std::vector<std::string> value_names() const;
  // The stream the model reads: the front end's raw window [raw_rows][raw_axes] when the blob has one
  // (model().features.kind != 0), else the network input [input_time][input_channels].
  uint32_t stream_rows() const;
  uint32_t stream_axes() const;

 private:
  std::vector<uint32_t> words_;
  size_t size_ = 0;
  tml_model model_{};
};

}  // namespace tml::trainer
