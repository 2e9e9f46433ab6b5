#include "early_stopping.h"

namespace tml::trainer::detail {

bool EarlyStopping::stop_after(int epoch, double val_loss, const Sequential& net) {
  if (patience_ <= 0) {
    best_epoch_ = epoch;
    return false;
  }
  if (val_loss < best_loss_) {
    best_loss_ = val_loss;
    best_.clear();
    for (size_t i = 0; i < net.size(); ++i)
      for (const auto& p : net.layer(i).params()) best_.push_back(p.value);
    best_epoch_ = epoch;
    since_best_ = 0;
    return false;
  }
  return ++since_best_ >= patience_;
}

void EarlyStopping::restore_best(Sequential& net) const {
  if (best_.empty()) return;
  size_t k = 0;
  for (size_t i = 0; i < net.size(); ++i)
    for (auto& p : net.layer(i).params()) p.value = best_[k++];
}

}  // namespace tml::trainer::detail
