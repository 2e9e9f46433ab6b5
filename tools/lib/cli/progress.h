// Progress on stderr: a one-line bar, redrawn in place on a terminal (at most 10 times a second) and
// printed once at the end otherwise, so logs stay readable; and the bars of a training run.
#pragma once

#include <chrono>
#include <string>

#include "tml/trainer/train.h"

namespace tml::cli {

class ProgressBar {
 public:
  explicit ProgressBar(std::string title, bool enabled = true);
  // Redraws with `done` of `total` and free text after the bar ("104 rows/s  lost 0").
  void update(double done, double total, const std::string& figures);
  // Draws the final state and ends the line.
  void finish(const std::string& figures);

 private:
  void draw(const std::string& figures);
  std::string title_;
  bool enabled_;
  bool tty_;
  double done_ = 0, total_ = 0;
  std::chrono::steady_clock::time_point last_draw_{};
};

// Progress bars for a training run, one per epoch: the running loss and accuracy while the epoch trains,
// its figures (and validation's) when it ends. No bars when `enabled` is false.
trainer::TrainCallbacks epoch_progress(int epochs, bool enabled, bool classes = true);

}  // namespace tml::cli
