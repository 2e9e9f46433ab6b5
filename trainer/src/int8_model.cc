#include "tml/trainer/int8_model.h"

#include <cstring>
#include <stdexcept>

namespace tml::trainer {

Int8Model::Int8Model(const std::vector<uint8_t>& blob) : blob_((blob.size() + 3) / 4) {
  std::memcpy(blob_.data(), blob.data(), blob.size());
  const int s = tml_model_init(&model_, reinterpret_cast<const uint8_t*>(blob_.data()), blob.size());
  if (s != TML_OK) throw std::invalid_argument(std::string("invalid int8 model: ") + tml_status_str(s));
  arena_.resize((tml_model_arena_size(&model_) + 3) / 4);
}

Int8Model::Int8Model(const Int8Model& other) : blob_(other.blob_), arena_(other.arena_.size()), model_(other.model_) {
  model_.blob = reinterpret_cast<const uint8_t*>(blob_.data());  // point at our own copy
}

std::vector<std::string> Int8Model::labels() const {
  std::vector<std::string> out;
  for (int i = 0; i < classes(); ++i) {
    const char* l = tml_model_label(&model_, static_cast<uint32_t>(i));
    out.push_back(l ? l : "");
  }
  return out;
}

std::vector<int8_t> Int8Model::run(const float* raw) {
  void* arena = arena_.data();
  const size_t n = static_cast<size_t>(window_rows()) * axes();
  int s = tml_model_prepare_input(&model_, raw, n, tml_model_input(&model_, arena));
  if (s == TML_OK) s = tml_model_run(&model_, arena, arena_.size() * 4, nullptr, nullptr);
  if (s != TML_OK) throw std::runtime_error(std::string("int8 model run failed: ") + tml_status_str(s));
  const int8_t* out = tml_model_output(&model_, arena);
  return std::vector<int8_t>(out, out + tml_model_output_size(&model_));
}

std::vector<int8_t> Int8Model::logits() const {
  const int8_t* l = tml_model_logits(&model_, arena_.data());
  return std::vector<int8_t>(l, l + classes());
}

int Int8Model::top(const std::vector<int8_t>& scores) {
  int best = 0;
  for (size_t i = 1; i < scores.size(); ++i)
    if (scores[i] > scores[static_cast<size_t>(best)]) best = static_cast<int>(i);
  return best;
}

}  // namespace tml::trainer
