// A one-line progress bar on stderr, redrawn in place on a terminal (at most 10 times a second) and
// printed once at the end otherwise, so logs stay readable.
#pragma once

#include <chrono>
#include <string>

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

}  // namespace tml::cli
