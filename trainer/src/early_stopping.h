// Early stopping on the validation loss (private to the trainer): remembers the weights of the epoch with
// the lowest validation loss and says when `patience` epochs in a row have not beaten it. With patience 0
// it never stops and every epoch is the one kept.
#pragma once

#include <cmath>
#include <vector>

#include "tml/trainer/sequential.h"

namespace tml::trainer::detail {

class EarlyStopping {
 public:
  explicit EarlyStopping(int patience) : patience_(patience) {}

  // After each epoch, with its validation loss: returns true when training should stop.
  bool stop_after(int epoch, double val_loss, const Sequential& net);
  // The epoch whose weights are kept.
  int best_epoch() const { return best_epoch_; }
  // Puts the best epoch's weights back into `net` (nothing to do without patience).
  void restore_best(Sequential& net) const;

 private:
  int patience_;
  int best_epoch_ = 0;
  int since_best_ = 0;
  double best_loss_ = INFINITY;
  std::vector<std::vector<float>> best_;  // every parameter's values at the best epoch
};

}  // namespace tml::trainer::detail
