#include "tml/trainer/blob.h"

#include <cstring>

#include "tml/trainer/error.h"

namespace tml::trainer {

Blob::Blob(const std::vector<uint8_t>& bytes) : words_((bytes.size() + 3) / 4), size_(bytes.size()) {
  if (!bytes.empty()) std::memcpy(words_.data(), bytes.data(), bytes.size());
  check_status(tml_model_init(&model_, data(), size_), "the int8 model blob is invalid");
}

Blob::Blob(const Blob& other) : words_(other.words_), size_(other.size_), model_(other.model_) {
  model_.blob = data();  // point at our own copy
}

Blob& Blob::operator=(const Blob& other) {
  words_ = other.words_;
  size_ = other.size_;
  model_ = other.model_;
  model_.blob = data();
  return *this;
}

std::vector<std::string> Blob::labels() const {
  std::vector<std::string> out;
  for (uint32_t i = 0; i < tml_model_class_count(&model_); ++i) {
    const char* l = tml_model_label(&model_, i);
    out.push_back(l ? l : "");
  }
  return out;
}

std::vector<std::string> Blob::value_names() const {
  std::vector<std::string> out;
  for (uint32_t i = 0; i < tml_model_value_count(&model_); ++i) out.push_back(tml_model_value_name(&model_, i));
  return out;
}

uint32_t Blob::stream_rows() const {
  return model_.features.kind ? model_.features.record.audio.raw_rows : model_.header.input_time;
}

uint32_t Blob::stream_axes() const {
  return model_.features.kind ? model_.features.record.audio.raw_axes : model_.header.input_channels;
}

}  // namespace tml::trainer
